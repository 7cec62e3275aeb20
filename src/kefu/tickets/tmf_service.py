"""Use cases the TMF621 API needs beyond the ticket service: the TroubleTicket list with
TMF filters, editing attributes in place, and withdrawing a ticket (DELETE).

Tickets are never erased: DELETE cancels an open ticket (history kept, TicketCancelled)
and records TicketDeleted; the ticket stays readable with status cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.events import record
from kefu.core.pagination import Page
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, tmf, tmf_repository
from kefu.tickets import service as tickets
from kefu.tickets.errors import UnknownCode
from kefu.tickets.events import TicketDeleted, TicketUpdated
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Ticket
from kefu.tickets.schemas import AttachmentView, EventView, LinkView, TaskView, TicketDetail
from kefu.tickets.tmf_repository import TmfFilter

__all__ = ["TmfFilter", "add_notes", "list_details", "update_attributes", "withdraw"]

# Attributes that need the history, tasks and links: a list without them skips those queries.
HEAVY = {"statusChange", "statusChangeDate", "statusChangeReason", "note", "attachment", "relatedEntity",
         "troubleTicketRelationship"}


def list_details(
    session: Session, filters: TmfFilter, *, page_: Page, full: bool = True
) -> tuple[list[TicketDetail], int | None]:
    """One page of tickets (newest first) as details, and the exact number of matches
    (None: more than tmf_repository.TOTAL_CAP).
    What a TroubleTicket shows (history, tasks, attachments, links, problems) is loaded for
    the whole page at once; `full=False` leaves it out. Findings, remedies and the repeat
    chain, which a TroubleTicket does not show, stay empty."""
    rows, total = tmf_repository.list_tickets(session, filters, offset=page_.offset, limit=page_.limit)
    details = [TicketDetail.model_validate(t) for t in rows]
    if not full:
        return details, total
    parts = tmf_repository.page_parts(session, [t.id for t in rows])
    by_id = {d.id: d for d in details}
    for event in parts["events"]:
        by_id[event.ticket_id].history.append(EventView.model_validate(event))
    for task in parts["tasks"]:
        by_id[task.ticket_id].tasks.append(TaskView.model_validate(task))
    for attachment in parts["attachments"]:
        by_id[attachment.ticket_id].attachments.append(AttachmentView.model_validate(attachment))
    for row in parts["problems"]:
        by_id[row.ticket_id].problem_ids.append(row.problem_id)
    for link in parts["links"]:
        for end in {link.from_ticket_id, link.to_ticket_id}:
            if end in by_id:
                by_id[end].links.append(LinkView.model_validate(link))
    return details, total


def update_attributes(
    session: Session, ticket_id: int, *, by: Principal, now: datetime, name: str | None = None,
    description: str | None = None, priority: str | None = None, severity: str | None = None,
    external_id: str | None = None, requested_resolution: str | None = None,
    characteristics: dict[str, Any] | None = None,
) -> Ticket:
    """Edits what the caller sent (None: unchanged; a None value inside `characteristics`
    removes that key). One history entry with before/after, and TicketUpdated naming the
    TMF attributes that changed. Nothing changed records nothing."""
    ticket = changes.load(session, ticket_id)
    lifecycle.ensure_action(ticket.status, "note")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}

    def set_(field: str, attr: str, value: Any) -> None:
        if value is not None and getattr(ticket, attr) != value:
            before[field], after[field] = getattr(ticket, attr), value
            setattr(ticket, attr, value)

    set_("name", "core_demand", name.strip() if name is not None else None)
    set_("description", "description", description)
    if priority is not None and priority not in lifecycle.PRIORITIES:
        raise UnknownCode("priority", priority, list(lifecycle.PRIORITIES))
    set_("priority", "priority", priority)
    chars = dict(ticket.characteristics)
    for field, key, value in (("severity", tmf.SEVERITY_KEY, severity), ("externalId", tmf.EXTERNAL_ID_KEY, external_id),
                              ("requestedResolutionDate", tmf.REQUESTED_KEY, requested_resolution)):
        if value is not None and chars.get(key) != value:
            before[field], after[field] = chars.get(key), value
            chars[key] = value
    for key, value in (characteristics or {}).items():
        if key in tmf.RESERVED_KEYS or chars.get(key) == value:
            continue
        before.setdefault("troubleTicketCharacteristic", {})[key] = chars.get(key)
        after.setdefault("troubleTicketCharacteristic", {})[key] = value
        if value is None:
            chars.pop(key, None)
        else:
            chars[key] = value
    if not after:
        return ticket
    ticket.characteristics = chars
    changes.log(session, ticket, kind="edited", by=by.actor, now=now, before=before, after=after)
    record(session, TicketUpdated(ticket_id=ticket.id, fields=tuple(after), at=now), now=now)
    changes.flush(session)
    return ticket


def add_notes(session: Session, ticket_id: int, texts: list[str], *, by: Principal, now: datetime) -> None:
    """Internal notes sent by another system; TicketUpdated (field note) tells its listeners."""
    if not texts:
        return
    for text in texts:
        tickets.add_note(session, ticket_id, text=text, by=by, now=now)
    record(session, TicketUpdated(ticket_id=ticket_id, fields=("note",), at=now), now=now)


def withdraw(session: Session, ticket_id: int, *, reason: str, by: Principal, now: datetime) -> Ticket:
    """DELETE: cancels the ticket (a 409 names the allowed steps when it cannot be) and
    records TicketDeleted. Deleting a ticket already withdrawn changes nothing."""
    ticket = changes.load(session, ticket_id)
    if ticket.status in (Status.CANCELLED.value, Status.REJECTED.value):
        if not any(e.kind == "deleted" for e in tickets.get_ticket(session, ticket_id, viewer=by).history):
            _deleted(session, ticket, by=by, now=now, reason=reason)
        return ticket
    tickets.cancel(session, ticket_id, reason=reason, by=by, now=now)
    _deleted(session, ticket, by=by, now=now, reason=reason)
    return ticket


def _deleted(session: Session, ticket: Ticket, *, by: Principal, now: datetime, reason: str) -> None:
    changes.log(session, ticket, kind="deleted", by=by.actor, now=now, reason=reason, visibility="customer")
    record(session, TicketDeleted(ticket_id=ticket.id, at=now), now=now)
    changes.flush(session)
