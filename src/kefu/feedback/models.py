"""The satisfaction rating table: one rating per ticket."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class SatisfactionRating(Base):
    """A customer's rating of how their ticket was handled (1 非常不满意 … 5 非常满意).

    ticket_id and subscriber_id are plain numbers, not foreign keys: tickets and
    customers belong to other domains, read through their services."""

    __tablename__ = "satisfaction_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer, unique=True)
    subscriber_id: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(400), default="")
    channel: Mapped[str] = mapped_column(String(20))  # web | app | sms | hotline (return visit) …
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
        Index("ix_satisfaction_ratings_created", "created_at"),
        Index("ix_satisfaction_ratings_subscriber", "subscriber_id", "created_at"),
    )
