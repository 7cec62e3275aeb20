"""SLA clocks of callback appointments 预约登记回呼 (issue #7 part 5, seed 004).

An appointment is due within its window (the routing settings, 1 hour by default) of
the seat being open: the clock runs in business time on the calendar of the policy
that names the `callback_appointment` channel (the specialist seat's 9:00–22:00), so
one booked at 23:00 starts counting at 9:00 and is due at 10:00. It warns and breaches
like a ticket's clock (same scan, same escalation), and stops when the appointment is
done. Idempotent by the appointment's id: the outbox delivers at least once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.sla import clocks, repository
from kefu.sla.errors import ClocksNotStarted
from kefu.sla.models import SlaClock
from kefu.sla.policy import PolicySpec, Target, TicketFacts

SUBJECT = "callback"
TARGET = "callback"
CHANNEL = "callback_appointment"


def _policy(session: Session, *, now: datetime) -> tuple[object, PolicySpec]:
    """The active policy naming the callback channel with the highest precedence; the
    default policy's respond target if an administrator removed them all."""
    clocks.ensure_defaults(session, now=now)
    rows = repository.active_policies(session)
    named = [(row, clocks.policy_spec(row)) for row in rows]
    callback = [(row, spec) for row, spec in named if CHANNEL in spec.match.get("channels", ())]
    if callback:
        return max(callback, key=lambda item: item[1].precedence)
    row, _ = clocks.pick_policy(session, TicketFacts("consultation", "individual", "normal", CHANNEL), now=now)
    return row, clocks.policy_spec(row)


def start(
    session: Session, contact_id: int, *, within_seconds: int, department: str | None, segment: str | None,
    at: datetime, now: datetime,
) -> SlaClock:
    """Starts the appointment's clock (once); `within_seconds` is its target."""
    existing = repository.clocks_of_ticket(session, contact_id, subject=SUBJECT)
    if existing:
        return existing[0]
    row, spec = _policy(session, now=now)
    goal = spec.targets.get("respond") or next(iter(spec.targets.values()))
    timed = PolicySpec(code=spec.code, name=spec.name, targets={TARGET: Target(max(1, within_seconds // 60), goal.calendar)},
                       warn_share=spec.warn_share, escalation=spec.escalation, notify_calendar=spec.notify_calendar)
    facts = TicketFacts("callback", segment or "individual", "normal", CHANNEL)
    clock = clocks.new_clock(session, row, timed, TARGET, ticket_id=contact_id, facts=facts,
                             department=department or "customer_service", cycle=1, at=at, warning=None,
                             subject=SUBJECT)
    # The window may be set in seconds finer than the policy's minutes.
    if clock.target_seconds != within_seconds and within_seconds > 0:
        clock.target_seconds = within_seconds
        clocks.schedule(session, clock)
    return clock


def finish(session: Session, contact_id: int, *, outcome: str, at: datetime, now: datetime) -> SlaClock:
    """Done (reached, or out of attempts): met if in time, else breached. Cancelled: no result."""
    for clock in repository.clocks_of_ticket(session, contact_id, lock=True, subject=SUBJECT):
        if clock.stopped_at is not None:
            return clock
        if outcome == "cancelled":
            clocks.cancel(clock, at=at)
        else:
            clocks.finish(session, clock, at=at, now=now)
        return clock
    # Finished before its start was delivered (a failed handler being retried): failing
    # makes the outbox retry this after the clock exists, so it cannot run on forever.
    raise ClocksNotStarted(contact_id)


def clock_of(session: Session, contact_id: int) -> SlaClock | None:
    found = repository.clocks_of_ticket(session, contact_id, subject=SUBJECT)
    return found[0] if found else None
