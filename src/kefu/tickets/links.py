"""Links between tickets: repeat chains, duplicates, related tickets, merge and split."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from kefu.core.events import record
from kefu.identity.roles import Principal
from kefu.tickets import changes, lifecycle, repository
from kefu.tickets.errors import SelfLink
from kefu.tickets.events import TicketCancelled
from kefu.tickets.intake import open_ticket
from kefu.tickets.lifecycle import Status
from kefu.tickets.models import Ticket, TicketLink
from kefu.tickets.schemas import TicketCreate

MAX_CHAIN = 100


def _add_link(session: Session, source: Ticket, target: Ticket, kind: str, *, by: str, now: datetime) -> bool:
    if source.id == target.id:
        raise SelfLink()
    if repository.link_exists(session, source.id, target.id, kind):
        return False
    repository.add(
        session, TicketLink(from_ticket_id=source.id, to_ticket_id=target.id, kind=kind, created_by=by, created_at=now)
    )
    changes.log(session, source, kind="linked", by=by, now=now, link_kind=kind, other_ticket_id=target.id,
                other_number=target.number)
    changes.log(session, target, kind="linked", by=by, now=now, link_kind=kind, other_ticket_id=source.id,
                other_number=source.number, incoming=True)
    return True


def link(
    session: Session, ticket_id: int, *, to_ticket_id: int, kind: str, by: Principal, now: datetime,
    version: int | None = None,
) -> TicketLink | None:
    """Links this ticket to another (duplicate, related, or repeat_of which also flags it)."""
    source = changes.load(session, ticket_id)
    changes.check_version(source, version)
    target = changes.load(session, to_ticket_id)
    lifecycle.ensure_action(source.status, "link")
    created = _add_link(session, source, target, kind, by=by.actor, now=now)
    if kind == "repeat_of" and not source.is_repeat:
        source.is_repeat = True
        source.priority = lifecycle.raised_priority(source.priority)
    changes.flush(session)
    return created or None


def merge(
    session: Session, ticket_id: int, *, into_ticket_id: int, by: Principal, now: datetime, reason: str = "",
    version: int | None = None,
) -> Ticket:
    """Merges this ticket into another open one: this one is cancelled, pointing at it."""
    source = changes.load(session, ticket_id)
    changes.check_version(source, version)
    target = changes.load(session, into_ticket_id)
    if source.id == target.id:
        raise SelfLink()
    lifecycle.ensure_action(source.status, "merge")
    lifecycle.ensure_action(target.status, "merge")
    _add_link(session, source, target, "merged_into", by=by.actor, now=now)
    why = f"已合并至工单 {target.number}" + (f"：{reason}" if reason else "")
    changes.move(session, source, Status.CANCELLED, by=by.actor, now=now, reason=why, merged_into=target.id)
    source.cancel_reason = why
    record(session, TicketCancelled(ticket_id=source.id, reason=f"merged: {why}", at=now), now=now)
    changes.flush(session)
    return target


def split(
    session: Session, ticket_id: int, *, core_demand: str, by: Principal, now: datetime, description: str = "",
    category: str | None = None, department: str | None = None, type: str | None = None,
    version: int | None = None,
) -> Ticket:
    """Splits a second demand off into its own ticket for the same customer; the first
    contact's owner owns both."""
    source = changes.load(session, ticket_id)
    changes.check_version(source, version)
    lifecycle.ensure_action(source.status, "split")
    data = TicketCreate(
        type=type or source.type, subscriber_id=source.subscriber_id, channel=source.channel,
        core_demand=core_demand, description=description, emotion=source.emotion,  # type: ignore[arg-type]
        emotion_intensity=source.emotion_intensity, category=category or source.category,
        department=department, characteristics={"split_from": source.number},
    )
    new, _ = open_ticket(session, data, by=by, now=now, detect_repeat=False)
    if new.owner_id is None and source.owner_id is not None:
        new.owner_id = source.owner_id
    _add_link(session, new, source, "split_from", by=by.actor, now=now)
    changes.flush(session)
    return new


def repeat_chain(session: Session, ticket_id: int) -> list[Row[Any]]:
    """The earlier tickets this one repeats, oldest first (not including itself), as
    summary rows (repository.SUMMARY_COLUMNS)."""
    ids: list[int] = []
    for previous in repository.repeat_chain_ids(session, ticket_id, limit=MAX_CHAIN):
        if previous in ids or previous == ticket_id:
            break
        ids.append(previous)
    by_id = {t.id: t for t in repository.summaries_by_ids(session, ids)}
    return [by_id[i] for i in reversed(ids) if i in by_id]
