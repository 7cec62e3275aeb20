"""POST /api/v1/intake/suggest latency: the call the ticket form makes every few keystrokes.

Through the ASGI app (TestClient, one process): the agent's text grows keystroke by
keystroke over a dozen real-looking complaints; each prefix is one request. Two cases:
  - text only (classification: normalise, segment, model, rules, emotion, urgency);
  - with subscriber_id (adds the subscriber lookup and "similar open tickets of the
    category in the district this week": one indexed query and a TF-IDF similarity over
    up to 300 open tickets — the bench puts 300 open broadband tickets in the district).
Baseline in the same process: GET /api/v1/me (same auth, no classification). The first
call (model + jieba load, ~1.6 s CPU) is printed separately; the app warms it in lifespan.

    .venv/bin/python bench/intake_suggest.py [--rounds 3] [--postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script: bench/ is a package

from bench.tickets_api import _app, _drop, _fresh_database, _subscribers  # noqa: E402

TEXTS = [
    "家里宽带断网三天了，光猫一直亮红灯，报修了也没人上门",
    "这个月话费怎么多扣了30块，我没用那么多流量",
    "莫名其妙开通了一个视频彩铃，每月扣我10块钱，赶紧给我退了",
    "手机信号特别差，在家里打电话老是断线",
    "我八十岁了，你们再乱扣钱我就去12315投诉",
    "营业厅的工作人员态度太差了，办个业务推来推去",
    "想把套餐改成便宜一点的，合约期还没到能不能改",
    "实名认证一直通不过，号码被停机了",
    "天天有人打电话推销宽带，烦死了",
    "交了费为什么还是欠费停机",
    "那个事情怎么样了",
    "宽带又断网了！！第三次报修了，再不修我就携号转网",
]
OPEN_IN_DISTRICT = 300


def _prefixes(text: str, step: int = 3) -> list[str]:
    return [text[:i] for i in range(step, len(text) + 1, step)] + [text]


def _open_tickets(engine: Any, n: int) -> None:
    from kefu.tickets.models import Ticket

    now = datetime.now(UTC)
    rows = [
        {"number": f"TSBENCH{i:09d}", "type": "complaint", "subscriber_id": 1 + i % 1000, "channel": "hotline",
         "core_demand": TEXTS[0] if i % 3 else f"宽带第{i}次断网，师傅没上门", "description": "", "emotion": "calm",
         "emotion_intensity": 0, "category": "broadband", "department": "installation", "priority": "normal",
         "status": "dispatched", "characteristics": {}, "is_repeat": False, "escalation_level": 0,
         "reopen_count": 0, "created_by": "bench", "updated_by": "bench", "classification": {},
         "district": "福田区", "created_at": now - timedelta(hours=i % 150), "updated_at": now, "version": 1}
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(Ticket.__table__.insert(), rows)


def _timed(fn: Any) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def _report(name: str, samples: list[tuple[float, float]], baseline: float | None = None) -> float:
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    median = statistics.median(wall)
    ratio = f"  ×{median / baseline:.1f} of baseline" if baseline else ""
    print(f"{name:<34} n={len(samples):>4}  wall p50 {median:6.2f} ms  p95 {_pct(wall, 0.95):6.2f} ms  "
          f"max {max(wall):7.2f} ms  CPU p50 {statistics.median(cpu):6.2f} ms{ratio}")
    return median


def run(kind: str, rounds: int) -> None:
    from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as workdir:
        url, pg_name = _fresh_database(kind, workdir)
        try:
            app, engine, auth = _app(url, workdir)
            _subscribers(engine, 1000)
            _open_tickets(engine, OPEN_IN_DISTRICT)
            client = TestClient(app).__enter__()  # lifespan starts the warm-up thread; wait for it below
            client.headers.update(auth)
            first = _timed(lambda: client.post("/api/v1/intake/suggest", json={"text": "宽带断网"}))
            print(f"[{kind}] first suggest after start (waits for the warm-up if still running): "
                  f"{first[0]:.0f} ms wall, {first[1]:.0f} ms CPU")
            baseline = _report("GET /api/v1/me (baseline)",
                               [_timed(lambda: client.get("/api/v1/me")) for _ in range(200)])
            texts_only, with_subscriber = [], []
            for _ in range(rounds):
                for text in TEXTS:
                    for prefix in _prefixes(text):
                        r = [None]

                        def call(body: dict[str, Any], out: list[Any] = r) -> None:
                            out[0] = client.post("/api/v1/intake/suggest", json=body)

                        texts_only.append(_timed(lambda p=prefix: call({"text": p})))
                        assert r[0].status_code == 200, r[0].text
                        with_subscriber.append(_timed(lambda p=prefix: call({"text": p, "subscriber_id": 7})))
                        assert r[0].status_code == 200, r[0].text
            _report("suggest, text only", texts_only, baseline)
            _report(f"suggest + similar ({OPEN_IN_DISTRICT} open in district)", with_subscriber, baseline)
            last = client.post("/api/v1/intake/suggest", json={"text": TEXTS[0], "subscriber_id": 7}).json()
            print(f"  e.g. {last['category']} {last['confidence']}: {last['similar']['message']}")
            client.__exit__(None, None, None)
            engine.dispose()
        finally:
            if pg_name:
                _drop(pg_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgresql", action="store_true", help="also run on a fresh PostgreSQL database")
    args = parser.parse_args()
    run("sqlite", args.rounds)
    if args.postgresql:
        run("postgresql", args.rounds)


if __name__ == "__main__":
    main()
