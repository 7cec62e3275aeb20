"""`kefu demo`'s open tickets stand at a spread of SLA states when the demo starts: some
on time, some due within the hour, some breached (the board and the queues show each)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kefu.demo.generate import generate
from kefu.demo.live_tickets import SLA_STATES, STAGES, sla_state
from kefu.sla import service as sla
from kefu.tickets.models import Ticket
from tests.conftest import FIXED_NOW
from tests.factories.sla import deliver_all


def test_every_stage_meets_every_sla_state_in_turn():
    seen = {(STAGES[i % len(STAGES)], sla_state(i)) for i in range(len(STAGES) * len(SLA_STATES))}
    assert len(seen) == len(STAGES) * len(SLA_STATES)


def test_the_demos_open_tickets_are_on_time_due_soon_and_breached(session_factory: sessionmaker[Session],
                                                                  session: Session):
    demo = generate(session_factory, subscribers=400, chunk_size=150, with_staff=True, now=FIXED_NOW)
    deliver_all(session_factory, now=FIXED_NOW)  # the worker starts the clocks …
    while sla.scan_due(session, FIXED_NOW):  # … and its scan marks the breaches
        session.commit()
    session.commit()
    ids = list(session.scalars(select(Ticket.id).where(Ticket.number.in_(demo.tickets.open_numbers))))
    assert len(ids) == len(demo.tickets.open_numbers) >= 8
    states = set()
    for clocks in sla.open_clocks_of_tickets(session, ids, now=FIXED_NOW).values():
        running = [c for c in clocks if c.state in ("running", "breached")]
        if not running:
            continue
        least = min(c.remaining_seconds for c in running)
        states.add("breached" if least < 0 else "due_soon" if least <= 3600 else "on_time")
    assert states == {"on_time", "due_soon", "breached"}
    board = sla.board(session, now=FIXED_NOW)
    assert board.due_soon and board.breached
