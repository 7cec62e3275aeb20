"""Benchmark: the SLA scan finding due clocks among 1,000,000 running ones.

Builds (in SQL, once per run) a database with N running clocks whose next check is
spread over the coming years and `--due` of them already due, then times what the
worker does each pass: `repository.claim_due_clock_ids` (the index range scan on
next_check_at, FOR UPDATE SKIP LOCKED on PostgreSQL, a batch of 500) and
`repository.claim_due_clocks` (the same, then loading the clocks as ORM objects), each in a transaction that is rolled back so
every pass sees the same backlog. Baseline in the same process: the same query forced
to read the whole table (what a scan without the index — or a poll of tickets — costs).
Target (issue #4): under 50 ms per scan on SQLite and on PostgreSQL.

    .venv/bin/python bench/sla_scan.py                                   # SQLite in /tmp
    .venv/bin/python bench/sla_scan.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.sla import repository

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
COLUMNS = (
    "ticket_id, target, cycle, policy_code, policy_version, calendar_code, notify_calendar, target_seconds, "
    "warn_share, ticket_type, segment, priority, department, state, started_at, running_since, consumed_us, "
    "due_at, escalation_level, next_check_at, last_event_at"
)


def _fill_sqlite(engine: Engine, rows: int, due: int) -> None:
    # Stored as UtcDateTime does on SQLite: naive UTC text with microseconds.
    base = (NOW - timedelta(minutes=due)).strftime("%Y-%m-%d %H:%M:%S")
    started = (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.000000")
    with engine.begin() as conn:
        conn.execute(text(f"""
            WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :rows)
            INSERT INTO sla_clocks ({COLUMNS})
            SELECT i, 'respond', 1, 'complaint', 1, '24x7', '24x7', 900, 0.8, 'complaint', 'individual',
                   'normal', 'billing', 'running', :started, :started, 0,
                   datetime(:base, '+' || i || ' minutes') || '.000000', 0,
                   datetime(:base, '+' || i || ' minutes') || '.000000', :started
            FROM s
        """), {"rows": rows, "base": base, "started": started})
        conn.execute(text("ANALYZE"))


def _fill_postgresql(engine: Engine, rows: int, due: int) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"""
            INSERT INTO sla_clocks ({COLUMNS})
            SELECT i, 'respond', 1, 'complaint', 1, '24x7', '24x7', 900, 0.8, 'complaint', 'individual',
                   'normal', 'billing', 'running', :started, :started, 0,
                   :base + i * interval '1 minute', 0, :base + i * interval '1 minute', :started
            FROM generate_series(1, :rows) AS i
        """), {"rows": rows, "base": NOW - timedelta(minutes=due), "started": NOW - timedelta(days=1)})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE sla_clocks"))


def _time(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def run(url: str, *, rows: int, due: int, repeat: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    (_fill_postgresql if engine.dialect.name == "postgresql" else _fill_sqlite)(engine, rows, due)
    print(f"\n{engine.dialect.name}: {rows:,} running clocks, {due:,} due (built in {time.perf_counter() - t0:.0f} s)")
    factory = make_sessionmaker(engine)

    def claim() -> None:
        with factory() as session:
            claimed = repository.claim_due_clocks(session, now=NOW, limit=500)
            assert len(claimed) == min(500, due), len(claimed)
            session.rollback()

    def ids() -> None:
        with factory() as session:
            assert len(repository.claim_due_clock_ids(session, now=NOW, limit=500)) == min(500, due)
            session.rollback()

    full = ("SELECT id FROM sla_clocks NOT INDEXED WHERE next_check_at <= :now ORDER BY next_check_at LIMIT 500"
            if engine.dialect.name == "sqlite" else
            "SELECT id FROM sla_clocks WHERE next_check_at + interval '0 s' <= :now "
            "ORDER BY next_check_at + interval '0 s' LIMIT 500")
    bound = NOW.replace(tzinfo=None).isoformat(sep=" ") if engine.dialect.name == "sqlite" else NOW

    def baseline() -> None:
        with engine.connect() as conn:
            assert len(conn.execute(text(full), {"now": bound}).all()) == min(500, due)

    claim(), ids(), baseline()  # warm caches and plans
    claim_ms, ids_ms = _time(claim, repeat), _time(ids, repeat)
    base_ms = _time(baseline, max(3, repeat // 5))
    median = statistics.median
    p95 = sorted(ids_ms)[max(0, int(len(ids_ms) * 0.95) - 1)]
    print(f"  find and claim 500 due clocks (index range scan, locked): median {median(ids_ms):7.1f} ms  "
          f"p95 {p95:7.1f} ms")
    print(f"  … and load them as ORM objects for processing:           median {median(claim_ms):7.1f} ms")
    print(f"  baseline, the same query reading the whole table:         median {median(base_ms):7.1f} ms")
    print(f"  ratio: the indexed scan is {median(base_ms) / median(ids_ms):,.0f}× faster than a full read; "
          f"target <50 ms per scan: {'met' if median(ids_ms) < 50 else 'NOT met'}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite", default="/tmp/kefu-bench-sla.db")
    parser.add_argument("--pg", default="", help="a PostgreSQL server URL; a scratch database is created and dropped")
    args = parser.parse_args()
    Path(args.sqlite).unlink(missing_ok=True)
    run(f"sqlite:///{args.sqlite}", rows=args.rows, due=args.due, repeat=args.repeat)
    Path(args.sqlite).unlink(missing_ok=True)
    if args.pg:
        name = f"kefu_bench_sla_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(f"{args.pg.rpartition('/')[0]}/{name}", rows=args.rows, due=args.due, repeat=args.repeat)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
