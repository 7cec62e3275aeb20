"""Missed chat offers: a chat that rings out goes to the next agent, and the agent who let
it ring goes on a break only after `missed_offers_before_break` misses in a row (a chat
customer does not hear it ring; one glance away should not take a seat out of service)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.routing import chat_settings
from kefu.routing.chat_models import ChatOfferStreak


def _streak(session: Session, agent_id: int) -> ChatOfferStreak:
    row = session.get(ChatOfferStreak, agent_id, with_for_update=True)
    if row is None:
        row = ChatOfferStreak(agent_id=agent_id, missed_in_row=0)
        session.add(row)
    return row


def missed(session: Session, agent_id: int, *, now: datetime) -> bool:
    """Counts a rung-out chat offer; True when the streak has reached the break limit
    (the streak then starts again, so the agent back from the break gets the full allowance)."""
    limit = chat_settings.current(session).missed_offers_before_break
    row = _streak(session, agent_id)
    row.missed_in_row, row.last_missed_at = (row.missed_in_row or 0) + 1, now
    if row.missed_in_row >= limit:
        row.missed_in_row = 0
        session.flush()
        return True
    session.flush()
    return False


def missed_in_row(session: Session, agent_id: int) -> int:
    row = session.get(ChatOfferStreak, agent_id)
    return row.missed_in_row if row is not None else 0


def taken(session: Session, agent_id: int) -> None:
    """The agent took a chat: the streak is broken."""
    row = session.get(ChatOfferStreak, agent_id)
    if row is not None and row.missed_in_row:
        row.missed_in_row = 0
        session.flush()
