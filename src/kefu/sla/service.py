"""SLA use cases for people: a ticket's clocks with time left, the board, and the
administration of calendars and versioned policies. Services flush, never commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.audit import audit
from kefu.identity.roles import STAFF_ROLES
from kefu.sla import clocks, repository
from kefu.sla.calendar import HOLIDAY_YEARS, CalendarSpec
from kefu.sla.errors import BadPolicy, HolidayDataMissing, PolicyExists, PolicyNotFound, UnknownCalendar
from kefu.sla.holidays import parse_holiday_year
from kefu.sla.models import SlaCalendar, SlaClock, SlaHolidayYear, SlaPolicy
from kefu.sla.policy import DEFAULT_CODE, TARGET_ZH, validate
from kefu.sla.schemas import BoardOut, CalendarOut, ClockOut, DepartmentRow, HolidayYearOut, PolicyOut

_US = timedelta(microseconds=1)

# Re-exported so entrypoints need only this module.
ensure_defaults = clocks.ensure_defaults


# --- visibility ------------------------------------------------------------------------------


def clock_view(session: Session, clock: SlaClock, *, now: datetime) -> ClockOut:
    """A clock as people see it: business time used and left on its own calendar."""
    target = timedelta(seconds=clock.target_seconds)
    at = clock.stopped_at or now
    spent = clocks.used(session, clock, at)
    remaining: timedelta | None
    if clock.stopped_at is not None:
        remaining = None
    elif clock.state == "paused":
        remaining = target - spent
    elif clock.due_at is not None:
        try:
            remaining = clocks.calendar(session, clock.calendar_code).remaining(now, clock.due_at)
        except HolidayDataMissing:
            remaining = clock.due_at - now
    else:
        remaining = target - spent
    return ClockOut(
        id=clock.id, subject=clock.subject, ticket_id=clock.ticket_id, target=clock.target,
        target_label=TARGET_ZH.get(clock.target, clock.target), cycle=clock.cycle, state=clock.state,
        policy_code=clock.policy_code, policy_version=clock.policy_version, calendar=clock.calendar_code,
        department=clock.department, target_seconds=clock.target_seconds, started_at=clock.started_at,
        due_at=clock.due_at, warn_at=clock.warn_at,
        remaining_seconds=None if remaining is None else int(remaining.total_seconds()),
        used_seconds=int(spent.total_seconds()), paused_at=clock.paused_at, pause_reason=clock.pause_reason,
        breached_at=clock.breached_at, escalation_level=clock.escalation_level, stopped_at=clock.stopped_at,
        warning=clock.warning,
    )


def ticket_clocks(session: Session, ticket_id: int, *, now: datetime) -> list[ClockOut]:
    """Every clock of a ticket (all cycles), oldest first, with business time left."""
    return [clock_view(session, c, now=now) for c in repository.clocks_of_ticket(session, ticket_id)]


def open_clocks_of_tickets(session: Session, ticket_ids: list[int], *, now: datetime) -> dict[int, list[ClockOut]]:
    """The unstopped clocks of many tickets, read in one query, by ticket id (a queue page)."""
    found: dict[int, list[ClockOut]] = {i: [] for i in ticket_ids}
    for clock in repository.unstopped_clocks_of_tickets(session, list(ticket_ids)):
        found[clock.ticket_id].append(clock_view(session, clock, now=now))
    return found


def board(
    session: Session, *, now: datetime, within: timedelta = timedelta(hours=1), department: str | None = None,
    limit: int = 50,
) -> BoardOut:
    """Due soon, breached and still open, and counts per department."""
    until = now + within
    due = repository.due_soon(session, now=now, until=until, department=department, limit=limit)
    breached = repository.breached_open(session, department=department, limit=limit)
    rows = repository.counts_by_department(session, now=now, until=until)
    if department:
        rows = [r for r in rows if r[0] == department]
    return BoardOut(
        now=now, due_within_minutes=int(within.total_seconds() // 60),
        due_soon=[clock_view(session, c, now=now) for c in due],
        breached=[clock_view(session, c, now=now) for c in breached],
        by_department=[DepartmentRow(department=d, running=r, paused=p, due_soon=s, breached=b)
                       for d, r, p, s, b in rows],
    )


# --- calendars ---------------------------------------------------------------------------------


def _calendar_out(row: SlaCalendar) -> CalendarOut:
    return CalendarOut(code=row.code, name=row.name, spec=row.spec, updated_at=row.updated_at,
                       updated_by=row.updated_by)


def list_calendars(session: Session, *, now: datetime) -> list[CalendarOut]:
    ensure_defaults(session, now=now)
    return [_calendar_out(row) for row in repository.calendars(session)]


def save_calendar(session: Session, code: str, *, name: str, spec: dict[str, Any], by: str, now: datetime) -> CalendarOut:
    """Creates or replaces a calendar after validating its hours. Running clocks use the new
    hours from their next pause or resume; their stored due times stay as computed."""
    ensure_defaults(session, now=now)
    code = code.strip()
    if not code or len(code) > 40:
        raise UnknownCalendar(code)
    parsed = CalendarSpec.from_dict(code, spec)
    row = repository.calendar_by_code(session, code)
    if row is None:
        row = SlaCalendar(code=code, name=name, spec=parsed.to_dict(), updated_at=now, updated_by=by)
        session.add(row)
    else:
        row.name, row.spec, row.updated_at, row.updated_by = name, parsed.to_dict(), now, by
    session.info.pop("sla_calendars", None)
    audit(session, actor=by, action="sla_calendar_saved", target_type="sla_calendar", target_id=code, now=now)
    session.flush()
    return _calendar_out(row)


# --- holiday years beyond the package --------------------------------------------------------


def _holiday_year_out(row: SlaHolidayYear) -> HolidayYearOut:
    return HolidayYearOut(year=row.year, holidays=row.holidays, workdays=row.workdays, source=row.source,
                          updated_at=row.updated_at, updated_by=row.updated_by, origin="entered")


def holiday_coverage(session: Session) -> tuple[tuple[int, int], list[HolidayYearOut]]:
    """The years chinese-calendar covers, and the years the operator entered after them."""
    return HOLIDAY_YEARS, [_holiday_year_out(row) for row in repository.holiday_years(session)]


def save_holiday_year(session: Session, year: int, *, holidays: dict[str, str], workdays: list[str],
                      source: str, by: str, now: datetime) -> HolidayYearOut:
    """Enters (or corrects) a year's public holidays and 调休. Clocks computed from now on
    use it; due times already stored keep their natural-time fallback and its warning."""
    parsed = parse_holiday_year(year, holidays, workdays, known_years=HOLIDAY_YEARS)
    data = {d.isoformat(): name for d, name in sorted(parsed.holidays.items())}
    worked = sorted(d.isoformat() for d in parsed.workdays)
    row = repository.holiday_year(session, year)
    if row is None:
        row = SlaHolidayYear(year=year, holidays=data, workdays=worked, source=source.strip(), updated_at=now,
                             updated_by=by)
        session.add(row)
    else:
        row.holidays, row.workdays, row.source, row.updated_at, row.updated_by = data, worked, source.strip(), now, by
    session.info.pop("sla_calendars", None)
    session.info.pop("sla_holiday_years", None)
    audit(session, actor=by, action="sla_holiday_year_saved", target_type="sla_holiday_year", target_id=str(year),
          now=now)
    session.flush()
    return _holiday_year_out(row)


# --- policies ----------------------------------------------------------------------------------


def _policy_out(row: SlaPolicy) -> PolicyOut:
    return PolicyOut(id=row.id, code=row.code, version=row.version, name=row.name, active=row.active,
                     created_at=row.created_at, created_by=row.created_by, superseded_at=row.superseded_at,
                     spec=row.spec)


def list_policies(session: Session, *, now: datetime) -> list[PolicyOut]:
    """The active version of every policy."""
    ensure_defaults(session, now=now)
    return [_policy_out(row) for row in repository.active_policies(session)]


def policy_versions(session: Session, code: str) -> list[PolicyOut]:
    rows = repository.policy_versions(session, code)
    if not rows:
        raise PolicyNotFound(code)
    return [_policy_out(row) for row in rows]


def _validated(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    calendars = {c.code for c in repository.calendars(session)}
    spec = validate(data, calendars=calendars, roles={r.value for r in STAFF_ROLES})
    return spec.to_dict()


def create_policy(session: Session, data: dict[str, Any], *, by: str, now: datetime) -> PolicyOut:
    ensure_defaults(session, now=now)
    spec = _validated(session, data)
    if repository.latest_policy(session, spec["code"]) is not None:
        raise PolicyExists(spec["code"])
    row = SlaPolicy(code=spec["code"], version=1, name=spec["name"], spec=spec, created_at=now, created_by=by)
    session.add(row)
    audit(session, actor=by, action="sla_policy_created", target_type="sla_policy", target_id=spec["code"], now=now)
    session.flush()
    return _policy_out(row)


def update_policy(session: Session, code: str, data: dict[str, Any], *, by: str, now: datetime) -> PolicyOut:
    """Saves a new version; tickets already running keep the version they started with."""
    ensure_defaults(session, now=now)
    latest = repository.latest_policy(session, code)
    if latest is None:
        raise PolicyNotFound(code)
    spec = _validated(session, {**data, "code": code})
    for row in repository.policy_versions(session, code):
        if row.active:
            row.active, row.superseded_at = False, now
    new = SlaPolicy(code=code, version=latest.version + 1, name=spec["name"], spec=spec, created_at=now,
                    created_by=by)
    session.add(new)
    audit(session, actor=by, action="sla_policy_updated", target_type="sla_policy", target_id=code, now=now,
          version=new.version)
    session.flush()
    return _policy_out(new)


def deactivate_policy(session: Session, code: str, *, by: str, now: datetime) -> None:
    """Stops matching new tickets; its versions stay for the clocks that use them."""
    if code == DEFAULT_CODE:
        raise BadPolicy(
            "默认策略不能停用：没有匹配策略的工单要靠它计时；可以修改它",
            "The default policy cannot be deactivated: tickets no policy matches are timed by it; edit it instead",
        )
    rows = [row for row in repository.policy_versions(session, code) if row.active]
    if not rows:
        raise PolicyNotFound(code)
    for row in rows:
        row.active, row.superseded_at = False, now
    audit(session, actor=by, action="sla_policy_deactivated", target_type="sla_policy", target_id=code, now=now)
    session.flush()


# --- for operators -----------------------------------------------------------------------------


def due_at(session: Session, start: datetime, target: timedelta, *, calendar: str) -> datetime:
    """`start + target` in business time on a stored calendar."""
    ensure_defaults(session, now=start)
    return clocks.calendar(session, calendar).add(start, target)


def task_due_at(session: Session, ticket_id: int, *, now: datetime) -> datetime:
    """When a task dispatched now must be taken up: the ticket's policy's respond target
    (seed 001: 15 minutes of specialist service time for a complaint), from the policy
    version its clocks started with; a ticket without clocks takes the default policy's."""
    ensure_defaults(session, now=now)
    first = next(iter(repository.clocks_of_ticket(session, ticket_id)), None)
    row = repository.policy_by_id(session, first.policy_id) if first and first.policy_id else None
    if row is None or "respond" not in clocks.policy_spec(row).targets:
        row = next((r for r in repository.active_policies(session) if r.code == DEFAULT_CODE), None) \
            or repository.latest_policy(session, DEFAULT_CODE)
    spec = clocks.policy_spec(row) if row is not None else None
    if spec is None or "respond" not in spec.targets:
        raise PolicyNotFound(DEFAULT_CODE)
    goal = spec.targets["respond"]
    target = timedelta(minutes=goal.minutes)
    try:
        return clocks.calendar(session, goal.calendar).add(now, target)
    except HolidayDataMissing:  # beyond the holiday data: natural time, as clocks do (never later)
        return now + target


def scan_due(session: Session, now: datetime) -> int:
    """One batch of the worker's SLA scan (for the CLI's catch-up command)."""
    from kefu.sla.tasks import scan_due as scan

    return scan(session, now)


# --- callback appointments (routing) ----------------------------------------------------------


def start_callback_clock(
    session: Session, contact_id: int, *, within_seconds: int, department: str | None, segment: str | None,
    at: datetime, now: datetime,
) -> ClockOut:
    """The running clock of a callback appointment (idempotent); see sla.callback_clocks."""
    from kefu.sla import callback_clocks

    clock = callback_clocks.start(session, contact_id, within_seconds=within_seconds, department=department,
                                  segment=segment, at=at, now=now)
    return clock_view(session, clock, now=now)


def finish_callback_clock(session: Session, contact_id: int, *, outcome: str, at: datetime, now: datetime) -> None:
    """The appointment is done (reached / failed) or cancelled: its clock stops."""
    from kefu.sla import callback_clocks

    callback_clocks.finish(session, contact_id, outcome=outcome, at=at, now=now)


def callback_clock(session: Session, contact_id: int, *, now: datetime) -> ClockOut | None:
    from kefu.sla import callback_clocks

    clock = callback_clocks.clock_of(session, contact_id)
    return None if clock is None else clock_view(session, clock, now=now)
