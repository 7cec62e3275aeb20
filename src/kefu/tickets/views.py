"""Tickets as the API and pages show them (history, tasks, remedies, links, chain)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from kefu.tickets import lifecycle, repository
from kefu.tickets.links import repeat_chain
from kefu.tickets.models import Ticket
from kefu.tickets.schemas import (
    AttachmentView,
    EventView,
    FindingView,
    LinkView,
    RemedyView,
    TaskView,
    TicketDetail,
    TicketPage,
    TicketSummary,
)

if TYPE_CHECKING:
    from kefu.tickets.intake import Opened


def summary(ticket: Ticket | Row[Any]) -> TicketSummary:
    return TicketSummary.model_validate(ticket, from_attributes=True)


def detail(session: Session, ticket: Ticket, *, customer_view: bool = False, fresh: bool = False) -> TicketDetail:
    """Everything about one ticket. The customer's view leaves out internal history,
    findings and internal attachments. `fresh`: the ticket was opened in this
    transaction, so it has no tasks, findings, remedies, attachments or problems yet."""
    session.flush()
    out = TicketDetail.model_validate(ticket)
    out.allowed_next = sorted(s.value for s in lifecycle.allowed_next(ticket.status))
    out.history = [EventView.model_validate(e) for e in repository.events(session, ticket.id, customer_only=customer_view)]
    if customer_view:
        # The classifier's notes are for staff ("用户语气急躁，需优先安抚" is not for the customer).
        out.classification, out.urgency, out.classification_confidence = {}, None, None
    if fresh:
        if ticket.is_repeat and not customer_view:
            out.links = [LinkView.model_validate(link) for link in repository.links(session, ticket.id)]
            out.repeat_chain = [summary(t) for t in repeat_chain(session, ticket.id)]
        return out
    tasks = repository.tasks(session, ticket.id)
    out.tasks = [TaskView.model_validate(t) for t in tasks]
    out.remedies = [RemedyView.model_validate(r) for r in repository.remedies(session, ticket.id)]
    out.attachments = [
        AttachmentView.model_validate(a) for a in repository.attachments(session, ticket.id, customer_only=customer_view)
    ]
    if not customer_view:
        out.findings = [FindingView.model_validate(f) for f in repository.findings(session, ticket.id)]
        out.links = [LinkView.model_validate(link) for link in repository.links(session, ticket.id)]
        out.repeat_chain = [summary(t) for t in repeat_chain(session, ticket.id)]
        out.problem_ids = repository.problem_ids_for_ticket(session, ticket.id)
        departments = {t.department for t in tasks if t.status != "cancelled"}
        out.needs_coordinator = len(departments) > 1 and ticket.coordinator_id is None and lifecycle.is_open(ticket.status)
    return out


def opened(session: Session, done: Opened, *, customer_view: bool = False) -> TicketDetail:
    """The answer to a create: built from the rows just inserted when the ticket was not
    changed after (only a repeat's chain is read), read back otherwise."""
    if done.row is None:
        ticket = repository.ticket(session, done.ticket_id)
        assert ticket is not None, "a ticket stored in this request"
        return detail(session, ticket, customer_view=customer_view)
    out = TicketDetail.model_validate(done.row)
    out.allowed_next = sorted(s.value for s in lifecycle.allowed_next(out.status))
    out.history = [EventView.model_validate(e) for e in done.events
                   if not customer_view or e["visibility"] == "customer"]
    if customer_view:
        out.classification, out.urgency, out.classification_confidence = {}, None, None
    elif done.links:
        out.links = [LinkView.model_validate(link) for link in done.links]
        out.repeat_chain = [summary(t) for t in repeat_chain(session, done.ticket_id)]
    return out


def page(rows: list[Row[Any]], *, total: int, capped: bool, offset: int, limit: int) -> TicketPage:
    return TicketPage(items=[summary(t) for t in rows], total=total, total_capped=capped, offset=offset, limit=limit)
