"""Customer 360 and subscriber search on a large database.

Builds (once; --reuse keeps it) a database of N subscribers (default 1,000,000), each
with an account, a plan (10% also a VAS), 6 months of usage, 6 bills with lines and 6
payments — about 27 million rows — then times `customer_360` and `search_subscribers`
on random subscribers. Baselines in the same process: a bare primary-key lookup of a
subscriber (the floor for the 360), and a `LIKE '%1234'` suffix search (what the
indexed reversed-number column replaces).
Target (issue "Foundation", C1): 360 p95 under 20 ms with 1,000,000 subscribers.

    .venv/bin/python bench/customer_360.py                       # SQLite in /tmp
    .venv/bin/python bench/customer_360.py --url postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

MONTHS = ["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _series(dialect: str, n: int) -> str:
    """A one-column `s(x)` of 1..n, generated inside the database."""
    if dialect == "postgresql":
        return f"(SELECT generate_series(1, {n}) AS x) s"
    return f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) s"


def _pad(dialect: str, expr: str, width: int) -> str:
    if dialect == "postgresql":
        return f"lpad(({expr})::text, {width}, '0')"
    return f"printf('%0{width}d', {expr})"


def build(engine: Engine, n: int) -> None:
    from kefu.migrate import upgrade

    upgrade(engine)
    d = engine.dialect.name
    ts = "'2026-01-01 00:00:00'" if d == "postgresql" else "'2026-01-01 00:00:00.000000'"
    months = " UNION ALL ".join(f"SELECT {i} AS m, '{m}' AS month" for i, m in enumerate(MONTHS))
    cast = "::date" if d == "postgresql" else ""
    tscast = "::timestamptz" if d == "postgresql" else ""
    number = "'139' || " + _pad(d, "x", 8)
    statements = [
        "INSERT INTO service_providers (id, code, name, flagged) VALUES (1, 'SP1', '某某信息', false)",
        "INSERT INTO products (id, code, name, kind, monthly_fee_fen, data_mb, voice_minutes, sms, bandwidth_mbps,"
        " sp_id, active, description) VALUES"
        " (1, 'TY19', '19 元', 'mobile_plan', 1900, 1024, 100, 50, 0, NULL, true, ''),"
        " (2, 'TY59', '59 元', 'mobile_plan', 5900, 30720, 500, 100, 0, NULL, true, ''),"
        " (3, 'VAS1', '彩铃', 'vas', 500, 0, 0, 0, 0, 1, true, '')",
        f"INSERT INTO accounts (id, account_no, balance_fen, credit_limit_fen, points, created_at)"
        f" SELECT x, 'A' || {_pad(d, 'x', 10)}, (x % 200) - 50, 10000, x % 5000, {ts}{tscast} FROM {_series(d, n)}",
        f"INSERT INTO subscribers (id, number, number_reversed, name, id_number, city, district, segment, vip_level,"
        f" birth_year, status, account_id, churn_risk, joined_on, created_at)"
        f" SELECT x, {number}, reverse({number}), '用户' || x, '440105198001011234', '深圳', '福田区',"
        f" 'individual', x % 4, 1980, 'active', x, 0.1, '2015-01-01'{cast}, {ts}{tscast} FROM {_series(d, n)}",
        f"INSERT INTO subscriptions (id, subscriber_id, product_id, start_date, order_channel, ordered_by, charged_fee_fen)"
        f" SELECT x, x, 1 + x % 2, '2015-01-01'{cast}, 'hall', 'self', 1900 FROM {_series(d, n)}",
        f"INSERT INTO subscriptions (id, subscriber_id, product_id, start_date, order_channel, ordered_by, charged_fee_fen)"
        f" SELECT {n} + x, x * 10, 3, '2026-03-01'{cast}, 'sp_outbound', 'SP1', 500 FROM {_series(d, n // 10)}",
        f"INSERT INTO usage_months (id, subscriber_id, month, data_mb, voice_minutes, sms)"
        f" SELECT (x - 1) * 6 + m + 1, x, month{cast}, x % 4000, x % 300, x % 40 FROM {_series(d, n)}, ({months}) ms",
        f"INSERT INTO bills (id, account_id, subscriber_id, month, total_fen, status, issued_at)"
        f" SELECT (x - 1) * 6 + m + 1, x, x, month{cast}, 1900, 'paid', {ts}{tscast} FROM {_series(d, n)}, ({months}) ms",
        f"INSERT INTO bill_lines (id, bill_id, item, description, product_id, amount_fen)"
        f" SELECT (x - 1) * 6 + m + 1, (x - 1) * 6 + m + 1, 'plan_fee', '套餐月费', 1, 1900"
        f" FROM {_series(d, n)}, ({months}) ms",
        f"INSERT INTO payments (id, account_id, amount_fen, channel, paid_at)"
        f" SELECT (x - 1) * 6 + m + 1, x, 1900, 'wechat', {ts}{tscast} FROM {_series(d, n)}, ({months}) ms",
    ]
    with engine.begin() as conn:
        for statement in statements:
            started = time.perf_counter()
            conn.execute(text(statement))
            print(f"  {statement.split('(')[0].strip():<32} {time.perf_counter() - started:6.1f} s", flush=True)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p = statistics.quantiles(ms, n=100)
    return f"p50 {p[49]:7.2f} ms   p95 {p[94]:7.2f} ms   p99 {p[98]:7.2f} ms"


CPU: list[float] = []


def _time(fn: Any, args: list[Any]) -> list[float]:
    """Wall-clock seconds per call; CPU seconds of this process per call go to CPU."""
    out = []
    CPU.clear()
    for arg in args:
        started, cpu = time.perf_counter(), time.process_time()
        fn(arg)
        out.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite:////tmp/kefu-bench-customers.db")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()

    from kefu.core.db import make_engine, make_sessionmaker
    from kefu.customers import service

    url = args.url
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        import os

        if not args.reuse and os.path.exists(path):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        fresh = not os.path.exists(path)
    else:
        head, _, name = url.rpartition("/")
        admin = create_engine(f"{head}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists and not args.reuse:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            fresh = not exists or not args.reuse
            if fresh:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _reverse(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("reverse", 1, lambda s: s[::-1], deterministic=True)

    if fresh:
        print(f"building {args.subscribers:,} subscribers on {engine.dialect.name} …", flush=True)
        started = time.perf_counter()
        build(engine, args.subscribers)
        print(f"built in {time.perf_counter() - started:.0f} s")
    n = args.subscribers
    rnd = random.Random(42)
    ids = [rnd.randint(1, n) for _ in range(args.samples)]
    factory = make_sessionmaker(engine)
    with factory() as session:
        for warm in ids[:20]:
            service.customer_360(session, warm, now=NOW)
        view = service.customer_360(session, ids[0], now=NOW)
        assert len(view.bills) == 6 and len(view.usage) == 3 and view.plan is not None
        floor = _time(lambda i: session.execute(text("SELECT * FROM subscribers WHERE id = :i"), {"i": i}).all(), ids)
        full = _time(lambda i: (service.customer_360(session, i, now=NOW), session.expunge_all()), ids)
        full_cpu = list(CPU)
        suffixes = [f"{rnd.randint(0, 9999):04d}" for _ in range(100)]
        indexed = _time(lambda s: service.search_subscribers(session, s), suffixes)
        prefixes = [f"139{rnd.randint(0, 99999):05d}" for _ in range(100)]
        by_prefix = _time(lambda s: service.search_subscribers(session, s), prefixes)
        by_name = _time(lambda s: service.search_subscribers(session, f"用户{rnd.randint(1, n)}"), prefixes)
        like = _time(
            lambda s: session.execute(
                text("SELECT id FROM subscribers WHERE number LIKE :p ORDER BY number LIMIT 20"), {"p": f"%{s}"}
            ).all(),
            suffixes[:5],
        )
    p95 = statistics.quantiles(full, n=100)[94]
    print(f"\n{engine.dialect.name}, {n:,} subscribers, {args.samples} random subscribers")
    print(f"customer_360                 {_percentiles(full)}")
    print(f"  CPU of this process        {_percentiles(full_cpu)}")
    print(f"  baseline: PK lookup        {_percentiles(floor)}")
    print(f"  ratio 360 / PK lookup (p95) {p95 / statistics.quantiles(floor, n=100)[94]:.1f}x")
    print(f"search last 4 digits         {_percentiles(indexed)}")
    print(f"search number prefix         {_percentiles(by_prefix)}")
    print(f"search name                  {_percentiles(by_name)}")
    print(f"  baseline: LIKE '%1234'     median {statistics.median(like) * 1000:7.1f} ms (5 runs)")
    print(f"  ratio LIKE / indexed suffix (median) {statistics.median(like) / statistics.median(indexed):.0f}x")
    print(f"target: 360 p95 < 20 ms → {'met' if p95 < 0.020 else 'NOT met'} ({p95 * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
