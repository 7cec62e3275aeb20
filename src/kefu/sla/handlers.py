"""Reactions to ticket events: each starts, meets, pauses, resumes or stops clocks.

Signature (session, event, now); registered in kefu.wiring. Idempotent: the outbox
delivers at least once, and every use case here is keyed by the event's own time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.sla import clocks, repository
from kefu.sla.errors import ClocksNotStarted
from kefu.sla.policy import TicketFacts
from kefu.tickets.events import (
    TicketCancelled,
    TicketClosed,
    TicketCustomerReplied,
    TicketDeleted,
    TicketFeedbackGiven,
    TicketOpened,
    TicketReopened,
    TicketResolved,
    TicketResponded,
    TicketReturnVisited,
    TicketWaitingOnCustomer,
)


def _require_clocks(session: Session, ticket_id: int) -> None:
    # An event overtaking TicketOpened (its handler failed and is being retried) must not
    # be lost: failing here makes the outbox retry it after the clocks exist.
    if not repository.clocks_of_ticket(session, ticket_id):
        raise ClocksNotStarted(ticket_id)


def on_ticket_opened(session: Session, event: TicketOpened, now: datetime) -> None:
    facts = TicketFacts(event.ticket_type, event.segment, event.priority, event.channel)
    clocks.start_for_ticket(session, event.ticket_id, facts=facts, category=event.category, at=event.at, now=now)


def on_ticket_responded(session: Session, event: TicketResponded, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.meet(session, event.ticket_id, "respond", at=event.at, now=now)


def on_ticket_feedback_given(session: Session, event: TicketFeedbackGiven, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.meet(session, event.ticket_id, "feedback", at=event.at, now=now)


def on_ticket_waiting_on_customer(session: Session, event: TicketWaitingOnCustomer, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.pause(session, event.ticket_id, reason=event.reason, at=event.at)


def on_ticket_customer_replied(session: Session, event: TicketCustomerReplied, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.resume(session, event.ticket_id, at=event.at)


def on_ticket_resolved(session: Session, event: TicketResolved, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.resolved(session, event.ticket_id, at=event.at, now=now)


def on_ticket_return_visited(session: Session, event: TicketReturnVisited, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.meet(session, event.ticket_id, "return_visit", at=event.at, now=now)


def on_ticket_reopened(session: Session, event: TicketReopened, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.reopened(session, event.ticket_id, at=event.at, now=now)


def on_ticket_closed(session: Session, event: TicketClosed, now: datetime) -> None:
    _require_clocks(session, event.ticket_id)
    clocks.stop_all(session, event.ticket_id, at=event.at, now=now, cancelled=False)


def on_ticket_cancelled(session: Session, event: TicketCancelled, now: datetime) -> None:
    clocks.stop_all(session, event.ticket_id, at=event.at, now=now, cancelled=True)


def on_ticket_deleted(session: Session, event: TicketDeleted, now: datetime) -> None:
    clocks.stop_all(session, event.ticket_id, at=event.at, now=now, cancelled=True)
