"""Warnings, breaches and escalation steps of clocks that have fallen due.

Each step is done in the caller's transaction together with its notification, the
ticket's priority raise and the step's row (unique per clock and level), so a crash
rolls all of it back and a redo cannot happen twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.errors import Conflict, NotFound
from kefu.core.events import record
from kefu.core.outbound import enqueue
from kefu.identity import service as identity
from kefu.sla import clocks, repository
from kefu.sla.calendar import ZERO
from kefu.sla.errors import HolidayDataMissing
from kefu.sla.events import SlaClockStepped
from kefu.sla.models import SlaClock, SlaEscalation
from kefu.sla.policy import TARGET_ZH, EscalationLevel

log = logging.getLogger(__name__)

TicketEscalator = Callable[..., object]


def escalate_ticket(session: Session, ticket_id: int, *, level: int, reason: str, now: datetime) -> None:
    """Raises the ticket's priority and records the step on its timeline (tickets owns both)."""
    from kefu.tickets import service as tickets

    try:
        # tickets.escalate checks before it writes, so these errors leave nothing half-done.
        tickets.escalate(session, ticket_id, level=level, reason=reason, now=now)
    except (NotFound, Conflict) as exc:
        # Deleted, or closed before its TicketClosed reached the clocks: the step is still
        # recorded and notified; the ticket simply has nothing left to raise.
        log.warning("SLA escalation of ticket %s not applied to the ticket: %s", ticket_id, exc.en)


@dataclass
class ScanContext:
    """What one scan pass shares: recipients per role, the ticket escalator."""

    escalator: TicketEscalator = escalate_ticket
    recipients: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    policy_levels: dict[int, tuple[EscalationLevel, ...]] = field(default_factory=dict)
    # Steps already recorded for the claimed clocks, loaded in one query by the scan.
    levels_done: dict[int, set[int]] | None = None
    # Ticket escalations and messages are applied after the batch's clocks, so the clocks'
    # own rows go to the database in one flush instead of one per clock.
    pending_tickets: list[tuple[int, int, str]] = field(default_factory=list)
    pending_messages: list[dict[str, str]] = field(default_factory=list)

    def apply(self, session: Session, *, now: datetime) -> None:
        """Raises the tickets and queues the messages the processed clocks asked for."""
        tickets, self.pending_tickets = self.pending_tickets, []
        messages, self.pending_messages = self.pending_messages, []
        session.flush()
        for ticket_id, level, reason in tickets:
            self.escalator(session, ticket_id, level=level, reason=reason, now=now)
        for message in _digests(messages):
            enqueue(session, channel="email", purpose="sla", now=now, **message)

    def discard(self) -> None:
        self.pending_tickets, self.pending_messages = [], []

    def levels(self, session: Session, policy_id: int | None) -> tuple[EscalationLevel, ...]:
        if policy_id is None:
            return ()
        if policy_id not in self.policy_levels:
            policy = repository.policy_by_id(session, policy_id)
            self.policy_levels[policy_id] = clocks.policy_spec(policy).escalation if policy else ()
        return self.policy_levels[policy_id]

    def users(self, session: Session, role: str) -> list[tuple[str, str | None]]:
        if role not in self.recipients:
            self.recipients[role] = [
                (u.username, u.department) for u in identity.users_with_role(session, role)
            ]
        return self.recipients[role]


def process(session: Session, clock: SlaClock, *, now: datetime, context: ScanContext) -> int:
    """Does every step of `clock` that is due at `now` (several after a long outage); returns how many."""
    steps = 0
    levels = context.levels(session, clock.policy_id)
    done = context.levels_done.get(clock.id, set()) if context.levels_done is not None \
        else repository.escalation_levels_done(session, clock.id)
    # A worker catching up at night must not wake people: steps wait for their service hours.
    reachable = _recipients_on_duty(session, clock, now)
    if clock.state == "running" and clock.warn_at is not None and clock.warn_at <= now:
        if not reachable:
            later = clocks.business_add(session, clock, clock.notify_calendar, now, ZERO)
            clock.warn_at = later if clock.due_at is not None and later < clock.due_at else None
        else:
            if clock.due_at is not None and now < clock.due_at and 0 not in done:
                _notify(session, clock, levels[0] if levels else None, level=0, now=now, context=context)
                _tell_subject(session, clock, "warned", now=now)
                steps += 1
            clock.warned_at, clock.warn_at = now, None
    if clock.state == "running" and clock.due_at is not None and clock.due_at <= now:
        _breach(session, clock, levels, now=now)
        _tell_subject(session, clock, "breached", now=now)
        steps += 1
    while (
        clock.state == "breached" and clock.stopped_at is None and clock.next_escalation_at is not None
        and clock.next_escalation_at <= now and clock.escalation_level < len(levels)
    ):
        if not reachable:
            clock.next_escalation_at = clocks.business_add(session, clock, clock.notify_calendar, now, ZERO)
            break
        level = levels[clock.escalation_level]
        if level.level not in done:
            _notify(session, clock, level, level=level.level, now=now, context=context)
            reason = f"{TARGET_ZH.get(clock.target, clock.target)}时效超时 / {clock.target} SLA breached"
            if clock.subject == "ticket":
                context.pending_tickets.append((clock.ticket_id, level.level, reason))
            steps += 1
        clock.escalation_level = level.level
        clock.next_escalation_at = _escalation_time(session, clock, levels, after=clock.next_escalation_at)
    _next_check(clock)
    return steps


def _tell_subject(session: Session, clock: SlaClock, stage: str, *, now: datetime) -> None:
    """Tickets hear of steps through tickets.service.escalate; other subjects (callback
    appointments) by an event their module reacts to (declared in kefu.wiring)."""
    if clock.subject != "ticket":
        record(session, SlaClockStepped(clock.id, clock.subject, clock.ticket_id, stage, now), now=now)


def _recipients_on_duty(session: Session, clock: SlaClock, now: datetime) -> bool:
    try:
        return clocks.calendar(session, clock.notify_calendar).is_open(now)
    except HolidayDataMissing:
        return True


def _breach(session: Session, clock: SlaClock, levels: tuple[EscalationLevel, ...], *, now: datetime) -> None:
    assert clock.due_at is not None
    clock.state = "breached"
    clock.breached_at = clock.due_at
    clock.warn_at = None
    clock.next_escalation_at = _escalation_time(session, clock, levels, after=clock.breached_at)
    # A running clock has no result yet: results are written at the breach or at the end.
    clocks.store_result(session, clock, business=timedelta(seconds=clock.target_seconds), finished_at=None, now=now,
                        first=True)


def _escalation_time(
    session: Session, clock: SlaClock, levels: tuple[EscalationLevel, ...], *, after: datetime | None
) -> datetime | None:
    """When the next level is due. Delays count from the breach in the clock's business
    time, level after level: a level pushed into the recipients' next service hours pushes
    the following ones too, so two levels never arrive in the same morning's batch."""
    if clock.escalation_level >= len(levels) or after is None:
        return None
    level = levels[clock.escalation_level]
    previous = levels[clock.escalation_level - 1].delay_minutes if clock.escalation_level else 0
    gap = timedelta(minutes=level.delay_minutes - previous)
    raw = clocks.business_add(session, clock, clock.calendar_code, after, gap)
    return clocks.business_add(session, clock, clock.notify_calendar, raw, ZERO)


def _next_check(clock: SlaClock) -> None:
    if clock.stopped_at is not None:
        clock.next_check_at = None
    elif clock.state == "running":
        clock.next_check_at = min(t for t in (clock.warn_at, clock.due_at) if t is not None)
    elif clock.state == "breached":
        clock.next_check_at = clock.next_escalation_at
    else:
        clock.next_check_at = None


def _digests(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """One message per recipient and kind of step in a batch: a team lead hears of 300
    breaches after an outage in one list, not in 300 e-mails. A single step keeps its
    own subject."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for message in messages:
        groups.setdefault((message["recipient"], message["kind"]), []).append(message)
    out = []
    for (recipient, kind), items in groups.items():
        if len(items) == 1:
            out.append({"recipient": recipient, "subject": items[0]["subject"], "body": items[0]["body"]})
            continue
        if kind == "warning":
            subject = f"【时效预警】{len(items)} 张工单时限将到 / {len(items)} tickets are close to their SLA"
        else:
            subject = f"{kind}{len(items)} 张工单已超时 / {len(items)} tickets breached their SLA"
        out.append({"recipient": recipient, "subject": subject, "body": "\n".join(m["body"] for m in items)})
    return out


LEVEL_ZH = {"team_lead": "班组长", "department_head": "部门负责人", "centre_management": "中心管理层"}


def _notify(
    session: Session, clock: SlaClock, step: EscalationLevel | None, *, level: int, now: datetime,
    context: ScanContext,
) -> None:
    """Records the step and queues one message per recipient of the step's role (the
    warning goes to the first level's role)."""
    recipients: list[str] = []
    if step is not None:
        users = context.users(session, step.role)
        if step.same_department:
            users = [u for u in users if u[1] == clock.department] or users
        recipients = [username for username, _ in users]
    name = "warning" if level == 0 else (step.name if step else f"level_{level}")
    session.add(SlaEscalation(clock_id=clock.id, ticket_id=clock.ticket_id, level=level, name=name, at=now,
                              recipients=len(recipients)))
    target = TARGET_ZH.get(clock.target, clock.target)
    what, what_en = ("预约回呼", "Callback") if clock.subject == "callback" else ("工单", "Ticket")
    due = local(clock.due_at).strftime("%m-%d %H:%M") if clock.due_at else "-"
    if level == 0:
        subject = f"【时效预警】{what} {clock.ticket_id} {target}时限将到"
        body = (f"{what} {clock.ticket_id} 的{target}时限将于 {due} 到期，请尽快处理。"
                f" / {what_en} {clock.ticket_id}: the {clock.target} target falls due at {due}.")
    else:
        who = LEVEL_ZH.get(name, name)
        subject = f"【时效升级·{who}】{what} {clock.ticket_id} {target}已超时"
        body = (f"{what} {clock.ticket_id} 的{target}时限已于 {due} 超时，已升级至{who}（第 {level} 级）。"
                f" / {what_en} {clock.ticket_id}: the {clock.target} target was breached at {due}; escalated to"
                f" level {level} ({name}).")
    kind = "warning" if level == 0 else f"【时效升级·{LEVEL_ZH.get(name, name)}】"
    context.pending_messages.extend(
        {"recipient": recipient, "subject": subject, "body": body, "kind": kind} for recipient in recipients
    )
