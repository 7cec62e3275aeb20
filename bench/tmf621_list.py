"""TMF621 through the HTTP API: create rate and list latency, each against the same work
on /api/v1/tickets in the same process (the baseline).

1. Create: POST /tmf-api/troubleTicket/v4/troubleTicket (TMF payload → ticket, full
   TroubleTicket answer) vs POST /api/v1/tickets (kefu payload, kefu detail answer).
2. List one page of 50: the full TroubleTicket (history → statusChange and notes, tasks,
   links, attachments, SLA resolve clock) vs `fields=id,status,severity` vs the kefu list.

    .venv/bin/python bench/tmf621_list.py [--tickets 600] [--postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script: bench/ is a package

from bench.tickets_api import _app, _drop, _fresh_database, _subscribers  # noqa: E402

TT = "/tmf-api/troubleTicket/v4/troubleTicket"


def _tmf(i: int) -> dict[str, Any]:
    return {"name": f"宽带断线 {i}", "description": "晚上八点后频繁断线", "severity": ["Minor", "Major", "Critical"][i % 3],
            "ticketType": "consultation", "channel": {"id": "hotline"},
            "relatedParty": [{"id": str(1 + i % 500), "role": "customer", "@referredType": "Customer"}]}


def _kefu(i: int) -> dict[str, Any]:
    return {"type": "consultation", "subscriber_id": 1 + i % 500, "channel": "hotline",
            "core_demand": f"宽带断线 {i}", "description": "晚上八点后频繁断线"}


def _timed(fn: Any, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _show(label: str, ms: list[float], base: list[float]) -> None:
    p50, p95 = statistics.median(ms), sorted(ms)[int(len(ms) * 0.95) - 1]
    ratio = statistics.median(ms) / statistics.median(base)
    print(f"  {label:<44} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ×{ratio:4.1f} of baseline")


def run(kind: str, tickets: int, workdir: str, url: str | None) -> None:
    from fastapi.testclient import TestClient

    db_url, name = (url, None) if url else _fresh_database(kind, workdir)
    try:
        app, engine, auth = _app(db_url, workdir)
        _subscribers(engine, 500)
        client = TestClient(app).__enter__()
        client.headers.update(auth)

        def tmf_create(i: int) -> None:
            r = client.post(TT, json=_tmf(i))
            assert r.status_code == 201, r.text

        def kefu_create(i: int) -> None:
            r = client.post("/api/v1/tickets", json=_kefu(i))
            assert r.status_code == 201, r.text

        half = tickets // 2
        base_create = _timed(kefu_create, half)
        tmf_creates = _timed(tmf_create, half)
        for i in range(1, tickets, 3):  # some history: a note and a status step on every third
            client.patch(f"{TT}/{i}", json={"note": [{"text": "已回电"}], "status": "inProgress"})
        print(f"{kind}: {tickets} tickets")
        _show("create /api/v1/tickets (baseline)", base_create, base_create)
        _show("create TMF621 troubleTicket", tmf_creates, base_create)

        offsets = [(i * 50) % max(tickets - 50, 1) for i in range(40)]
        base_list = _timed(lambda i: client.get("/api/v1/tickets", params={"offset": offsets[i], "limit": 50}), 40)
        light = _timed(lambda i: client.get(TT, params={"offset": offsets[i], "limit": 50,
                                                         "fields": "id,status,severity"}), 40)
        full = _timed(lambda i: client.get(TT, params={"offset": offsets[i], "limit": 50}), 40)
        _show("list 50 /api/v1/tickets (baseline)", base_list, base_list)
        _show("list 50 TMF fields=id,status,severity", light, base_list)
        _show("list 50 TMF full TroubleTicket", full, base_list)
        client.__exit__(None, None, None)
        engine.dispose()
    finally:
        if name:
            _drop(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=600)
    parser.add_argument("--postgresql", action="store_true", help="a throw-away database on 127.0.0.1:5432")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        run("postgresql" if args.postgresql else "sqlite", args.tickets, workdir, None)


if __name__ == "__main__":
    main()
