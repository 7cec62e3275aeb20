"""Knowledge-base search speed at 10,000 articles with 4 phrasings each, on SQLite and
PostgreSQL, against plain bm25s (no synonyms, no typo channels, no fields) as baseline;
then search quality on the shipped held-out queries, with an ablation of each addition.

    .venv/bin/python bench/kb_search.py [--articles 10000] [--queries 500] [--no-pg]

The timed call is the use case the API runs (search_service.search, writing its search
log), so it includes the read of the index stamp and the log insert, not just numpy.
Percentiles are wall-clock: on a shared, overloaded machine the tail is mostly waiting
for a CPU, which is why the CPU time per search is printed beside them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources

from sqlalchemy import create_engine, text

from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.knowledge import evaluation, formats, search_service, tokenize, transfer
from kefu.knowledge.search import Index, PlainIndex, Weights
from kefu.migrate import upgrade

logging.disable(logging.WARNING)
PG_URL = os.environ.get("KEFU_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime.now(UTC)


def _starter() -> list[dict]:
    raw = resources.files("kefu.knowledge").joinpath("data/articles.json").read_text(encoding="utf-8")
    return json.loads(raw)


def _heldout() -> list[evaluation.Case]:
    raw = resources.files("kefu.knowledge").joinpath("data/heldout_queries.jsonl").read_text(encoding="utf-8")
    return evaluation.parse_cases(raw)[0]


def synthesise(count: int, seed: int = 7) -> list[dict]:
    """`count` articles in the starter KB's vocabulary: each a shuffled mix of two real
    articles' words, with 4 phrasings; questions made unique by a region and a number."""
    rng = random.Random(seed)
    base = _starter()
    regions = ["深圳", "昆明", "东莞", "广州", "大理", "曲靖", "佛山", "珠海", "玉溪", "惠州"]
    rows = []
    for n in range(count):
        a, b = rng.sample(base, 2)
        words_a, words_b = tokenize.words(a["question"]), tokenize.words(b["question"])
        question = "".join(rng.sample(words_a, len(words_a)) + rng.sample(words_b, min(2, len(words_b))))
        phrasings = []
        for p in (a["phrasings"] + b["phrasings"])[:4]:
            w = tokenize.words(p)
            phrasings.append("".join(rng.sample(w, len(w))) or p)
        while len(phrasings) < 4:
            phrasings.append(question + rng.choice(regions))
        answer = a["answer"][: rng.randint(60, 160)] + b["answer"][: rng.randint(20, 80)]
        rows.append({
            "question": f"{question}（{rng.choice(regions)}{n}）"[:190],
            "answer": answer, "phrasings": phrasings, "category": a["category"],
            "visibility": "public" if rng.random() < 0.8 else "agent",
        })
    return rows


def queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    pool = [c.query for c in _heldout()] + [p for a in _starter() for p in a["phrasings"]]
    return [rng.choice(pool) for _ in range(count)]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def bench_backend(name: str, url: str, rows: list[dict], qs: list[str]) -> list[list[int]]:
    """Prints the timings; returns each query's top-5 article ids (to compare backends)."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        transfer.import_articles(session, formats.parse(json.dumps(rows, ensure_ascii=False), "json"),
                                 actor="bench", now=NOW)
    load = time.perf_counter() - started
    search_service.forget_indexes()  # a process starting cold, with only what the database holds
    with unit_of_work(factory) as session:
        started = time.perf_counter()
        index = search_service.current_index(session)
        build = time.perf_counter() - started
        plain = search_service.plain_index(session)
    timings, plain_timings, rankings = [], [], []
    with factory() as session:  # one session per request in the API; the log rows are rolled back
        cpu_started = time.process_time()
        for q in qs:
            t0 = time.perf_counter()
            result = search_service.search(session, q, audience="public", now=NOW, limit=5, actor="bench")
            timings.append((time.perf_counter() - t0) * 1000)
            rankings.append([h.article_id for h in result.hits])
        cpu = (time.process_time() - cpu_started) / len(qs) * 1000
        session.rollback()
    ranking_only = []
    for q in qs:
        t0 = time.perf_counter()
        plain.search(q, limit=5)
        plain_timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        index.search(q, audience="public", now=NOW, limit=5)
        ranking_only.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    p95, base95 = percentile(timings, 95), percentile(plain_timings, 95)
    print(f"{name:10s} articles={len(index.docs)} load={load:.1f}s index build={build:.1f}s | "
          f"search p50={statistics.median(timings):.2f}ms p95={p95:.2f}ms | plain bm25s p95={base95:.2f}ms "
          f"| ratio p95 kefu/plain={p95 / base95:.1f}x | CPU per search {cpu:.2f}ms")
    print(f"{'':10s} in-memory ranking alone (no database round trips): p50={statistics.median(ranking_only):.2f}ms "
          f"p95={percentile(ranking_only, 95):.2f}ms, ratio p95 to plain bm25s "
          f"{percentile(ranking_only, 95) / base95:.1f}x")
    return rankings


def quality() -> None:
    """Held-out accuracy of the shipped KB, full ranking vs plain bm25s and ablations (in memory)."""
    from kefu.knowledge.search import Doc
    from kefu.knowledge.text import plain_text, question_key

    docs = [Doc(i, 1, a["question"], tuple(a["phrasings"]), plain_text(a["answer"]), a["category"],
                a["visibility"], None, None) for i, a in enumerate(_starter(), start=1)]
    ids = {question_key(d.question): d.article_id for d in docs}
    cases = [(c.query, ids[question_key(c.expected)]) for c in _heldout()]

    def score(search) -> str:
        top1 = top5 = rr = 0.0
        for q, expected in cases:
            got = [h.article_id for h in search(q)]
            top1 += got[:1] == [expected]
            top5 += expected in got[:5]
            rr += 1 / (got.index(expected) + 1) if expected in got else 0
        n = len(cases)
        return f"top1={top1 / n:.3f} top5={top5 / n:.3f} mrr={rr / n:.3f}"

    plain = PlainIndex(docs)
    print(f"held-out ({len(cases)} queries) plain bm25s        {score(lambda q: plain.search(q, limit=10))}")
    full = Weights()
    for label, weights in [
        ("kefu (all)", full),
        ("  without synonyms", replace(full, synonym=0.0)),
        ("  without pinyin", replace(full, pinyin=0.0)),
        ("  without char bigrams", replace(full, bigrams=0.0)),
        ("  without answer field", replace(full, answer=0.0)),
    ]:
        index = Index(docs, weights=weights)
        print(f"held-out ({len(cases)} queries) {label:20s} "
              f"{score(lambda q, i=index: i.search(q, audience='agent', now=NOW, limit=10))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    rows, qs = synthesise(args.articles), queries(args.queries)
    print(f"{args.articles} synthetic articles x 4 phrasings, {len(qs)} queries; p95 target 20 ms")
    with tempfile.TemporaryDirectory() as folder:
        on_sqlite = bench_backend("sqlite", f"sqlite:///{folder}/bench.db", rows, qs)
    if not args.no_pg:
        name = f"kefu_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # no server: report SQLite alone rather than fail
            print(f"postgresql skipped: {exc.__class__.__name__}")
        else:
            try:
                on_pg = bench_backend("postgresql", PG_URL.rpartition("/")[0] + f"/{name}", rows, qs)
                same = sum(a == b for a, b in zip(on_sqlite, on_pg, strict=True))
                print(f"identical top-5 rankings on SQLite and PostgreSQL: {same}/{len(qs)}")
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    quality()


if __name__ == "__main__":
    main()
