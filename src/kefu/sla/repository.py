"""Every query on the SLA tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.sla.models import SlaCalendar, SlaClock, SlaEscalation, SlaHolidayYear, SlaPolicy, SlaResult

ACTIVE_STATES = ("running", "paused", "breached")


# --- calendars and policies -------------------------------------------------------------


def calendars(session: Session) -> list[SlaCalendar]:
    return list(session.scalars(select(SlaCalendar).order_by(SlaCalendar.code)))


def calendar_by_code(session: Session, code: str) -> SlaCalendar | None:
    return session.scalar(select(SlaCalendar).where(SlaCalendar.code == code))


def holiday_years(session: Session) -> list[SlaHolidayYear]:
    return list(session.scalars(select(SlaHolidayYear).order_by(SlaHolidayYear.year)))


def holiday_year(session: Session, year: int) -> SlaHolidayYear | None:
    return session.get(SlaHolidayYear, year)


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


def unstopped_clocks_of_tickets(session: Session, ticket_ids: list[int]) -> list[SlaClock]:
    """The clocks still counting (or breached and open) of many tickets in one query (a page of a queue)."""
    if not ticket_ids:
        return []
    query = (
        select(SlaClock)
        .where(SlaClock.ticket_id.in_(ticket_ids), SlaClock.stopped_at.is_(None))
        .order_by(SlaClock.ticket_id, SlaClock.id)
    )
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
    """(department, running, paused, due soon, breached and still open) over active clocks.

    Two index-only reads instead of one pass over every open clock's row: the counts by
    state from ix_sla_clocks_department_state_open, the due-soon ones from the due_at
    range of ix_sla_clocks_state_due_at (a running clock is never stopped)."""
    by_state = (
        select(SlaClock.department, SlaClock.state, func.count())
        .where(SlaClock.stopped_at.is_(None), SlaClock.state.in_(ACTIVE_STATES))
        .group_by(SlaClock.department, SlaClock.state)
    )
    due = (
        select(SlaClock.department, func.count())
        .where(SlaClock.state == "running", SlaClock.due_at > now, SlaClock.due_at <= until)
        .group_by(SlaClock.department)
    )
    rows: dict[str, dict[str, int]] = {}
    for department, state, n in session.execute(by_state):
        rows.setdefault(department, {})[state] = int(n)
    for department, n in session.execute(due):
        rows.setdefault(department, {})["due_soon"] = int(n)
    return [(d, c.get("running", 0), c.get("paused", 0), c.get("due_soon", 0), c.get("breached", 0))
            for d, c in sorted(rows.items())]
