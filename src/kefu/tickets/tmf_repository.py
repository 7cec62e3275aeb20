"""Queries of the TMF621 face: the TroubleTicket list with TMF filters, and the hub tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, defer

from kefu.tickets.hub_models import HubNotification, HubSubscription
from kefu.tickets.models import Attachment, ProblemTicket, Ticket, TicketEvent, TicketLink, TicketTask


@dataclass(frozen=True)
class TmfFilter:
    """Each list is OR-ed within, every attribute AND-ed. `status_clauses`: (our statuses,
    waiting) pairs OR-ed (see tmf.status_clauses); an empty list matches nothing."""

    ids: list[int] | None = None
    status_clauses: list[tuple[frozenset[str], bool | None]] | None = None
    severities: list[str] | None = None
    priorities: list[str] | None = None
    types: list[str] | None = None
    channels: list[str] | None = None
    party_ids: list[int] | None = None
    # (column name, operator, value): creationDate / lastUpdate / resolutionDate with gt, gte, lt, lte, eq.
    dates: list[tuple[str, str, datetime]] = field(default_factory=list)


_DATE_COLUMNS = {"creationDate": Ticket.created_at, "lastUpdate": Ticket.updated_at, "resolutionDate": Ticket.resolved_at}


def _severity() -> Any:
    stored = Ticket.characteristics["severity"].as_string()
    derived = case(
        (Ticket.priority == "urgent", "Critical"), (Ticket.priority == "high", "Major"), else_="Minor"
    )
    return func.coalesce(stored, derived)


def _where(query: Any, f: TmfFilter) -> Any:
    if f.ids is not None:
        query = query.where(Ticket.id.in_(f.ids))
    if f.status_clauses is not None:
        parts = []
        for statuses, waiting in f.status_clauses:
            part = Ticket.status.in_(sorted(statuses))
            if waiting is True:
                part = and_(part, Ticket.waiting_since.is_not(None))
            elif waiting is False:
                part = and_(part, Ticket.waiting_since.is_(None))
            parts.append(part)
        query = query.where(or_(*parts) if parts else Ticket.id.is_(None))
    for column, values in ((Ticket.priority, f.priorities), (Ticket.type, f.types), (Ticket.channel, f.channels)):
        if values is not None:
            query = query.where(column.in_(values))
    if f.severities is not None:
        query = query.where(_severity().in_(f.severities))
    if f.party_ids is not None:
        query = query.where(or_(Ticket.subscriber_id.in_(f.party_ids), Ticket.owner_id.in_(f.party_ids)))
    for name, op, value in f.dates:
        column = _DATE_COLUMNS[name]
        condition = {"gt": column > value, "gte": column >= value, "lt": column < value, "lte": column <= value,
                     "eq": column == value}[op]
        query = query.where(condition)
    return query


# X-Total-Count is exact up to this many matches. Counting a broad filter over a million
# tickets costs a scan of most of them (70–370 ms) on every page; past the cap the header is
# left out and the 206 status says more pages follow.
TOTAL_CAP = 10_000


def list_tickets(session: Session, f: TmfFilter, *, offset: int, limit: int) -> tuple[list[Ticket], int | None]:
    """A page newest first and the exact number of matches (TMF's X-Total-Count), or None
    when there are more than TOTAL_CAP."""
    rows = list(
        session.scalars(
            _where(select(Ticket), f).order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset(offset).limit(limit)
        )
    )
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)  # the last page: nothing to count
    capped = _where(select(Ticket.id), f).limit(TOTAL_CAP + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(capped)) or 0)
    return rows, total if total <= TOTAL_CAP else None


def page_parts(session: Session, ids: list[int]) -> dict[str, list[Any]]:
    """History, tasks, attachments (without their bytes), links and problem links of many
    tickets in five queries, each in id order, for a list page."""
    if not ids:
        return {"events": [], "tasks": [], "attachments": [], "links": [], "problems": []}
    return {
        "events": list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id.in_(ids)).order_by(TicketEvent.id))),
        "tasks": list(session.scalars(select(TicketTask).where(TicketTask.ticket_id.in_(ids)).order_by(TicketTask.id))),
        "attachments": list(session.scalars(
            select(Attachment).options(defer(Attachment.data, raiseload=True))
            .where(Attachment.ticket_id.in_(ids)).order_by(Attachment.id)
        )),
        "links": list(session.scalars(
            select(TicketLink)
            .where(or_(TicketLink.from_ticket_id.in_(ids), TicketLink.to_ticket_id.in_(ids)))
            .order_by(TicketLink.id)
        )),
        "problems": list(session.scalars(
            select(ProblemTicket).where(ProblemTicket.ticket_id.in_(ids)).order_by(ProblemTicket.problem_id)
        )),
    }


def add(session: Session, *objects: Any) -> None:
    session.add_all(objects)


def subscription(session: Session, subscription_id: int) -> HubSubscription | None:
    return session.get(HubSubscription, subscription_id)


def subscriptions(session: Session) -> list[HubSubscription]:
    return list(session.scalars(select(HubSubscription).order_by(HubSubscription.id)))


def delete_subscription(session: Session, row: HubSubscription) -> None:
    session.delete(row)


def notification_exists(session: Session, subscription_id: int, event_key: str) -> bool:
    return session.scalar(
        select(HubNotification.id).where(
            HubNotification.subscription_id == subscription_id, HubNotification.event_key == event_key
        )
    ) is not None


def notification(session: Session, notification_id: int) -> tuple[HubNotification, HubSubscription] | None:
    row = session.execute(
        select(HubNotification, HubSubscription)
        .join(HubSubscription, HubSubscription.id == HubNotification.subscription_id)
        .where(HubNotification.id == notification_id)
    ).first()
    return None if row is None else (row[0], row[1])


def notifications_for(session: Session, ticket_id: int) -> list[HubNotification]:
    return list(
        session.scalars(select(HubNotification).where(HubNotification.ticket_id == ticket_id).order_by(HubNotification.id))
    )
