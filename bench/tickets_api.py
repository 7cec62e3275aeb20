"""Tickets through the HTTP API: create rate, and list-with-filters latency at scale.

1. Create: POST /api/v1/tickets against a real server — `uvicorn kefu.app:create_app
   --workers N` (default 2, one per core) — from 8 concurrent keep-alive connections
   (bench/http_load.py), each with an Idempotency-Key, writing the ticket, its history
   row, the TicketOpened outbox row (and, for repeat complaints, the link and the
   escalation); the row counts and the uniqueness of the numbers are checked afterwards.
   Baseline in the same run: GET /healthz (auth-free, one SELECT 1) — the floor of the
   HTTP stack. Target (issue #3): at least 500 creates/s on SQLite on 2 cores; the same
   run is printed on PostgreSQL. Wall rate, and CPU of the server processes per request
   (read from /proc; PostgreSQL's own backends are not counted), clients' CPU apart.
   Earlier versions drove one TestClient serially in the bench process; that measured
   the TestClient's thread hand-offs as much as the server and could not use two cores.
2. List: 1,000,000 tickets bulk-inserted straight into the table (six months, every
   type, status, category and department), then GET /api/v1/tickets with random filter
   combinations (status, category, department, date range, subscriber, owner, type,
   priority) and offsets. Baseline: GET /api/v1/me (same auth, no ticket query).
   Target: p95 under 50 ms. Then TMF621 list pages (fields=id,status,severity) with
   their X-Total-Count (exact up to 10,000 matches). Latency is measured one request at
   a time through the ASGI app (TestClient), wall and this process's CPU.

    .venv/bin/python bench/tickets_api.py                  # SQLite (+ PostgreSQL create run)
    .venv/bin/python bench/tickets_api.py --list-url postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_tickets
    .venv/bin/python bench/tickets_api.py --skip-list --creates 3000 --workers 1
    .venv/bin/python bench/tickets_api.py --skip-create --reuse   # list only, on the 1M file built before
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from bench.http_load import Run

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script: bench/ is a package

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CATEGORIES = ["billing", "vas", "mobile_network", "broadband", "plan", "account", "payment", "marketing",
              "attitude", "other"]
DEPARTMENTS = ["billing", "vas", "network", "installation", "marketing", "hall", "billing", "marketing",
               "customer_service", "customer_service"]
TYPES = ["complaint", "consultation", "fault", "service_request", "suggestion", "cross_region", "external"]
CHANNELS = ["hotline", "app", "wechat", "web", "hall", "email", "sms"]
# Weighted like a real centre six months in: most tickets are closed, a few are open.
STATUSES = ["closed"] * 14 + ["resolved", "return_visit", "investigating", "dispatched", "intake",
                              "remedy_proposed", "cancelled"]
PRIORITIES = ["normal", "normal", "low", "high", "urgent"]
SUBSCRIBERS = 200_000
OWNERS = 500
START = datetime(2026, 5, 20, tzinfo=UTC)
STEP_SECONDS = 15  # 1,000,000 tickets × 15 s ≈ 174 days


def _series(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"(SELECT generate_series(1, {n}) AS x) s"
    return f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) s"


def _pad(dialect: str, expr: str, width: int) -> str:
    return f"lpad(({expr})::text, {width}, '0')" if dialect == "postgresql" else f"printf('%0{width}d', {expr})"


def _pick(values: list[str], expr: str) -> str:
    cases = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE ({expr}) % {len(values)} {cases} END)"


def _fresh_database(kind: str, workdir: str) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{workdir}/create-{uuid.uuid4().hex[:6]}.db", None
    name = f"kefu_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


def _drop(name: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reverse_function(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _reverse(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("reverse", 1, lambda s: s[::-1], deterministic=True)


def _subscribers(engine: Engine, n: int) -> None:
    d = engine.dialect.name
    ts = "'2026-01-01 00:00:00'::timestamptz" if d == "postgresql" else "'2026-01-01 00:00:00.000000'"
    day = "'2015-01-01'::date" if d == "postgresql" else "'2015-01-01'"
    number = "'139' || " + _pad(d, "x", 8)
    with engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO accounts (id, account_no, balance_fen, credit_limit_fen, points, created_at)"
            f" SELECT x, 'A' || {_pad(d, 'x', 10)}, 0, 10000, 0, {ts} FROM {_series(d, n)}"))
        conn.execute(text(
            f"INSERT INTO subscribers (id, number, number_reversed, name, id_number, city, district, segment,"
            f" vip_level, birth_year, status, account_id, churn_risk, joined_on, created_at)"
            f" SELECT x, {number}, reverse({number}), '用户' || x, '440105198001011234', '深圳', '福田区',"
            f" 'individual', 0, 1980, 'active', x, 0.1, {day}, {ts} FROM {_series(d, n)}"))


def _app(url: str, workdir: str) -> tuple[Any, Engine, dict[str, str]]:
    from kefu.app import create_app
    from kefu.core.clock import SystemClock
    from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
    from kefu.identity import service as identity
    from kefu.migrate import upgrade
    from kefu.settings import Settings

    engine = make_engine(url)
    _reverse_function(engine)
    upgrade(engine)
    now = datetime.now(UTC)
    with unit_of_work(make_sessionmaker(engine)) as session:
        identity.create_user(session, username="bench", display_name="压测", password="bench-password-1",
                             roles=["complaint_handler"], now=now)
        token = identity.create_api_token(session, username="bench", name="bench", now=now, days=1)
    settings = Settings(database_url=url, instance_dir=workdir, run_worker=False)
    return create_app(settings, clock=SystemClock(), engine=engine), engine, {"Authorization": f"Bearer {token}"}


def create_run(kind: str, creates: int, workdir: str, *, workers: int, concurrency: int) -> tuple[Run, Run, dict[str, int]]:
    """`creates` POST /api/v1/tickets against a uvicorn server with `workers` processes,
    from `concurrency` keep-alive connections; the baseline is as many GET /healthz."""
    from bench.http_load import Server, drive

    url, pg_name = _fresh_database(kind, workdir)
    server = None
    try:
        _, engine, auth = _app(url, workdir)
        _subscribers(engine, 1000)
        engine.dispose()
        server = Server(url, workdir, workers)
        rnd = random.Random(7)

        def create(i: int) -> tuple[str, str, dict[str, str], Any]:
            body = {"type": rnd.choice(["complaint", "consultation", "fault"]), "subscriber_id": rnd.randint(1, 1000),
                    "channel": rnd.choice(CHANNELS), "core_demand": f"压测工单 {i}",
                    "category": rnd.choice(CATEGORIES), "emotion": "calm"}
            return "POST", "/api/v1/tickets", {**auth, "Idempotency-Key": f"k{kind}{i}"}, body

        def health(_: int) -> tuple[str, str, dict[str, str], Any]:
            return "GET", "/healthz", {}, None

        drive(server, lambda i: create(-1 - i), 200, concurrency=concurrency, expect=201)  # warm every worker
        drive(server, health, 200, concurrency=concurrency, expect=200)
        baseline = drive(server, health, creates, concurrency=concurrency, expect=200)
        rate = drive(server, create, creates, concurrency=concurrency, expect=201)
        server.stop()
        server = None
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = {t: int(conn.scalar(text(f"SELECT count(*) FROM {t}")) or 0)
                    for t in ("tickets", "ticket_events", "outbox", "ticket_idempotency_keys", "ticket_links")}
            numbers = int(conn.scalar(text("SELECT count(DISTINCT number) FROM tickets")) or 0)
        assert numbers == rows["tickets"], "ticket numbers must be unique"
        engine.dispose()
        return rate, baseline, rows
    finally:
        if server is not None:
            server.stop()
        if pg_name:
            _drop(pg_name)


def build_tickets(engine: Engine, n: int) -> None:
    d = engine.dialect.name
    if d == "postgresql":
        created = f"('{START.isoformat()}'::timestamptz + x * interval '{STEP_SECONDS} seconds')"
        updated = f"({created} + interval '2 hours')"
    else:
        base = START.strftime("%Y-%m-%d %H:%M:%S")
        created = f"(datetime('{base}', '+' || (x * {STEP_SECONDS}) || ' seconds') || '.000000')"
        updated = f"(datetime('{base}', '+' || (x * {STEP_SECONDS} + 7200) || ' seconds') || '.000000')"
    status = _pick(STATUSES, "x * 7 + x / 13")
    statement = (
        "INSERT INTO tickets (id, number, type, subscriber_id, channel, core_demand, description, emotion,"
        " emotion_intensity, category, department, priority, status, owner_id, characteristics, is_repeat,"
        " escalation_level, reopen_count, created_by, updated_by, created_at, updated_at, version)"
        f" SELECT x, 'TS' || {_pad(d, 'x', 14)}, {_pick(TYPES, 'x / 3')}, ((x % {SUBSCRIBERS}) * 7919) % {SUBSCRIBERS} + 1,"
        f" {_pick(CHANNELS, 'x / 5')}, '压测工单', '', 'calm', 0, {_pick(CATEGORIES, 'x')},"
        f" {_pick(DEPARTMENTS, 'x')}, {_pick(PRIORITIES, 'x / 11')}, {status}, x % {OWNERS} + 1, '{{}}',"
        f" x % 17 = 0, 0, 0, 'bench', 'bench', {created}, {updated}, 1 FROM {_series(d, n)}"
    )
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.execute(text(statement))
        print(f"  inserted {n:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)
        conn.execute(text("ANALYZE"))


def _filters(rnd: random.Random, n: int) -> tuple[str, dict[str, Any]]:
    """One random list request shaped like what agents and supervisors ask."""
    end = START + timedelta(seconds=n * STEP_SECONDS)
    day = START + timedelta(days=rnd.randint(0, (end - START).days - 8))
    window = {"created_from": day.isoformat(), "created_to": (day + timedelta(days=rnd.choice([1, 7]))).isoformat()}
    open_status = rnd.choice(["intake", "dispatched", "investigating", "resolved", "return_visit"])
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("status", {"status": rnd.choice(STATUSES)}),
        ("status+category+department", {"status": open_status, "category": rnd.choice(CATEGORIES),
                                         "department": rnd.choice(DEPARTMENTS)}),
        ("category+date range", {"category": rnd.choice(CATEGORIES), **window}),
        ("status+category+dept+date", {"status": "closed", "category": rnd.choice(CATEGORIES),
                                       "department": rnd.choice(DEPARTMENTS), **window}),
        ("department+status", {"department": rnd.choice(DEPARTMENTS), "status": open_status}),
        ("subscriber", {"subscriber_id": rnd.randint(1, SUBSCRIBERS)}),
        ("owner+status", {"owner_id": rnd.randint(1, OWNERS), "status": open_status}),
        ("type+priority", {"type": rnd.choice(TYPES), "priority": rnd.choice(PRIORITIES)}),
        ("date range", window),
        ("no filter, deep page", {"offset": rnd.choice([0, 50, 500, 2000])}),
    ]
    name, params = rnd.choice(shapes)
    return name, {**params, "limit": 50, "offset": params.get("offset", rnd.choice([0, 0, 0, 50, 100]))}


def _percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p = statistics.quantiles(ms, n=100)
    return f"p50 {p[49]:7.2f} ms   p95 {p[94]:7.2f} ms   p99 {p[98]:7.2f} ms"


def _direct_times(app: Any, requests: list[tuple[str, dict[str, Any]]]) -> list[float]:
    """The same requests through tickets.service.list_tickets in one session: the
    database and the service without the HTTP stack and authentication."""
    from kefu.core.pagination import Page
    from kefu.identity.roles import Principal, Role
    from kefu.tickets import service

    viewer = Principal(kind="staff", name="bench", roles=frozenset({Role.SUPERVISOR}), user_id=1)
    out = []
    with app.state.sessionmaker() as session:
        for _, params in requests:
            p = dict(params)
            filters = service.TicketFilter(
                status=[p["status"]] if "status" in p else None, type=p.get("type"), category=p.get("category"),
                department=p.get("department"), priority=p.get("priority"), subscriber_id=p.get("subscriber_id"),
                owner_id=p.get("owner_id"),
                created_from=datetime.fromisoformat(p["created_from"]) if "created_from" in p else None,
                created_to=datetime.fromisoformat(p["created_to"]) if "created_to" in p else None,
            )
            started = time.perf_counter()
            service.list_tickets(session, filters, page_=Page(offset=p["offset"], limit=p["limit"]), viewer=viewer)
            out.append(time.perf_counter() - started)
            session.expunge_all()
    return out


def _tmf_list(client: Any, rnd: random.Random, samples: int) -> None:
    """TMF621 list pages (fields=id,status,severity) with X-Total-Count: unfiltered, by
    status, by creation date window; exact totals up to the cap, none past it."""
    times, cpu, totals = [], [], []
    tt = "/tmf-api/troubleTicket/v4/troubleTicket"
    for _ in range(samples):
        day = START + timedelta(days=rnd.randint(0, 160))
        params = rnd.choice([
            {}, {"status": "inProgress"}, {"status": "closed"}, {"ticketType": "complaint"},
            {"creationDate.gte": day.isoformat(), "creationDate.lt": (day + timedelta(days=1)).isoformat()},
        ])
        params = {**params, "fields": "id,status,severity", "limit": 50, "offset": rnd.choice([0, 0, 50, 500])}
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(tt, params=params)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code in (200, 206), response.text
        totals.append(response.headers.get("X-Total-Count"))
    counted = [int(t) for t in totals if t is not None]
    print(f"GET TMF621 troubleTicket     {_percentiles(times)}   ({samples} pages of 50, fields=id,status,severity)")
    print(f"  CPU of this process        {_percentiles(cpu)}")
    print(f"  X-Total-Count sent on {len(counted)} of {samples} pages (max {max(counted, default=0):,});"
          " left out past 10,000 matches")


def reset_database(url: str, reuse: bool) -> bool:
    """Drops the list database unless reusing; True when it has to be built."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        return not os.path.exists(path)
    head, _, name = url.rpartition("/")
    admin = create_engine(f"{head}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and not reuse:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        fresh = not exists or not reuse
        if fresh:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return fresh


def list_run(url: str, n: int, samples: int, reuse: bool, workdir: str) -> None:
    from fastapi.testclient import TestClient

    fresh = reset_database(url, reuse)
    if not fresh:
        from kefu.core.db import make_engine

        with make_engine(url).begin() as conn:
            conn.execute(text("DELETE FROM users WHERE username = 'bench'"))
    app, engine, auth = _app(url, workdir)
    if fresh:
        print(f"building {n:,} tickets on {engine.dialect.name} …", flush=True)
        build_tickets(engine, n)
    client = TestClient(app)
    client.headers.update(auth)
    rnd = random.Random(42)
    requests = [_filters(rnd, n) for _ in range(samples)]
    for _, params in requests[:30]:
        assert client.get("/api/v1/tickets", params=params).status_code == 200
    by_shape: dict[str, list[float]] = {}
    overall, floor, totals, cpu, floor_cpu = [], [], [], [], []
    for name, params in requests:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/tickets", params=params)
        elapsed = time.perf_counter() - started
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code == 200, response.text
        totals.append(response.json()["total"])
        overall.append(elapsed)
        by_shape.setdefault(name, []).append(elapsed)
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get("/api/v1/me")
        floor.append(time.perf_counter() - started)
        floor_cpu.append(time.process_time() - cpu_started)
    direct = _direct_times(app, requests)
    p95 = statistics.quantiles(overall, n=100)[94]
    print(f"\nlist on {engine.dialect.name}, {n:,} tickets, {samples} random filtered pages of 50 (with total),"
          f" load {os.getloadavg()[0]:.1f}")
    print(f"GET /api/v1/tickets          {_percentiles(overall)}")
    print(f"  CPU of this process        {_percentiles(cpu)}")
    for name, values in sorted(by_shape.items()):
        worst = max(values) * 1000
        print(f"  {name:<28} median {statistics.median(values) * 1000:6.2f} ms  max {worst:6.2f} ms  ({len(values)})")
    print(f"  service call, no HTTP      {_percentiles(direct)}")
    print(f"  baseline: GET /api/v1/me   {_percentiles(floor)}")
    print(f"    its CPU                  {_percentiles(floor_cpu)}")
    print(f"  ratio list / me (p95)      {p95 / statistics.quantiles(floor, n=100)[94]:.1f}x")
    print(f"  matches per request: median {statistics.median(totals):.0f}, max {max(totals)} (capped at 1,000)")
    cpu95 = statistics.quantiles(cpu, n=100)[94]
    _tmf_list(client, rnd, samples // 2)
    print(f"target: list p95 < 50 ms → wall {'met' if p95 < 0.050 else 'NOT met'} ({p95 * 1000:.2f} ms),"
          f" CPU {'met' if cpu95 < 0.050 else 'NOT met'} ({cpu95 * 1000:.2f} ms)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections")
    parser.add_argument("--skip-pg", action="store_true", help="no PostgreSQL create run")
    parser.add_argument("--skip-create", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument("--list-url", default="sqlite:////tmp/kefu-bench-tickets.db")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="keep an existing list database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_create:
            for kind in ["sqlite"] + ([] if args.skip_pg else ["postgresql"]):
                load = os.getloadavg()[0]
                rate, baseline, rows = create_run(kind, args.creates, workdir, workers=args.workers,
                                                  concurrency=args.concurrency)
                print(f"\ncreate on {kind}: {args.creates} POST /api/v1/tickets, uvicorn {args.workers} workers,"
                      f" {args.concurrency} connections, {os.cpu_count()} cores, load {load:.1f} before")
                print(rate.line("creates"))
                print(baseline.line("baseline: GET /healthz"))
                print(f"  ratio create / healthz     {rate.rate / baseline.rate:.2f} wall"
                      f"   {rate.per_server_cpu_second / baseline.per_server_cpu_second:.2f} server CPU")
                print(f"  rows written               {rows}")
                if kind == "sqlite":
                    print(f"  target: ≥ 500 creates/s on SQLite on 2 cores → {'met' if rate.rate >= 500 else 'NOT met'}"
                          f" ({rate.rate:.0f} /s wall)")
        if not args.skip_list:
            list_run(args.list_url, args.tickets, args.samples, args.reuse, workdir)


if __name__ == "__main__":
    main()
