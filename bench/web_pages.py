"""Server time of every main web page with 1,000,000 tickets (issue #6: no page over 1 s).

The database: bench/tickets_api.py's bulk builders (200,000 subscribers with accounts,
1,000,000 tickets over six months, every type, status, category and department), plus
what the pages read beside the tickets table: a resolve clock for every open ticket
(due times spread from 2 days overdue to 3 days ahead, so the board's due-soon,
breached and per-department counts have real work) and a dispatched task for every
dispatched or investigating ticket (the agent queue's "tasks for my department").
Staff and subscriber sessions are opened directly (no login form in the timing).

Each page is requested through the ASGI app (TestClient, one process, one thread),
server-side time = request in to response out, with this process's CPU time beside it
(the machine is shared). Baseline in the same run: GET /healthz.

    .venv/bin/python bench/web_pages.py                 # builds /tmp/kefu-bench-pages.db (~10 min)
    .venv/bin/python bench/web_pages.py --reuse         # reuses it
    .venv/bin/python bench/web_pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_pages
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tickets_api import SUBSCRIBERS, _app, _subscribers, build_tickets, reset_database  # noqa: E402

OPEN = ("intake", "dispatched", "investigating", "remedy_proposed", "resolved", "return_visit")
DEPARTMENT_OF_AGENT = "billing"
TARGET_SECONDS = 1.0


def _build_clocks_and_tasks(engine: Engine, now: datetime) -> None:
    d = engine.dialect.name
    statuses = ", ".join(f"'{s}'" for s in OPEN)
    # due = now + ((id % 7200) - 2880) minutes: 2 days overdue … 3 days ahead.
    offset = "((t.id % 7200) - 2880) * 60"
    if d == "postgresql":
        due = f"(CAST(:now AS timestamptz) + ({offset}) * interval '1 second')"
        started = "t.created_at"
    else:
        due = f"(strftime('%Y-%m-%d %H:%M:%S', :now, ({offset}) || ' seconds') || '.000000')"
        started = "t.created_at"
    breached = f"CASE WHEN {offset} < 0 THEN 'breached' ELSE 'running' END"
    breached_at = f"CASE WHEN {offset} < 0 THEN {due} END"
    with engine.begin() as conn:
        began = time.perf_counter()
        conn.execute(text(
            "INSERT INTO sla_clocks (ticket_id, target, cycle, policy_code, policy_version, calendar_code,"
            " notify_calendar, target_seconds, warn_share, ticket_type, segment, priority, department, state,"
            " started_at, running_since, consumed_us, due_at, breached_at, escalation_level, last_event_at)"
            f" SELECT t.id, 'resolve', 1, 'default', 1, '24x7', '24x7', 259200, 0.8, t.type, 'individual',"
            f" t.priority, coalesce(t.department, 'customer_service'), {breached}, {started}, {started}, 0,"
            f" {due}, {breached_at}, 0, {started} FROM tickets t WHERE t.status IN ({statuses})"),
            {"now": now if d == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S")})
        conn.execute(text(
            "INSERT INTO ticket_tasks (ticket_id, department, instructions, status, created_by, created_at)"
            " SELECT t.id, coalesce(t.department, 'customer_service'), '请核实', 'open', 'bench', t.created_at"
            " FROM tickets t WHERE t.status IN ('dispatched', 'investigating')"))
        clocks = conn.scalar(text("SELECT count(*) FROM sla_clocks"))
        tasks = conn.scalar(text("SELECT count(*) FROM ticket_tasks"))
        conn.execute(text("ANALYZE"))
    print(f"  {clocks:,} clocks and {tasks:,} tasks in {time.perf_counter() - began:.0f} s", flush=True)


def _prepare(url: str, n: int, reuse: bool, workdir: str) -> tuple[Any, Engine, bool]:
    fresh = reset_database(url, reuse)
    if not fresh:
        from kefu.core.db import make_engine

        with make_engine(url).begin() as conn:  # _app creates its API user again
            conn.execute(text("DELETE FROM users WHERE username = 'bench'"))
    app, engine, _ = _app(url, workdir)
    if fresh:
        print(f"building {n:,} tickets on {engine.dialect.name} …", flush=True)
        _subscribers(engine, SUBSCRIBERS)
        build_tickets(engine, n)
        _build_clocks_and_tasks(engine, datetime.now(UTC))
        if engine.dialect.name == "postgresql":
            # What autovacuum does on a running system after the bulk insert: statistics and
            # the visibility map (index-only scans). Without it the first reads scan the heap.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    return app, engine, fresh


def _sessions(app: Any, subscriber_id: int) -> dict[str, str]:
    """Cookies for an agent (owns tickets: owner ids run 1…500), a supervisor and a subscriber."""
    from kefu.core.db import unit_of_work
    from kefu.identity import service as identity
    from kefu.sla import service as sla

    now = datetime.now(UTC)
    cookies = {}
    with unit_of_work(app.state.sessionmaker) as session:
        sla.ensure_defaults(session, now=now)  # the calendars the bulk clocks name
        for username, roles, department in (("bench.agent", ["agent"], DEPARTMENT_OF_AGENT),
                                            ("bench.boss", ["supervisor"], None)):
            user = next((u for u in identity.list_users(session) if u.username == username), None)
            if user is None:
                user = identity.create_user(session, username=username, display_name=username, password="bench-pass-1",
                                            roles=roles, now=now, department=department)
            cookies[username] = identity.start_web_session(session, now=now, minutes=600, user=user)
        cookies["subscriber"] = identity.start_web_session(session, now=now, minutes=600, subscriber_id=subscriber_id)
    return cookies


def _pick_tickets(engine: Engine) -> tuple[int, int, int]:
    """A recent ticket under investigation; its subscriber and their newest ticket."""
    with engine.connect() as conn:
        staff, subscriber = conn.execute(text(
            "SELECT id, subscriber_id FROM tickets WHERE status = 'investigating' ORDER BY id DESC LIMIT 1")).one()
        own = conn.scalar(text("SELECT max(id) FROM tickets WHERE subscriber_id = :s"), {"s": subscriber})
    return int(staff), int(subscriber), int(own)


def _ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


def run(url: str, n: int, samples: int, reuse: bool) -> bool:
    from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as workdir:
        app, engine, _ = _prepare(url, n, reuse, workdir)
        with engine.connect() as conn:
            tickets = int(conn.scalar(text("SELECT count(*) FROM tickets")) or 0)
        staff_ticket, subscriber, own_ticket = _pick_tickets(engine)
        cookies = _sessions(app, subscriber)
        pages: list[tuple[str, str, str, dict[str, str]]] = [
            ("baseline: /healthz", "/healthz", "", {}),
            ("agent queue", "/tickets", "bench.agent", {}),
            ("agent queue (supervisor: all)", "/tickets", "bench.boss", {}),
            ("ticket detail", f"/tickets/{staff_ticket}", "bench.agent", {}),
            ("customer 360 pop", f"/customers/{subscriber}", "bench.agent", {}),
            ("new-ticket form", f"/tickets/new?subscriber_id={subscriber}", "bench.agent", {}),
            ("board", "/wallboard", "bench.boss", {}),
            ("board live fragment", "/wallboard", "bench.boss", {"HX-Request": "true"}),
            ("portal ticket list", "/portal/tickets", "subscriber", {}),
            ("portal ticket detail", f"/portal/tickets/{own_ticket}", "subscriber", {}),
        ]
        client = TestClient(app)
        worst = 0.0
        print(f"\nweb pages on {engine.dialect.name}, {tickets:,} tickets, {samples} requests each,"
              f" load {os.getloadavg()[0]:.1f}")
        print(f"  {'page':<32}{'wall p50':>10}{'wall p95':>10}{'CPU p50':>10}{'CPU p95':>10}   bytes")
        for name, path, who, headers in pages:
            client.cookies.clear()
            if who:
                client.cookies.set("kefu_session", cookies[who])
            for _ in range(3):  # warm caches (templates, calendars, jieba is not on these pages)
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
            wall, cpu = [], []
            for _ in range(samples):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(path, headers=headers)
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            if who:
                worst = max(worst, _ms(wall, 95))
            print(f"  {name:<32}{_ms(wall, 50):8.1f}ms{_ms(wall, 95):8.1f}ms{_ms(cpu, 50):8.1f}ms{_ms(cpu, 95):8.1f}ms"
                  f"   {len(response.content):,}")
        met = worst < TARGET_SECONDS * 1000
        print(f"target: every page p95 < {TARGET_SECONDS * 1000:.0f} ms server time → {'met' if met else 'NOT met'}"
              f" (worst p95 {worst:.1f} ms wall)")
        engine.dispose()
        return met


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite:////tmp/kefu-bench-pages.db")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    run(args.url, args.tickets, args.samples, args.reuse)


if __name__ == "__main__":
    main()

