"""Periodic job of the robot: conversations left open and idle are abandoned."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.robot import repository

IDLE_MINUTES = 30


def abandon_idle(session: Session, now: datetime, *, idle_minutes: int = IDLE_MINUTES) -> int:
    """Marks open conversations without a message for `idle_minutes` abandoned (the
    customer left without a human; they count as served by self-service). Idempotent."""
    count = 0
    for conversation in repository.idle_open(session, before=now - timedelta(minutes=idle_minutes)):
        conversation.status, conversation.closed_at = "abandoned", now
        count += 1
    session.flush()
    return count
