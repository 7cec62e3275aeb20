"""Clock use cases driven by ticket events: start, meet, pause, resume, restart, stop.

Every function takes the event's own time `at` (when it happened on the ticket) and
`now`; all are idempotent, because the outbox delivers at least once.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kefu.sla import defaults, repository
from kefu.sla.calendar import ZERO, BusinessCalendar, CalendarSpec
from kefu.sla.errors import HolidayDataMissing, UnknownCalendar
from kefu.sla.holidays import HolidayYear
from kefu.sla.models import SlaCalendar, SlaClock, SlaHolidayYear, SlaPolicy, SlaResult
from kefu.sla.policy import DEFAULT_CODE, PolicySpec, TicketFacts, choose, department_for

log = logging.getLogger(__name__)

_US = timedelta(microseconds=1)
_calendar_cache: dict[tuple[str, str, str, tuple[tuple[int, str], ...]], BusinessCalendar] = {}
_policy_cache: dict[tuple[int, str, int, str], PolicySpec] = {}

NO_POLICY_WARNING = "未匹配到任何时效策略，已按默认策略计时 / no SLA policy matched; the default policy applies"


# --- configuration as the clocks see it --------------------------------------------------


def ensure_defaults(session: Session, *, now: datetime) -> None:
    """Stores the default calendars and policies the first time any is needed."""
    known = {c.code for c in repository.calendars(session)}
    for code, item in defaults.CALENDARS.items():
        if code not in known:
            session.add(SlaCalendar(code=code, name=item["name"], spec=item["spec"], updated_at=now))
    if repository.count_policies(session) == 0:
        for data in defaults.POLICIES:
            session.add(SlaPolicy(code=data["code"], version=1, name=data["name"], spec=data, created_at=now))
    session.flush()


def calendar(session: Session, code: str) -> BusinessCalendar:
    """The calendar by code. Looked up once per unit of work (session.info) and parsed once
    per stored version (process cache), so a scan of thousands of clocks reads it once."""
    per_session: dict[str, BusinessCalendar] = session.info.setdefault("sla_calendars", {})
    found = per_session.get(code)
    if found is not None:
        return found
    row = repository.calendar_by_code(session, code)
    if row is None:
        raise UnknownCalendar(code)
    extra = _entered_holiday_years(session)
    versions = tuple((year, entered.updated_at.isoformat()) for year, (entered, _) in sorted(extra.items()))
    key = (code, row.updated_at.isoformat(), json.dumps(row.spec, sort_keys=True), versions)
    cached = _calendar_cache.get(key)
    if cached is None:
        years = {year: parsed for year, (_, parsed) in extra.items()}
        cached = BusinessCalendar(CalendarSpec.from_dict(code, row.spec), years)
        _calendar_cache[key] = cached
    per_session[code] = cached
    return cached


def _entered_holiday_years(session: Session) -> dict[int, tuple[SlaHolidayYear, HolidayYear]]:
    """The operator's holiday years, read once per unit of work (validated when saved)."""
    found = session.info.get("sla_holiday_years")
    if found is None:
        found = {
            row.year: (row, HolidayYear(row.year, {date.fromisoformat(d): n for d, n in row.holidays.items()},
                                        frozenset(date.fromisoformat(d) for d in row.workdays)))
            for row in repository.holiday_years(session)
        }
        session.info["sla_holiday_years"] = found
    return found


def policy_spec(row: SlaPolicy) -> PolicySpec:
    """Policy rows are immutable versions, so their parsed form is cached (by id and
    version identity: a rolled-back test transaction may hand the same id out again)."""
    key = (row.id, row.code, row.version, row.created_at.isoformat())
    spec = _policy_cache.get(key)
    if spec is None:
        from kefu.sla.policy import validate  # validated at save; parsing reuses the same code

        calendars = {c for target in row.spec.get("targets", {}).values() for c in [target.get("calendar")]}
        calendars.add(row.spec.get("notify_calendar") or "24x7")
        roles = {level.get("role") for level in row.spec.get("escalation", [])}
        spec = validate(row.spec, calendars=calendars, roles=roles)
        _policy_cache[key] = spec
    return spec


def pick_policy(session: Session, facts: TicketFacts, *, now: datetime) -> tuple[SlaPolicy, str | None]:
    """The policy row for a ticket and a warning when only the default applies."""
    ensure_defaults(session, now=now)
    rows = repository.active_policies(session)
    specs = {row.id: policy_spec(row) for row in rows}
    chosen = choose([specs[row.id] for row in rows], facts)
    if chosen is not None:
        return next(row for row in rows if specs[row.id] is chosen), None
    fallback = next((row for row in rows if row.code == DEFAULT_CODE), None)
    if fallback is None:
        fallback = repository.latest_policy(session, DEFAULT_CODE)
    if fallback is None:  # the default was deleted outright: restore the built-in one
        data = next(p for p in defaults.POLICIES if p["code"] == DEFAULT_CODE)
        fallback = SlaPolicy(code=DEFAULT_CODE, version=1, name=data["name"], spec=data, created_at=now)
        session.add(fallback)
        session.flush()
    log.warning("no SLA policy matched %s; the default applies", facts)
    return fallback, NO_POLICY_WARNING


# --- business-time arithmetic with a visible fallback -------------------------------------


def business_add(session: Session, clock: SlaClock, code: str, start: datetime, delta: timedelta) -> datetime:
    """`start + delta` in calendar `code`. Beyond the holiday data's years the clock falls
    back to natural time (stricter, never later) and says so on the clock."""
    try:
        return calendar(session, code).add(start, delta)
    except HolidayDataMissing as exc:
        note = f"{exc.zh} / {exc.en}"
        if clock.warning != note:
            clock.warning = note
        return start + delta


def _elapsed(session: Session, clock: SlaClock, start: datetime, end: datetime) -> timedelta:
    try:
        return calendar(session, clock.calendar_code).elapsed(start, end)
    except HolidayDataMissing as exc:
        clock.warning = f"{exc.zh} / {exc.en}"
        return max(end - start, ZERO)


def used(session: Session, clock: SlaClock, at: datetime) -> timedelta:
    """Business time the clock has consumed up to `at`."""
    spent = timedelta(microseconds=clock.consumed_us)
    if clock.running_since is not None and at > clock.running_since:
        spent += _elapsed(session, clock, clock.running_since, at)
    return spent


def schedule(session: Session, clock: SlaClock) -> None:
    """Recomputes due_at, warn_at and next_check_at of a running clock from what it has used."""
    assert clock.running_since is not None
    target = timedelta(seconds=clock.target_seconds)
    spent = timedelta(microseconds=clock.consumed_us)
    clock.due_at = business_add(session, clock, clock.calendar_code, clock.running_since, max(target - spent, ZERO))
    clock.warn_at = None
    if clock.warned_at is None:
        warn_point = target * clock.warn_share
        raw = business_add(session, clock, clock.calendar_code, clock.running_since, max(warn_point - spent, ZERO))
        # A warning goes out only in the recipients' service hours; one that would come after the breach is moot.
        warn_at = business_add(session, clock, clock.notify_calendar, raw, ZERO)
        clock.warn_at = warn_at if warn_at < clock.due_at else None
    clock.next_check_at = min(t for t in (clock.warn_at, clock.due_at) if t is not None)


# --- event-driven use cases -----------------------------------------------------------------


def start_for_ticket(
    session: Session, ticket_id: int, *, facts: TicketFacts, category: str | None, at: datetime, now: datetime
) -> list[SlaClock]:
    """TicketOpened: the respond, feedback and resolve clocks the matching policy defines."""
    existing = repository.clocks_of_ticket(session, ticket_id)
    if existing:
        return existing
    row, warning = pick_policy(session, facts, now=now)
    spec = policy_spec(row)
    clocks = []
    for target in ("respond", "feedback", "resolve"):
        if target in spec.targets:
            clocks.append(new_clock(session, row, spec, target, ticket_id=ticket_id, facts=facts,
                                     department=department_for(category), cycle=1, at=at, warning=warning))
    return clocks


def new_clock(
    session: Session, row: SlaPolicy, spec: PolicySpec, target: str, *, ticket_id: int, facts: TicketFacts,
    department: str, cycle: int, at: datetime, warning: str | None, subject: str = "ticket",
) -> SlaClock:
    goal = spec.targets[target]
    clock = SlaClock(
        subject=subject, ticket_id=ticket_id, target=target, cycle=cycle, policy_id=row.id, policy_code=row.code,
        policy_version=row.version, calendar_code=goal.calendar, notify_calendar=spec.notify_calendar,
        target_seconds=goal.minutes * 60, warn_share=spec.warn_share, ticket_type=facts.ticket_type,
        segment=facts.segment, priority=facts.priority, department=department, state="running",
        started_at=at, running_since=at, consumed_us=0, escalation_level=0, last_event_at=at, warning=warning,
    )
    schedule(session, clock)
    session.add(clock)
    session.flush()
    return clock


def _start_cycle(session: Session, ticket_id: int, target: str, *, at: datetime) -> SlaClock | None:
    """A new clock for `target` (return visit after resolution, resolve after a reopen),
    under the policy version the ticket started with. Idempotent by its start time."""
    clocks = repository.clocks_of_ticket(session, ticket_id)
    if any(c.target == target and c.started_at == at for c in clocks):
        return None
    first = clocks[0]
    row = repository.policy_by_id(session, first.policy_id) if first.policy_id else None
    if row is None:
        return None
    spec = policy_spec(row)
    if target not in spec.targets:
        return None
    cycle = 1 + max((c.cycle for c in clocks if c.target == target), default=0)
    facts = TicketFacts(first.ticket_type, first.segment, first.priority, "")
    return new_clock(session, row, spec, target, ticket_id=ticket_id, facts=facts, department=first.department,
                      cycle=cycle, at=at, warning=first.warning)


def active_clocks(session: Session, ticket_id: int) -> list[SlaClock]:
    return [c for c in repository.clocks_of_ticket(session, ticket_id, lock=True) if c.stopped_at is None]


def meet(session: Session, ticket_id: int, target: str, *, at: datetime, now: datetime) -> SlaClock | None:
    """The ticket did what the target asks at `at`: the clock stops as met, or breached if late."""
    for clock in active_clocks(session, ticket_id):
        if clock.target == target:
            finish(session, clock, at=at, now=now)
            return clock
    return None


def finish(session: Session, clock: SlaClock, *, at: datetime, now: datetime) -> None:
    spent = used(session, clock, at)
    target = timedelta(seconds=clock.target_seconds)
    # Judged on the event's own time: a response at 9:04 delivered at 9:06 is met, even
    # if the scan had already marked it breached in between.
    clock.state = "met" if spent <= target else "breached"
    clock.consumed_us = spent // _US
    clock.running_since = None
    clock.stopped_at = at
    clock.next_check_at = None
    clock.next_escalation_at = None
    clock.warn_at = None
    clock.last_event_at = max(clock.last_event_at, at)
    store_result(session, clock, business=spent, finished_at=at, now=now)


def store_result(session: Session, clock: SlaClock, *, business: timedelta, finished_at: datetime | None,
                 now: datetime, first: bool = False) -> None:
    """Writes or updates the clock's result row; `first` skips the lookup when none can exist yet."""
    result = None if first else repository.result_of(session, clock.id)
    if result is None:
        result = SlaResult(
            clock_id=clock.id, ticket_id=clock.ticket_id, target=clock.target, policy_code=clock.policy_code,
            policy_version=clock.policy_version, department=clock.department, segment=clock.segment,
            ticket_type=clock.ticket_type, target_seconds=clock.target_seconds, started_at=clock.started_at,
            result="", business_seconds=0, recorded_at=now,
        )
        session.add(result)
    result.result = clock.state if clock.state in ("met", "breached") else "breached"
    result.business_seconds = int(business.total_seconds())
    result.breached_at = clock.breached_at if result.result == "breached" else None
    result.finished_at = finished_at


def pause(session: Session, ticket_id: int, *, reason: str, at: datetime) -> list[SlaClock]:
    """Waiting on the customer: running clocks stop consuming time and say why."""
    paused = []
    for clock in active_clocks(session, ticket_id):
        if clock.state != "running" or at < clock.last_event_at:
            continue  # breached clocks keep escalating; a stale redelivery changes nothing
        clock.consumed_us = used(session, clock, at) // _US
        clock.running_since = None
        clock.state, clock.paused_at, clock.pause_reason = "paused", at, reason[:200]
        clock.due_at = clock.warn_at = clock.next_check_at = None
        clock.last_event_at = at
        paused.append(clock)
    return paused


def resume(session: Session, ticket_id: int, *, at: datetime) -> list[SlaClock]:
    """The customer replied: paused clocks run again and their due time moves by the pause."""
    resumed = []
    for clock in active_clocks(session, ticket_id):
        if clock.state != "paused" or at < clock.last_event_at:
            continue
        clock.state, clock.running_since = "running", at
        clock.paused_at = clock.pause_reason = None
        clock.last_event_at = at
        schedule(session, clock)
        resumed.append(clock)
    return resumed


def resolved(session: Session, ticket_id: int, *, at: datetime, now: datetime) -> None:
    meet(session, ticket_id, "resolve", at=at, now=now)
    _start_cycle(session, ticket_id, "return_visit", at=at)


def reopened(session: Session, ticket_id: int, *, at: datetime, now: datetime) -> None:
    for clock in active_clocks(session, ticket_id):
        if clock.target == "return_visit" and clock.started_at < at:
            cancel(clock, at=at)
    _start_cycle(session, ticket_id, "resolve", at=at)


def stop_all(session: Session, ticket_id: int, *, at: datetime, now: datetime, cancelled: bool) -> None:
    """Closed: every open clock ends with its result. Cancelled or deleted: no result is due."""
    for clock in active_clocks(session, ticket_id):
        if cancelled:
            cancel(clock, at=at)
        else:
            finish(session, clock, at=at, now=now)


def cancel(clock: SlaClock, *, at: datetime) -> None:
    if clock.state in ("running", "paused"):
        clock.state = "cancelled"
    clock.running_since = None
    clock.stopped_at = at
    clock.next_check_at = clock.next_escalation_at = clock.warn_at = None
