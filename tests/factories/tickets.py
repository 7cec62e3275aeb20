"""Tickets and the people who handle them, for tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core.events import OutboxEntry
from kefu.identity import service as identity
from kefu.identity.models import User
from kefu.identity.roles import Principal, Role
from kefu.tickets import service as tickets
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.schemas import TicketCreate
from tests.factories.identity import create_staff


def staff(
    session: Session, *, now: datetime, username: str = "yang.qian", display_name: str = "杨倩",
    roles: tuple[str, ...] = ("complaint_handler",), department: str | None = None, city: str | None = None,
) -> Principal:
    """A staff user (created if needed) as the principal services take."""
    from kefu.identity.repository import user_by_username

    user: User | None = user_by_username(session, username)
    if user is None:
        user = create_staff(session, username=username, display_name=display_name, roles=roles, now=now,
                            department=department)
        if city:
            user.city = city
            session.commit()
    return identity.staff_principal(user)


def subscriber_principal(subscriber_id: int) -> Principal:
    return Principal(kind="subscriber", name=f"subscriber {subscriber_id}", roles=frozenset({Role.SUBSCRIBER}),
                     subscriber_id=subscriber_id)


def create_ticket(
    session: Session, *, subscriber_id: int, by: Principal, now: datetime, type: str = "complaint",
    channel: str = "hotline", core_demand: str = "话费异常", category: str | None = "billing", commit: bool = True,
    **fields: Any,
) -> Ticket:
    ticket, _ = tickets.open_ticket(
        session,
        TicketCreate(type=type, subscriber_id=subscriber_id, channel=channel, core_demand=core_demand,
                     category=category, **fields),
        by=by,
        now=now,
    )
    if commit:
        session.commit()
    return ticket


def history_kinds(session: Session, ticket_id: int) -> list[str]:
    return list(session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)))


def published(session: Session, ticket_id: int) -> list[str]:
    """The names of the events recorded for this ticket, in order."""
    rows = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
    return [r.event_type for r in rows if r.event_type.startswith("Ticket") and r.payload.get("ticket_id") == ticket_id]


def counts(session: Session) -> dict[str, int]:
    """Row counts that must not move when a request fails."""
    return {
        "tickets": session.scalar(select(func.count(Ticket.id))) or 0,
        "events": session.scalar(select(func.count(TicketEvent.id))) or 0,
        "outbox": session.scalar(select(func.count(OutboxEntry.id))) or 0,
    }
