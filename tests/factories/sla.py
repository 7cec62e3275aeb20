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


def seed_due_clocks(session: Session, count: int, *, started: datetime, first_ticket_id: int = 1) -> None:
    """`count` running complaint respond clocks that all fell due 15 minutes after `started`."""
    from datetime import timedelta

    from sqlalchemy import insert

    from kefu.sla import clocks, repository
    from kefu.sla.models import SlaClock

    clocks.ensure_defaults(session, now=started)
    policy = next(p for p in repository.active_policies(session) if p.code == "complaint")
    due = started + timedelta(minutes=15)
    rows = [
        dict(ticket_id=first_ticket_id + i, target="respond", cycle=1, policy_id=policy.id, policy_code="complaint",
             policy_version=policy.version, calendar_code="24x7", notify_calendar="24x7", target_seconds=900,
             warn_share=0.8, ticket_type="complaint", segment="individual", priority="normal", department="billing",
             state="running", started_at=started, running_since=started, consumed_us=0, due_at=due,
             warn_at=None, warned_at=started, escalation_level=0, next_check_at=due, last_event_at=started)
        for i in range(count)
    ]
    for start in range(0, count, 5000):
        session.execute(insert(SlaClock), rows[start:start + 5000])
    session.commit()
