"""Every query on the ticket tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, text
from sqlalchemy.orm import Session, defer, selectinload

from kefu.tickets.models import (
    Attachment,
    Problem,
    ProblemTicket,
    Remedy,
    Ticket,
    TicketEvent,
    TicketFinding,
    TicketLink,
    TicketTask,
)

# Counting more than this many matches costs more than it tells (a broad filter on a
# million tickets would scan most of them); the list then says "1000+".
COUNT_CAP = 1_000


def add(session: Session, *objects: Any) -> None:
    session.add_all(objects)


def ticket(session: Session, ticket_id: int) -> Ticket | None:
    return session.get(Ticket, ticket_id)


def ticket_by_number(session: Session, number: str) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.number == number))


def summaries_by_ids(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    """The list columns (SUMMARY_COLUMNS) of these tickets, by id."""
    ids = list(ids)
    if not ids:
        return []
    query = select(*SUMMARY_COLUMNS).where(Ticket.id.in_(bindparam("ids", expanding=True))).order_by(Ticket.id)
    return list(session.execute(query, {"ids": ids}))


def events(session: Session, ticket_id: int, *, customer_only: bool = False) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    if customer_only:
        query = query.where(TicketEvent.visibility == "customer")
    return list(session.scalars(query))


def tasks(session: Session, ticket_id: int) -> list[TicketTask]:
    return list(session.scalars(select(TicketTask).where(TicketTask.ticket_id == ticket_id).order_by(TicketTask.id)))


def task(session: Session, ticket_id: int, task_id: int) -> TicketTask | None:
    return session.scalar(select(TicketTask).where(TicketTask.id == task_id, TicketTask.ticket_id == ticket_id))


def findings(session: Session, ticket_id: int) -> list[TicketFinding]:
    return list(
        session.scalars(select(TicketFinding).where(TicketFinding.ticket_id == ticket_id).order_by(TicketFinding.id))
    )


def remedies(session: Session, ticket_id: int) -> list[Remedy]:
    return list(session.scalars(select(Remedy).where(Remedy.ticket_id == ticket_id).order_by(Remedy.id)))


def remedy(session: Session, ticket_id: int, remedy_id: int) -> Remedy | None:
    return session.scalar(select(Remedy).where(Remedy.id == remedy_id, Remedy.ticket_id == ticket_id))


def links(session: Session, ticket_id: int) -> list[TicketLink]:
    return list(
        session.scalars(
            select(TicketLink)
            .where(or_(TicketLink.from_ticket_id == ticket_id, TicketLink.to_ticket_id == ticket_id))
            .order_by(TicketLink.id)
        )
    )


def link_exists(session: Session, from_id: int, to_id: int, kind: str) -> bool:
    return (
        session.scalar(
            select(TicketLink.id).where(
                TicketLink.from_ticket_id == from_id, TicketLink.to_ticket_id == to_id, TicketLink.kind == kind
            )
        )
        is not None
    )


# The repeat chain in one statement: each hop follows the ticket's first repeat_of link,
# the earliest one, up to :limit hops (a cycle just stops there).
_REPEAT_CHAIN = text(
    "WITH RECURSIVE chain(id, depth) AS ("
    " SELECT CAST(:ticket_id AS INTEGER), 0"
    " UNION ALL"
    " SELECT (SELECT l.to_ticket_id FROM ticket_links l"
    "         WHERE l.from_ticket_id = chain.id AND l.kind = 'repeat_of' ORDER BY l.id LIMIT 1), depth + 1"
    " FROM chain WHERE chain.id IS NOT NULL AND depth < :limit)"
    " SELECT id FROM chain WHERE depth > 0 AND id IS NOT NULL ORDER BY depth"
)


def repeat_chain_ids(session: Session, ticket_id: int, *, limit: int) -> list[int]:
    """The ids a ticket repeats, hop by hop, nearest first (may loop back on a cycle)."""
    return [int(i) for i in session.scalars(_REPEAT_CHAIN, {"ticket_id": ticket_id, "limit": limit})]


def repeated_by(session: Session, ticket_id: int) -> int | None:
    return session.scalar(
        select(TicketLink.from_ticket_id)
        .where(TicketLink.to_ticket_id == ticket_id, TicketLink.kind == "repeat_of")
        .order_by(TicketLink.id)
        .limit(1)
    )


def attachments(session: Session, ticket_id: int, *, customer_only: bool = False) -> list[Attachment]:
    query = (
        select(Attachment)
        .options(defer(Attachment.data, raiseload=True))
        .where(Attachment.ticket_id == ticket_id)
        .order_by(Attachment.id)
    )
    if customer_only:
        query = query.where(Attachment.visibility == "customer")
    return list(session.scalars(query))


def attachment(session: Session, ticket_id: int, attachment_id: int) -> Attachment | None:
    return session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.ticket_id == ticket_id)
    )


def attachment_ids(session: Session, ticket_id: int) -> set[int]:
    return set(session.scalars(select(Attachment.id).where(Attachment.ticket_id == ticket_id)))


# On the table, not the mapped class: Core statements skip the ORM's per-call compile
# step, and these run on every intake.
_T = Ticket.__table__.c
_EARLIER_SAME_PROBLEM = (
    select(_T.id, _T.number, _T.type, _T.status)
    .where(
        _T.subscriber_id == bindparam("subscriber_id"),
        _T.category == bindparam("category"),
        _T.id != bindparam("exclude_id"),
        or_(_T.created_at >= bindparam("since"), _T.status.in_(bindparam("open_statuses", expanding=True))),
    )
    .order_by(_T.created_at.desc(), _T.id.desc())
)


def earlier_same_problem(
    session: Session, *, subscriber_id: int, category: str, since: datetime, open_statuses: Iterable[str],
    exclude_id: int | None = None,
) -> list[Row[tuple[int, str, str, str]]]:
    """(id, number, type, status) of the subscriber's tickets of this category opened
    since `since` or still open, newest first. Columns only: this runs on every intake."""
    params = {"subscriber_id": subscriber_id, "category": category, "since": since,
              "open_statuses": list(open_statuses), "exclude_id": exclude_id if exclude_id is not None else -1}
    return list(session.execute(_EARLIER_SAME_PROBLEM, params))


# Repeat detection by similar text: the subscriber's recent or open tickets of any category.
_SUBSCRIBER_RECENT = (
    select(_T.id, _T.number, _T.type, _T.status, _T.category, _T.core_demand,
           func.substr(_T.description, 1, 2000).label("description"))
    .where(
        _T.subscriber_id == bindparam("subscriber_id"),
        _T.id != bindparam("exclude_id"),
        or_(_T.created_at >= bindparam("since"), _T.status.in_(bindparam("open_statuses", expanding=True))),
    )
    .order_by(_T.created_at.desc(), _T.id.desc())
    .limit(200)
)


def subscriber_recent(
    session: Session, *, subscriber_id: int, since: datetime, open_statuses: Iterable[str], exclude_id: int | None = None,
) -> list[Row[Any]]:
    """(id, number, type, status, category, core_demand, description[:2000]) of the
    subscriber's tickets opened since `since` or still open, newest first (at most 200)."""
    params = {"subscriber_id": subscriber_id, "since": since, "open_statuses": list(open_statuses),
              "exclude_id": exclude_id if exclude_id is not None else -1}
    return list(session.execute(_SUBSCRIBER_RECENT, params))


_OPEN_IN_DISTRICT = (
    select(Ticket.id, Ticket.number, Ticket.type, Ticket.status, Ticket.core_demand, Ticket.created_at)
    .where(
        Ticket.category == bindparam("category"),
        Ticket.district == bindparam("district"),
        Ticket.created_at >= bindparam("since"),
        Ticket.status.in_(bindparam("open_statuses", expanding=True)),
    )
    .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    .limit(bindparam("limit"))
)


def open_in_district(
    session: Session, *, category: str, district: str, since: datetime, open_statuses: Iterable[str], limit: int = 300,
) -> list[Row[Any]]:
    """(id, number, type, status, core_demand, created_at) of open tickets of a category in
    a district opened since `since`, newest first (index category, district, created_at)."""
    params = {"category": category, "district": district, "since": since, "open_statuses": list(open_statuses),
              "limit": limit}
    return list(session.execute(_OPEN_IN_DISTRICT, params))


def open_tasks(session: Session, ticket_id: int) -> list[TicketTask]:
    """The ticket's tasks not yet done or cancelled, oldest first."""
    return list(session.scalars(
        select(TicketTask).where(TicketTask.ticket_id == ticket_id, TicketTask.status.in_(("open", "accepted")))
        .order_by(TicketTask.id)
    ))


@dataclass(frozen=True)
class TicketFilter:
    status: list[str] | None = None
    type: str | None = None
    category: str | None = None
    department: str | None = None
    priority: str | None = None
    subscriber_id: int | None = None
    owner_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    is_repeat: bool | None = None
    # Tickets with a task for this department (and city): the other side of a hand-over.
    task_department: str | None = None
    task_city: str | None = None


def _where(query: Any, f: TicketFilter) -> Any:
    if f.status:
        query = query.where(Ticket.status == f.status[0] if len(f.status) == 1 else Ticket.status.in_(f.status))
    for column, value in (
        (Ticket.type, f.type),
        (Ticket.category, f.category),
        (Ticket.department, f.department),
        (Ticket.priority, f.priority),
        (Ticket.subscriber_id, f.subscriber_id),
        (Ticket.owner_id, f.owner_id),
        (Ticket.is_repeat, f.is_repeat),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.created_from is not None:
        query = query.where(Ticket.created_at >= f.created_from)
    if f.created_to is not None:
        query = query.where(Ticket.created_at < f.created_to)
    if f.task_department is not None:
        tasks_there = select(TicketTask.ticket_id).where(TicketTask.department == f.task_department)
        if f.task_city is not None:
            tasks_there = tasks_there.where(TicketTask.city == f.task_city)
        query = query.where(Ticket.id.in_(tasks_there))
    return query


# What a list row shows (schemas.TicketSummary): columns only, no ORM objects to build.
SUMMARY_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.type, Ticket.subscriber_id, Ticket.channel, Ticket.core_demand,
    Ticket.category, Ticket.department, Ticket.priority, Ticket.status, Ticket.owner_id, Ticket.is_repeat,
    Ticket.escalation_level, Ticket.created_at, Ticket.updated_at, Ticket.version,
)


def list_tickets(session: Session, f: TicketFilter, *, offset: int, limit: int) -> tuple[list[Row[Any]], int, bool]:
    """A page of summary rows newest first, the number of matches (capped at COUNT_CAP)
    and whether it was capped."""
    rows = list(
        session.execute(
            _where(select(*SUMMARY_COLUMNS), f)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
    if offset == 0 and len(rows) < limit:
        return rows, len(rows), False
    capped = _where(select(Ticket.id), f).limit(COUNT_CAP + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(capped)) or 0)
    return rows, min(total, COUNT_CAP), total > COUNT_CAP


def problem(session: Session, problem_id: int) -> Problem | None:
    # populate_existing: tickets linked since the problem was first loaded are included.
    return session.scalar(
        select(Problem)
        .options(selectinload(Problem.tickets))
        .where(Problem.id == problem_id)
        .execution_options(populate_existing=True)
    )


def problems(session: Session, *, status: str | None = None, offset: int = 0, limit: int = 50) -> list[Problem]:
    query = select(Problem).options(selectinload(Problem.tickets)).order_by(Problem.id.desc())
    if status:
        query = query.where(Problem.status == status)
    return list(session.scalars(query.offset(offset).limit(limit)))


def problem_ids_for_ticket(session: Session, ticket_id: int) -> list[int]:
    return list(
        session.scalars(select(ProblemTicket.problem_id).where(ProblemTicket.ticket_id == ticket_id).order_by(
            ProblemTicket.problem_id
        ))
    )


def problem_has_ticket(session: Session, problem_id: int, ticket_id: int) -> bool:
    return (
        session.scalar(
            select(ProblemTicket.id).where(ProblemTicket.problem_id == problem_id, ProblemTicket.ticket_id == ticket_id)
        )
        is not None
    )
