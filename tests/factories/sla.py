"""SLA test helpers: publish ticket events through the outbox and deliver them as the worker would."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from kefu import wiring
from kefu.core.events import Event, record
from kefu.core.outbox_delivery import deliver_pending
from kefu.tickets.events import TicketOpened

_ticket_ids = itertools.count(700_000)


def publish(factory: sessionmaker[Session], *events: Event, now: datetime) -> int:
    """Records the events in one transaction, then delivers everything pending."""
    with factory() as session:
        for event in events:
            record(session, event, now=now)
        session.commit()
    return deliver_all(factory, now=now)


def deliver_all(factory: sessionmaker[Session], *, now: datetime) -> int:
    handlers = wiring.event_handlers()
    total = 0
    while True:
        done = deliver_pending(factory, handlers, worker_id="test", now=lambda: now)
        total += done
        if not done:
            return total


def opened(
    *, at: datetime, ticket_id: int | None = None, ticket_type: str = "complaint", segment: str = "individual",
    priority: str = "normal", channel: str = "hotline", category: str | None = "billing",
) -> TicketOpened:
    return TicketOpened(
        ticket_id=ticket_id if ticket_id is not None else next(_ticket_ids), ticket_type=ticket_type,
        channel=channel, priority=priority, segment=segment, category=category, at=at,
    )
