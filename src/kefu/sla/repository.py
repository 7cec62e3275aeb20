"""Every query on the SLA tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kefu.sla.models import SlaCalendar, SlaClock, SlaEscalation, SlaPolicy, SlaResult

ACTIVE_STATES = ("running", "paused", "breached")


# --- calendars and policies -------------------------------------------------------------


def calendars(session: Session) -> list[SlaCalendar]:
    return list(session.scalars(select(SlaCalendar).order_by(SlaCalendar.code)))


def calendar_by_code(session: Session, code: str) -> SlaCalendar | None:
    return session.scalar(select(SlaCalendar).where(SlaCalendar.code == code))


def count_policies(session: Session) -> int:
    return session.scalar(select(func.count(SlaPolicy.id))) or 0


def active_policies(session: Session) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).where(SlaPolicy.active.is_(True)).order_by(SlaPolicy.id)))


def policy_by_id(session: Session, policy_id: int) -> SlaPolicy | None:
    return session.get(SlaPolicy, policy_id)


def latest_policy(session: Session, code: str) -> SlaPolicy | None:
    return session.scalar(
        select(SlaPolicy).where(SlaPolicy.code == code).order_by(SlaPolicy.version.desc()).limit(1)
    )


def policy_versions(session: Session, code: str) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).where(SlaPolicy.code == code).order_by(SlaPolicy.version)))


# --- clocks -------------------------------------------------------------------------------


def clocks_of_ticket(session: Session, ticket_id: int, *, lock: bool = False, subject: str = "ticket") -> list[SlaClock]:
    query = select(SlaClock).where(SlaClock.subject == subject, SlaClock.ticket_id == ticket_id).order_by(SlaClock.id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return list(session.scalars(query))


def claim_due_clock_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Locks up to `limit` clocks whose next check is due, oldest first; returns their ids.

    An index range scan on next_check_at. PostgreSQL: FOR UPDATE SKIP LOCKED, so
    concurrent workers take disjoint batches. SQLite: the session's transaction began
    IMMEDIATE (core.db), so scans run one at a time."""
    query = (
        select(SlaClock.id)
        .where(SlaClock.next_check_at <= now)
        .order_by(SlaClock.next_check_at, SlaClock.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def claim_due_clocks(session: Session, *, now: datetime, limit: int) -> list[SlaClock]:
    """The claimed clocks themselves, in due order."""
    ids = claim_due_clock_ids(session, now=now, limit=limit)
    if not ids:
        return []
    found = {c.id: c for c in session.scalars(select(SlaClock).where(SlaClock.id.in_(ids)))}
    return [found[i] for i in ids]


def levels_done_for(session: Session, clock_ids: list[int]) -> dict[int, set[int]]:
    done: dict[int, set[int]] = {}
    if clock_ids:
        query = select(SlaEscalation.clock_id, SlaEscalation.level).where(SlaEscalation.clock_id.in_(clock_ids))
        for clock_id, level in session.execute(query):
            done.setdefault(clock_id, set()).add(level)
    return done


def escalations_of_ticket(session: Session, ticket_id: int) -> list[SlaEscalation]:
    return list(
        session.scalars(select(SlaEscalation).where(SlaEscalation.ticket_id == ticket_id).order_by(SlaEscalation.id))
    )


def result_of(session: Session, clock_id: int) -> SlaResult | None:
    return session.scalar(select(SlaResult).where(SlaResult.clock_id == clock_id))


# --- the board ----------------------------------------------------------------------------


def due_soon(session: Session, *, now: datetime, until: datetime, department: str | None, limit: int) -> list[SlaClock]:
    query = (
        select(SlaClock)
        .where(SlaClock.state == "running", SlaClock.due_at > now, SlaClock.due_at <= until)
        .order_by(SlaClock.due_at)
        .limit(limit)
    )
    if department:
        query = query.where(SlaClock.department == department)
    return list(session.scalars(query))


def breached_open(session: Session, *, department: str | None, limit: int) -> list[SlaClock]:
    query = (
        select(SlaClock)
        .where(SlaClock.state == "breached", SlaClock.stopped_at.is_(None))
        .order_by(SlaClock.due_at)
        .limit(limit)
    )
    if department:
        query = query.where(SlaClock.department == department)
    return list(session.scalars(query))


def counts_by_department(session: Session, *, now: datetime, until: datetime) -> list[tuple[str, int, int, int, int]]:
    """(department, running, paused, due soon, breached and still open) over active clocks."""
    query = (
        select(
            SlaClock.department,
            func.sum(case((SlaClock.state == "running", 1), else_=0)),
            func.sum(case((SlaClock.state == "paused", 1), else_=0)),
            func.sum(case(((SlaClock.state == "running") & (SlaClock.due_at > now) & (SlaClock.due_at <= until), 1),
                          else_=0)),
            func.sum(case((SlaClock.state == "breached", 1), else_=0)),
        )
        .where(SlaClock.state.in_(ACTIVE_STATES), SlaClock.stopped_at.is_(None))
        .group_by(SlaClock.department)
        .order_by(SlaClock.department)
    )
    return [(d, int(r or 0), int(p or 0), int(s or 0), int(b or 0)) for d, r, p, s, b in session.execute(query)]
