"""What every ticket use case does around its change: load the ticket, check the
version the caller read, append the history entry, move the status (publishing
TicketStatusChanged), mark the first response and the first feedback, and flush —
turning a concurrent write into a 409 instead of a lost update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kefu.core.errors import Conflict
from kefu.core.events import record
from kefu.tickets import lifecycle, repository
from kefu.tickets.errors import NotYourTicket, StaleVersion, TicketNotFound
from kefu.tickets.events import (
    TicketClosed,
    TicketFeedbackGiven,
    TicketResolved,
    TicketResponded,
    TicketStatusChanged,
)
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Ticket, TicketEvent


def load(session: Session, ticket_id: int, *, subscriber_id: int | None = None) -> Ticket:
    """The ticket, or TicketNotFound; a subscriber gets the same 404 for someone else's."""
    ticket = repository.ticket(session, ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if subscriber_id is not None and ticket.subscriber_id != subscriber_id:
        raise NotYourTicket(ticket_id)
    return ticket


def check_version(ticket: Ticket, expected: int | None) -> None:
    if expected is not None and expected != ticket.version:
        raise StaleVersion(
            number=ticket.number, sent=expected, current=ticket.version, by=ticket.updated_by, at=ticket.updated_at
        )


def entry(
    ticket_id: int,
    *,
    kind: str,
    by: str,
    now: datetime,
    reason: str | None = None,
    visibility: str = "internal",
    from_status: str | None = None,
    to_status: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """One history entry as a row (opening a ticket writes its first entries in one INSERT)."""
    return {"ticket_id": ticket_id, "at": now, "kind": kind, "actor": by, "from_status": from_status,
            "to_status": to_status, "reason": reason, "visibility": visibility, "detail": detail}


def log(session: Session, ticket: Ticket, *, by: str, now: datetime, **fields: Any) -> TicketEvent:
    """Appends one history entry (the fields of `entry`) and marks the ticket changed
    (bumping its version)."""
    event = TicketEvent(**entry(ticket.id, by=by, now=now, **fields))
    repository.add(session, event)
    ticket.updated_at, ticket.updated_by = now, by
    return event


def move(
    session: Session, ticket: Ticket, to: Status, *, by: str, now: datetime, reason: str | None = None, **detail: Any
) -> None:
    """Checks and makes one lifecycle transition, with its history entry and events."""
    current = Status(ticket.status)
    lifecycle.ensure_transition(current, to)
    ticket.status = to.value
    if to is Status.RESOLVED:
        ticket.resolved_at = now
    elif to is Status.CLOSED:
        ticket.closed_at = now
    elif to is Status.INVESTIGATING and current in (Status.RESOLVED, Status.RETURN_VISIT, Status.CLOSED):
        ticket.resolved_at = ticket.closed_at = None
    if to in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED, Status.REJECTED):
        # Nothing is awaited from the customer once the ticket is settled.
        ticket.waiting_since = ticket.waiting_reason = None
    # Closed customers see every status change: it is the progress they asked to follow.
    log(
        session, ticket, kind="status", by=by, now=now, reason=reason, visibility="customer",
        from_status=current.value, to_status=to.value, **detail,
    )
    record(
        session,
        TicketStatusChanged(ticket_id=ticket.id, from_status=current.value, to_status=to.value, by=by, at=now),
        now=now,
    )
    if to is Status.RESOLVED:
        record(session, TicketResolved(ticket_id=ticket.id, at=now), now=now)
    elif to is Status.CLOSED:
        record(session, TicketClosed(ticket_id=ticket.id, at=now), now=now)


def responded(session: Session, ticket: Ticket, *, now: datetime) -> None:
    """The first handling action (accept, dispatch, first reply) stops the response clock."""
    if ticket.responded_at is None:
        ticket.responded_at = now
        record(session, TicketResponded(ticket_id=ticket.id, at=now), now=now)


def feedback_given(session: Session, ticket: Ticket, *, now: datetime) -> None:
    """The first progress the customer hears of stops the feedback clock."""
    if ticket.first_feedback_at is None:
        ticket.first_feedback_at = now
        record(session, TicketFeedbackGiven(ticket_id=ticket.id, at=now), now=now)


def flush(session: Session) -> None:
    """Flushes; a ticket changed by someone else since it was loaded becomes a 409."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "工单刚被他人修改，请刷新后重试",
            "The ticket was just changed by someone else; reload and try again",
            code="stale_version",
        ) from None
