"""After the customers: the historical tickets in bulk, then the open tickets and the
seed-003 cases through the tickets service, then the starter knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.db import unit_of_work
from kefu.customers.models import Subscriber
from kefu.demo import live_tickets, writer
from kefu.demo import tickets as history
from kefu.demo.live_tickets import CaseNumbers, LiveStaff
from kefu.demo.staff import STAFF
from kefu.knowledge import transfer

# Open tickets made through the service: enough for every queue and the SLA board
# (fewer in a small demo: one per 50 subscribers, at least 6).
LIVE_TICKETS = 36
# The historical tickets end this long before now; the live ones fill the gap.
LIVE_SPAN = timedelta(days=3)


@dataclass
class TicketResult:
    rows: dict[str, int] = field(default_factory=dict)
    cases: CaseNumbers | None = None
    open_numbers: list[str] = field(default_factory=list)
    articles: int = 0


def _staff_maps() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    return {p.username: p.display_name for p in STAFF}, {p.username: p.roles for p in STAFF}


def load(factory: sessionmaker[Session], *, seed: int, now: datetime, start: datetime, user_ids: dict[str, int],
         ts, count: int | None = None, live: int | None = None) -> TicketResult:
    """`start`: naive UTC, when the historical tickets begin (the first generated month)."""
    names, roles = _staff_maps()
    now_naive = now.astimezone(UTC).replace(tzinfo=None)
    result = TicketResult()
    with factory() as session:
        subscribers = [tuple(r) for r in session.execute(
            select(Subscriber.id, Subscriber.district, Subscriber.city, Subscriber.segment).order_by(Subscriber.id))]
        ids = {name: (session.scalar(select(func.max(table.c.id))) or 0) + 1
               for name, table in history.TABLES.items() if name != "ticket_counters"}
    if not subscribers:
        return result
    rows = history.build_rows(
        seed=seed, subscribers=subscribers, staff=history.Staff.of(user_ids, names), ids=ids, ts=ts, now=now_naive,
        start=start, end=now_naive - LIVE_SPAN, count=count,
    )
    with unit_of_work(factory) as session:
        conn = session.connection()
        writer.write_rows(conn, rows, {name: history.COLUMNS[name] for name in history.TABLE_ORDER})
    with unit_of_work(factory) as session:
        writer.after_explicit_ids(session.connection(), [n for n in history.TABLE_ORDER if n != "ticket_counters"])
    result.rows = {name: len(table_rows) for name, table_rows in rows.items()}
    staff = LiveStaff.of(user_ids, names, roles)
    if live is None:  # a small demo keeps mostly history
        live = min(LIVE_TICKETS, max(6, len(subscribers) // 50))
    with unit_of_work(factory) as session:
        result.cases = live_tickets.seed_cases(session, staff, now=now)
        result.open_numbers = live_tickets.open_tickets(
            session, staff, [s[0] for s in subscribers[3:]] or [subscribers[0][0]], seed=seed, now=now, count=live,
        )
    result.rows["tickets"] = result.rows.get("tickets", 0) + 3 + live
    with unit_of_work(factory) as session:
        actor = f"user:{user_ids['kbeditor1']}:{names['kbeditor1']}" if "kbeditor1" in user_ids else "system:demo"
        result.articles = transfer.import_starter(session, actor=actor, now=now)
    return result
