"""Every query on the chat and CTI tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kefu.routing.chat_models import ChatCustomerSocket, ChatMessage, CtiCall
from kefu.routing.models import RoutingContact
from kefu.routing.state import CHANNEL_CLASS

CHAT_CHANNELS = tuple(c for c, cls in CHANNEL_CLASS.items() if cls == "chat")
ACTIVE = ("queued", "offered", "assigned")


def messages(session: Session, contact_id: int, *, after_id: int = 0) -> list[ChatMessage]:
    return list(session.scalars(
        select(ChatMessage).where(ChatMessage.contact_id == contact_id, ChatMessage.id > after_id)
        .order_by(ChatMessage.id)
    ))


def messages_of(session: Session, contact_ids: list[int], *, after_id: int = 0) -> list[ChatMessage]:
    if not contact_ids:
        return []
    return list(session.scalars(
        select(ChatMessage).where(ChatMessage.contact_id.in_(contact_ids), ChatMessage.id > after_id)
        .order_by(ChatMessage.id)
    ))


def latest_chat_of_subscriber(session: Session, subscriber_id: int) -> RoutingContact | None:
    return session.scalars(
        select(RoutingContact).where(RoutingContact.subscriber_id == subscriber_id,
                                     RoutingContact.channel.in_(CHAT_CHANNELS), RoutingContact.kind == "live")
        .order_by(RoutingContact.id.desc())
    ).first()


def chats_of_agent(session: Session, agent_id: int) -> list[RoutingContact]:
    return list(session.scalars(
        select(RoutingContact).where(RoutingContact.agent_id == agent_id, RoutingContact.state.in_(("offered", "assigned")),
                                     RoutingContact.channel.in_(CHAT_CHANNELS))
        .order_by(RoutingContact.id)
    ))


def call_by_id(session: Session, call_id: str, *, for_update: bool = False) -> CtiCall | None:
    query = select(CtiCall).where(CtiCall.call_id == call_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def active_chats(session: Session, *, lock: bool = False) -> list[RoutingContact]:
    query = (select(RoutingContact)
             .where(RoutingContact.kind == "live", RoutingContact.channel.in_(CHAT_CHANNELS),
                    RoutingContact.state.in_(ACTIVE))
             .order_by(RoutingContact.id))
    if lock:  # two workers scanning at once each take different chats
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def last_said(session: Session, contact_ids: list[int]) -> dict[tuple[int, str], datetime]:
    """The time of the last customer and agent line of each chat."""
    if not contact_ids:
        return {}
    rows = session.execute(
        select(ChatMessage.contact_id, ChatMessage.sender, func.max(ChatMessage.created_at))
        .where(ChatMessage.contact_id.in_(contact_ids), ChatMessage.sender.in_(("customer", "agent")),
               ChatMessage.origin == "chat")
        .group_by(ChatMessage.contact_id, ChatMessage.sender)
    )
    return {(cid, sender): at for cid, sender, at in rows}


def ended_chats_of_agent(session: Session, agent_id: int, *, since: datetime) -> list[RoutingContact]:
    return list(session.scalars(
        select(RoutingContact).where(RoutingContact.agent_id == agent_id, RoutingContact.channel.in_(CHAT_CHANNELS),
                                     RoutingContact.state.in_(("ended", "abandoned")), RoutingContact.ended_at >= since)
        .order_by(RoutingContact.id)
    ))


def chats_between(session: Session, *, since: datetime, until: datetime) -> list[tuple[str, str | None, bool]]:
    """(state, outcome, was answered) of the chats that arrived in the window."""
    rows = session.execute(
        select(RoutingContact.state, RoutingContact.outcome, RoutingContact.answered_at.is_not(None))
        .where(RoutingContact.kind == "live", RoutingContact.channel.in_(CHAT_CHANNELS),
               RoutingContact.arrived_at >= since, RoutingContact.arrived_at < until)
    )
    return [(s, o, bool(a)) for s, o, a in rows]


def recently_ended(session: Session, *, since: datetime, limit: int = 20) -> list[RoutingContact]:
    return list(session.scalars(
        select(RoutingContact).where(RoutingContact.kind == "live", RoutingContact.channel.in_(CHAT_CHANNELS),
                                     RoutingContact.state.in_(("ended", "abandoned")), RoutingContact.ended_at >= since)
        .order_by(RoutingContact.ended_at.desc(), RoutingContact.id.desc()).limit(limit)
    ))


def customer_sockets(session: Session, contact_ids: list[int]) -> dict[int, datetime]:
    """When a customer socket of each chat last beat (chats with one open)."""
    if not contact_ids:
        return {}
    rows = session.execute(select(ChatCustomerSocket.contact_id, ChatCustomerSocket.seen_at)
                           .where(ChatCustomerSocket.contact_id.in_(contact_ids)))
    return {contact_id: seen_at for contact_id, seen_at in rows}


def forget_customer_socket(session: Session, contact_id: int) -> None:
    session.execute(delete(ChatCustomerSocket).where(ChatCustomerSocket.contact_id == contact_id))


def forget_sockets_of_closed_chats(session: Session) -> int:
    """Beats of chats that have ended: nobody waits for them any more."""
    # Driven by the few socket rows, never by the contacts table.
    closed = (select(ChatCustomerSocket.contact_id)
              .join(RoutingContact, RoutingContact.id == ChatCustomerSocket.contact_id)
              .where(RoutingContact.state.not_in(ACTIVE)))
    result = session.execute(delete(ChatCustomerSocket).where(ChatCustomerSocket.contact_id.in_(closed))
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0
