"""Every query on the routing tables. Claims use FOR UPDATE SKIP LOCKED (PostgreSQL;
SQLite ignores it and serialises writers with BEGIN IMMEDIATE instead), so two
dispatchers never see — and never offer — the same contact."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from kefu.agents.models import AgentProfile
from kefu.routing.models import CallbackResultLog, RoutingContact, RoutingQueue, RoutingWorkflow

LIVE_STATES = ("offered", "assigned")


def queues(session: Session) -> list[RoutingQueue]:
    return list(session.scalars(select(RoutingQueue).order_by(RoutingQueue.name)))


def queue_by_name(session: Session, name: str) -> RoutingQueue | None:
    return session.scalars(select(RoutingQueue).where(RoutingQueue.name == name)).first()


def active_workflow(session: Session) -> RoutingWorkflow | None:
    return session.scalars(
        select(RoutingWorkflow).where(RoutingWorkflow.active.is_(True))
        .order_by(RoutingWorkflow.created_at.desc(), RoutingWorkflow.id.desc())
    ).first()


def workflow_versions(session: Session, name: str) -> list[RoutingWorkflow]:
    return list(session.scalars(
        select(RoutingWorkflow).where(RoutingWorkflow.name == name).order_by(RoutingWorkflow.version.desc())
    ))


def latest_version(session: Session, name: str) -> int:
    return session.scalar(select(func.max(RoutingWorkflow.version)).where(RoutingWorkflow.name == name)) or 0


def deactivate_workflows(session: Session) -> None:
    session.execute(update(RoutingWorkflow).where(RoutingWorkflow.active.is_(True)).values(active=False))


def contact_by_id(session: Session, contact_id: int, *, for_update: bool = False) -> RoutingContact | None:
    query = select(RoutingContact).where(RoutingContact.id == contact_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def claim_routable(session: Session, *, now: datetime, limit: int = 500) -> list[RoutingContact]:
    """Queued contacts and callbacks whose time has come, locked for this dispatcher;
    rows another dispatcher holds are skipped, not waited for."""
    query = (
        select(RoutingContact)
        .where(or_(RoutingContact.state == "queued",
                   and_(RoutingContact.state == "scheduled", RoutingContact.not_before <= now)))
        .order_by(RoutingContact.priority.desc(), RoutingContact.arrived_at, RoutingContact.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def claim_expired_offers(session: Session, *, now: datetime) -> list[RoutingContact]:
    query = (
        select(RoutingContact)
        .where(RoutingContact.state == "offered", RoutingContact.offer_expires_at <= now)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def agent_loads(session: Session) -> tuple[dict[int, dict[str, int]], set[int]]:
    """Per agent, live contacts by channel; and the agents holding an unanswered offer."""
    rows = session.execute(
        select(RoutingContact.agent_id, RoutingContact.channel, RoutingContact.state, func.count())
        .where(RoutingContact.state.in_(LIVE_STATES), RoutingContact.agent_id.is_not(None))
        .group_by(RoutingContact.agent_id, RoutingContact.channel, RoutingContact.state)
    )
    loads: dict[int, dict[str, int]] = {}
    offered: set[int] = set()
    for agent_id, channel, state, count in rows:
        per = loads.setdefault(agent_id, {})
        per[channel] = per.get(channel, 0) + count
        if state == "offered":
            offered.add(agent_id)
    return loads, offered


def handled_since(session: Session, since: datetime, agent_ids: Sequence[int]) -> dict[int, int]:
    """Contacts each of these agents answered since `since` ("fewest contacts"): a range of
    ix_routing_contacts_agent_answered per agent, never the whole history."""
    if not agent_ids:
        return {}
    rows = session.execute(
        select(RoutingContact.agent_id, func.count())
        .where(RoutingContact.agent_id.in_(list(agent_ids)), RoutingContact.answered_at >= since)
        .group_by(RoutingContact.agent_id)
    )
    return {agent_id: count for agent_id, count in rows}


def last_ended(session: Session, agent_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these agents last finished a contact (handled, transferred or let go).

    One probe of ix_routing_contacts_agent_ended per agent (a correlated MAX both SQLite and
    PostgreSQL answer from the index end), so the cost follows the agents asked about, not
    the contacts ever handled: the dispatcher asks on every tick."""
    if not agent_ids:
        return {}
    latest = (
        select(func.max(RoutingContact.ended_at))
        .where(RoutingContact.agent_id == AgentProfile.id)
        .correlate(AgentProfile)
        .scalar_subquery()
    )
    rows = session.execute(select(AgentProfile.id, latest).where(AgentProfile.id.in_(list(agent_ids))))
    return {agent_id: at for agent_id, at in rows if at is not None}


def accept_offer(session: Session, contact_id: int, *, agent_id: int, offer_seq: int, now: datetime) -> bool:
    """Compare-and-set: true only for the one caller holding the current offer."""
    result = session.execute(
        update(RoutingContact)
        .where(RoutingContact.id == contact_id, RoutingContact.state == "offered",
               RoutingContact.agent_id == agent_id, RoutingContact.offer_seq == offer_seq)
        .values(state="assigned", answered_at=now, offer_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def waiting(session: Session, *, queue: str | None = None) -> list[RoutingContact]:
    query = select(RoutingContact).where(RoutingContact.state.in_(("queued", "scheduled", "offered")))
    if queue is not None:
        query = query.where(RoutingContact.queue_name == queue)
    return list(session.scalars(query.order_by(RoutingContact.priority.desc(), RoutingContact.arrived_at)))


def contacts_of_agent(session: Session, agent_id: int) -> list[RoutingContact]:
    return list(session.scalars(
        select(RoutingContact).where(RoutingContact.agent_id == agent_id, RoutingContact.state.in_(LIVE_STATES))
        .order_by(RoutingContact.id)
    ))


def callback_results(session: Session, contact_id: int) -> list[CallbackResultLog]:
    return list(session.scalars(
        select(CallbackResultLog).where(CallbackResultLog.contact_id == contact_id)
        .order_by(CallbackResultLog.at, CallbackResultLog.id)
    ))
