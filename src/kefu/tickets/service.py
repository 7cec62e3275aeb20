"""Ticket use cases. The lifecycle steps live here; opening, tasks, remedies, links,
problems and attachments live in their own modules and are re-exported, so callers
use `kefu.tickets.service` for everything.

Every change appends history and bumps the version; services flush, never commit."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.core.events import record
from kefu.core.pagination import Page
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository, taxonomy, views
from kefu.tickets.attachments import add_attachment, get_attachment
from kefu.tickets.classification import IntakeNlp, warm_up
from kefu.tickets.dispatch import accept_task, complete_task, dispatch, record_finding, task_progress
from kefu.tickets.errors import MissingField, ReopenWindowPassed, UnappliedRemedies
from kefu.tickets.events import (
    TicketCancelled,
    TicketCustomerReplied,
    TicketEscalated,
    TicketReopened,
    TicketReturnVisited,
    TicketWaitingOnCustomer,
)
from kefu.tickets.intake import DEFAULT_REPEAT_WINDOW_DAYS, Opened, Prepared, check_code, open_ticket
from kefu.tickets.intake import prepare as prepare_ticket
from kefu.tickets.intake import store as store_ticket
from kefu.tickets.lifecycle import Status
from kefu.tickets.links import link, merge, repeat_chain, split
from kefu.tickets.models import Ticket
from kefu.tickets.problems import (
    get_problem,
    link_problem_tickets,
    list_problems,
    open_problem,
    progress_problem,
)
from kefu.tickets.reclassify import reclassify
from kefu.tickets.remedies import apply_remedy, give_consent, propose_remedy
from kefu.tickets.repository import TicketFilter
from kefu.tickets.suggest import suggest
from kefu.tickets.views import detail, page

__all__ = [
    "DEFAULT_REPEAT_WINDOW_DAYS",
    "IntakeNlp",
    "Opened",
    "Page",
    "Prepared",
    "TicketFilter",
    "accept",
    "accept_task",
    "add_attachment",
    "add_note",
    "apply_remedy",
    "cancel",
    "complete_task",
    "customer_replied",
    "dispatch",
    "escalate",
    "get_attachment",
    "get_problem",
    "get_ticket",
    "give_consent",
    "link",
    "link_problem_tickets",
    "list_problems",
    "list_tickets",
    "merge",
    "open_problem",
    "open_ticket",
    "opened_detail",
    "prepare_ticket",
    "progress_problem",
    "propose_remedy",
    "reclassify",
    "record_finding",
    "record_satisfaction",
    "reopen",
    "repeat_chain",
    "resolve",
    "return_visit",
    "split",
    "store_ticket",
    "suggest",
    "task_progress",
    "transfer_coordinator",
    "wait_on_customer",
    "warm_up",
]

DEFAULT_REOPEN_WINDOW_DAYS = 7
# A customer rates the service once the ticket is handled.
RATEABLE_STATUSES = frozenset({Status.RESOLVED, Status.RETURN_VISIT, Status.CLOSED})


def _subscriber_scope(viewer: Principal) -> int | None:
    """None for staff (every ticket); a subscriber's own id (or an impossible one) otherwise."""
    return None if viewer.kind == "staff" else (viewer.subscriber_id or -1)


def get_ticket(session: Session, ticket_id: int, *, viewer: Principal, fresh: bool = False):
    """The ticket with its history, tasks, findings, remedies, links and repeat chain.

    A subscriber sees only their own tickets (others are 404) and only what is meant
    for the customer: customer-visible history and attachments, no internal findings.
    `fresh=True` right after open_ticket skips what a new ticket cannot have yet."""
    ticket = changes.load(session, ticket_id, subscriber_id=_subscriber_scope(viewer))
    return detail(session, ticket, customer_view=viewer.kind != "staff", fresh=fresh)


def opened_detail(session: Session, done: Opened, *, viewer: Principal):
    """The answer to a create (store_ticket), without reading back what was just written."""
    return views.opened(session, done, customer_view=viewer.kind != "staff")


def list_tickets(session: Session, filters: TicketFilter, *, page_: Page, viewer: Principal):
    _check_filter(filters)
    scope = _subscriber_scope(viewer)
    if scope is not None:
        filters = dataclasses.replace(filters, subscriber_id=scope)
    rows, total, capped = repository.list_tickets(session, filters, offset=page_.offset, limit=page_.limit)
    return page(rows, total=total, capped=capped, offset=page_.offset, limit=page_.limit)


def _check_filter(filters: TicketFilter) -> None:
    for value in filters.status or []:
        check_code("status", value, {s.value: s for s in Status})
    check_code("type", filters.type, taxonomy.TYPES)
    check_code("category", filters.category, taxonomy.CATEGORIES)
    check_code("department", filters.department, taxonomy.DEPARTMENTS)
    check_code("department", filters.task_department, taxonomy.DEPARTMENTS)
    check_code("priority", filters.priority, dict.fromkeys(lifecycle.PRIORITIES))


def accept(
    session: Session, ticket_id: int, *, by: Principal, now: datetime, version: int | None = None, note: str | None = None
) -> Ticket:
    """A staff member takes the ticket and starts investigating. The first one to take a
    ticket nobody owns yet becomes its owner, for good."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "accept")
    if ticket.owner_id is None and by.user_id is not None:
        ticket.owner_id = by.user_id
        changes.log(session, ticket, kind="owner_set", by=by.actor, now=now, owner_id=by.user_id)
    changes.move(session, ticket, Status.INVESTIGATING, by=by.actor, now=now, reason=note)
    changes.responded(session, ticket, now=now)
    changes.flush(session)
    return ticket


def resolve(
    session: Session, ticket_id: int, *, by: Principal, now: datetime, resolution: str | None = None,
    version: int | None = None,
) -> Ticket:
    """Resolves with the agreed remedies (all applied) or, when none was agreed, a stated resolution."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_transition(ticket.status, Status.RESOLVED)
    remedies = repository.remedies(session, ticket.id)
    agreed = [r for r in remedies if r.consent == "agreed"]
    unapplied = [r.id for r in agreed if r.applied_at is None]
    if unapplied:
        raise UnappliedRemedies(unapplied)
    if not agreed and not (resolution and resolution.strip()):
        raise MissingField(
            "resolution",
            "没有客户同意的解决方案时，办结须填写处理结果说明",
            "Without an agreed remedy, resolving needs a written resolution",
        )
    ticket.resolution = (resolution or "").strip() or "；".join(r.description or r.kind for r in agreed)
    changes.move(session, ticket, Status.RESOLVED, by=by.actor, now=now, reason=ticket.resolution)
    changes.responded(session, ticket, now=now)
    changes.feedback_given(session, ticket, now=now)
    changes.flush(session)
    return ticket


def return_visit(
    session: Session, ticket_id: int, *, outcome: str, by: Principal, now: datetime, note: str | None = None,
    version: int | None = None,
) -> Ticket:
    """回访: satisfied closes the ticket; unsatisfied reopens it; unreachable leaves it in
    return_visit for another attempt."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    if ticket.status == Status.RESOLVED.value:
        changes.move(session, ticket, Status.RETURN_VISIT, by=by.actor, now=now)
    elif ticket.status != Status.RETURN_VISIT.value:
        raise lifecycle.InvalidTransition(ticket.status, "make the return visit", wanted_zh="回访")
    changes.log(session, ticket, kind="return_visit", by=by.actor, now=now, reason=note, outcome=outcome)
    if outcome == "unreachable":
        changes.flush(session)
        return ticket
    satisfied = outcome == "satisfied"
    record(session, TicketReturnVisited(ticket_id=ticket.id, satisfied=satisfied, at=now), now=now)
    if satisfied:
        changes.move(session, ticket, Status.CLOSED, by=by.actor, now=now, reason=note)
    else:
        _reopen(session, ticket, by=by.actor, now=now, reason=note or "回访不满意")
    changes.flush(session)
    return ticket


def reopen(
    session: Session, ticket_id: int, *, reason: str, by: Principal, now: datetime, version: int | None = None,
    window_days: int = DEFAULT_REOPEN_WINDOW_DAYS,
) -> Ticket:
    """The customer disputes the outcome: back to investigating, within the window after closing."""
    ticket = changes.load(session, ticket_id, subscriber_id=_subscriber_scope(by))
    changes.check_version(ticket, version)
    lifecycle.ensure_transition(ticket.status, Status.INVESTIGATING)
    if not lifecycle.may_reopen(ticket.status, closed_at=ticket.closed_at, now=now, window=timedelta(days=window_days)):
        raise ReopenWindowPassed(window_days)
    _reopen(session, ticket, by=by.actor, now=now, reason=reason)
    changes.flush(session)
    return ticket


def _reopen(session: Session, ticket: Ticket, *, by: str, now: datetime, reason: str) -> None:
    changes.move(session, ticket, Status.INVESTIGATING, by=by, now=now, reason=reason, reopened=True)
    ticket.reopen_count += 1
    record(session, TicketReopened(ticket_id=ticket.id, reason=reason, at=now), now=now)


def cancel(
    session: Session, ticket_id: int, *, reason: str, by: Principal, now: datetime, reject: bool = False,
    version: int | None = None,
) -> Ticket:
    """Cancels (withdrawn, duplicate) or rejects (not ours, invalid) with a reason."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    to = Status.REJECTED if reject else Status.CANCELLED
    changes.move(session, ticket, to, by=by.actor, now=now, reason=reason)
    ticket.cancel_reason = reason
    record(session, TicketCancelled(ticket_id=ticket.id, reason=f"{to.value}: {reason}", at=now), now=now)
    changes.flush(session)
    return ticket


def escalate(
    session: Session, ticket_id: int, *, level: int, reason: str, now: datetime, by: str = "system:sla",
    version: int | None = None,
) -> Ticket:
    """Raises the escalation level and the priority with it; records TicketEscalated.

    Idempotent: a level at or below the current one changes nothing (the SLA module may
    deliver the same breach twice)."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "escalate")
    if level <= ticket.escalation_level:
        return ticket
    before = ticket.priority
    ticket.escalation_level = level
    ticket.priority = lifecycle.priority_for_level(ticket.priority, level)
    changes.log(session, ticket, kind="escalated", by=by, now=now, reason=reason, level=level,
                priority_from=before, priority_to=ticket.priority)
    record(session, TicketEscalated(ticket_id=ticket.id, level=level, reason=reason, at=now), now=now)
    changes.flush(session)
    return ticket


def add_note(
    session: Session, ticket_id: int, *, text: str, by: Principal, now: datetime, visibility: str = "internal",
    version: int | None = None,
) -> Ticket:
    """A staff note (internal, or customer-visible progress feedback) or a subscriber's message.

    A subscriber's message is their reply; a staff member's customer-visible note is the
    first reply and progress feedback the clocks wait for."""
    customer = by.kind != "staff"
    ticket = changes.load(session, ticket_id, subscriber_id=_subscriber_scope(by))
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "note")
    if customer:
        changes.log(session, ticket, kind="customer_message", by=by.actor, now=now, visibility="customer", text=text)
        _customer_replied(session, ticket, by=by.actor, now=now)
    else:
        changes.log(session, ticket, kind="note", by=by.actor, now=now, visibility=visibility, text=text)
        if visibility == "customer":
            changes.responded(session, ticket, now=now)
            changes.feedback_given(session, ticket, now=now)
    changes.flush(session)
    return ticket


def wait_on_customer(
    session: Session, ticket_id: int, *, reason: str, by: Principal, now: datetime, version: int | None = None
) -> Ticket:
    """The ticket waits for the customer (documents, a callback time …); SLA clocks pause."""
    if not reason.strip():
        raise MissingField("reason", "请填写在等客户什么（如补充材料、约定回电时间）",
                           "Say what the customer is to provide (documents, a callback time)")
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "wait_on_customer")
    if ticket.waiting_since is None:
        ticket.waiting_since, ticket.waiting_reason = now, reason
        changes.log(session, ticket, kind="waiting_on_customer", by=by.actor, now=now, reason=reason,
                    visibility="customer")
        record(session, TicketWaitingOnCustomer(ticket_id=ticket.id, reason=reason, at=now), now=now)
        changes.responded(session, ticket, now=now)
    changes.flush(session)
    return ticket


def customer_replied(
    session: Session, ticket_id: int, *, text: str, by: Principal, now: datetime, version: int | None = None
) -> Ticket:
    """Staff record the customer's answer (e.g. they called back); the clocks run again."""
    if not text.strip():
        raise MissingField("text", "请记录客户的答复", "Record what the customer answered")
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    changes.log(session, ticket, kind="customer_message", by=by.actor, now=now, visibility="customer", text=text)
    _customer_replied(session, ticket, by=by.actor, now=now)
    changes.flush(session)
    return ticket


def _customer_replied(session: Session, ticket: Ticket, *, by: str, now: datetime) -> None:
    if ticket.waiting_since is not None:
        waited = int((now - ticket.waiting_since).total_seconds())
        ticket.waiting_since, ticket.waiting_reason = None, None
        changes.log(session, ticket, kind="customer_replied", by=by, now=now, visibility="customer",
                    waited_seconds=waited)
        record(session, TicketCustomerReplied(ticket_id=ticket.id, at=now), now=now)


def record_satisfaction(
    session: Session, ticket_id: int, *, score: int, label: str, comment: str, by: Principal, now: datetime
) -> Ticket:
    """The customer's satisfaction rating (kept by kefu.feedback) as a step of the ticket's
    history, so staff and the customer see it on the ticket. Only a handled ticket is rated."""
    ticket = changes.load(session, ticket_id, subscriber_id=_subscriber_scope(by))
    if Status(ticket.status) not in RATEABLE_STATUSES:
        raise lifecycle.InvalidTransition(ticket.status, "rate the service", wanted_zh="评价服务（办结后才能评价）")
    changes.log(session, ticket, kind="satisfaction_rated", by=by.actor, now=now, visibility="customer",
                score=score, label=label, text=comment or None)
    changes.flush(session)
    return ticket


def transfer_coordinator(
    session: Session, ticket_id: int, *, coordinator_id: int, by: Principal, now: datetime, reason: str = "",
    version: int | None = None,
) -> Ticket:
    """Names the coordinator (投诉协调专员) of a cross-department ticket. The owner stays."""
    ticket = changes.load(session, ticket_id)
    changes.check_version(ticket, version)
    lifecycle.ensure_action(ticket.status, "transfer_coordinator")
    before = ticket.coordinator_id
    ticket.coordinator_id = coordinator_id
    changes.log(session, ticket, kind="coordinator", by=by.actor, now=now, reason=reason or None,
                coordinator_from=before, coordinator_to=coordinator_id)
    changes.flush(session)
    return ticket
