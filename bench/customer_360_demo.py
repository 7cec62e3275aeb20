"""Benchmark: the customer 360 view on a big *demo* operator (the realistic mix of
`kefu demo`: families, VAS, broadband, overage lines, unpaid bills); bench/customer_360.py
does the same on uniform rows built in SQL.

Builds (once; cached in bench/.data/, gitignored) a SQLite database of 1,000,000
subscribers with six months of usage and bills through the demo generator, then calls
`kefu.customers.service.customer_360` for 2,000 random subscribers, each in a fresh
session as a request would, and prints p50/p95/p99 in ms against a baseline run in the
same process: a primary-key lookup of the same subscribers (`session.get`).

When PostgreSQL answers on 127.0.0.1:5432, does the same on a database `kefu_bench_demo`
(created if missing, kept between runs; not bench/customer_360.py's `kefu_bench`);
--pg-subscribers sets a smaller operator there when generating it takes too long (about
10 minutes for 1,000,000 on a busy 2-core machine); the count is printed.

    .venv/bin/python bench/customer_360_demo.py [--subscribers 1000000] [--pg-subscribers 1000000]
                                                 [--calls 2000] [--no-pg]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.db import make_engine, make_sessionmaker
from kefu.customers import service
from kefu.customers.models import (
    Account,
    Bill,
    BillLine,
    Payment,
    Subscriber,
    Subscription,
    UsageMonth,
)
from kefu.demo.generate import generate
from kefu.migrate import upgrade

DATA = Path(__file__).resolve().parent / ".data"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_demo"
TABLES = (Account, Subscriber, Subscription, UsageMonth, Bill, BillLine, Payment)


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _progress(total: int) -> Callable[[int], None]:
    started, done = time.perf_counter(), 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if done == total or done % (total // 10 or 1) < n:
            print(f"    {done:>10,} / {total:,} subscribers, {time.perf_counter() - started:.0f} s", flush=True)

    return report


def _ensure(engine: Engine, subscribers: int, reset: Callable[[], Engine]) -> Engine:
    """The database with exactly `subscribers` demo subscribers, generated when it is not."""
    upgrade(engine)
    factory = make_sessionmaker(engine)
    have = _count(factory, Subscriber)
    if have == subscribers:
        print(f"  reusing the database ({have:,} subscribers)")
        return engine
    if have:
        engine.dispose()
        engine = reset()
        upgrade(engine)
        factory = make_sessionmaker(engine)
    print(f"  generating {subscribers:,} subscribers (once; kept for the next run)")
    result = generate(factory, subscribers=subscribers, now=NOW, on_progress=_progress(subscribers))
    print(f"  generated in {result.seconds:.0f} s")
    return engine


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


def _time(factory: sessionmaker[Session], ids: list[int], call: Callable[[Session, int], object]) -> list[float]:
    for sid in ids[:50]:  # warm the caches and the connection pool
        with factory() as session:
            call(session, sid)
    samples = []
    for sid in ids:
        with factory() as session:
            started = time.perf_counter()
            call(session, sid)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(label: str, engine: Engine, calls: int) -> None:
    factory = make_sessionmaker(engine)
    counts = {model.__tablename__: _count(factory, model) for model in TABLES}
    with factory() as session:
        low, high = session.execute(select(func.min(Subscriber.id), func.max(Subscriber.id))).one()
    ids = random.Random(360).sample(range(low, high + 1), calls)
    view = _time(factory, ids, lambda s, sid: service.customer_360(s, sid, now=NOW))
    lookup = _time(factory, ids, lambda s, sid: s.get(Subscriber, sid))
    v50, v95, v99 = _percentiles(view)
    b50, b95, b99 = _percentiles(lookup)
    print(f"{label}: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    print(f"  customer_360      p50 {v50:6.2f} ms  p95 {v95:6.2f} ms  p99 {v99:6.2f} ms  ({calls:,} subscribers)")
    print(f"  baseline (get PK) p50 {b50:6.2f} ms  p95 {b95:6.2f} ms  p99 {b99:6.2f} ms")
    print(f"  ratio customer_360 / primary-key lookup: p50 {v50 / b50:.1f}x, p99 {v99 / b99:.1f}x")


def _pg_answers() -> bool:
    try:
        probe = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with probe.connect():
            pass
        probe.dispose()
        return True
    except Exception:
        return False


def _pg_recreate(drop: bool) -> Engine:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if drop:
            conn.execute(text("DROP DATABASE IF EXISTS kefu_bench_demo WITH (FORCE)"))
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'kefu_bench_demo'")).first():
            conn.execute(text("CREATE DATABASE kefu_bench_demo"))
    admin.dispose()
    return make_engine(PG_BENCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--pg-subscribers", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    DATA.mkdir(exist_ok=True)
    path = DATA / f"demo-{args.subscribers}.sqlite"

    def fresh_sqlite() -> Engine:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return make_engine(f"sqlite:///{path}")

    print(f"SQLite ({path.name})")
    engine = _ensure(make_engine(f"sqlite:///{path}"), args.subscribers, fresh_sqlite)
    run("SQLite", engine, args.calls)
    engine.dispose()

    if args.no_pg:
        return
    if not _pg_answers():
        print("PostgreSQL: no answer on 127.0.0.1:5432, skipped")
        return
    print("PostgreSQL (kefu_bench_demo)")
    engine = _ensure(_pg_recreate(drop=False), args.pg_subscribers, lambda: _pg_recreate(drop=True))
    run(f"PostgreSQL ({args.pg_subscribers:,} subscribers)", engine, args.calls)
    engine.dispose()


if __name__ == "__main__":
    main()
