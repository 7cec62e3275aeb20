"""Robot tables: one row per conversation, one per turn (customer or robot)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.core.db import Base


class Conversation(Base):
    __tablename__ = "robot_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # app | wechat | web | portal
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id"))
    # Who started it ("subscriber:12", or a staff user testing the robot): only they read it.
    started_by: Mapped[str] = mapped_column(String(100))
    # Multi-turn slots: {"task": "fault", "slots": {...}, "asking": "since", "failures": 0}
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|handed_over|resolved|abandoned
    ticket_id: Mapped[int | None] = mapped_column(Integer)  # the hand-over ticket
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    turns: Mapped[list[Turn]] = relationship(back_populates="conversation", lazy="raise", order_by="Turn.id")

    __table_args__ = (
        Index("ix_robot_conversations_subscriber", "subscriber_id", "created_at"),
        Index("ix_robot_conversations_created", "created_at"),
    )


class Turn(Base):
    __tablename__ = "robot_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("robot_conversations.id", ondelete="CASCADE"))
    speaker: Mapped[str] = mapped_column(String(10))  # customer | robot
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="")  # the robot reply's type
    intent: Mapped[str] = mapped_column(String(20), default="")
    article_id: Mapped[int | None] = mapped_column(Integer)
    search_id: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # candidates, actions
    feedback: Mapped[str | None] = mapped_column(String(4))  # up | down
    feedback_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    conversation: Mapped[Conversation] = relationship(back_populates="turns", lazy="raise")

    __table_args__ = (Index("ix_robot_turns_conversation", "conversation_id", "id"),)


class Correction(Base):
    """An agent's review of one robot answer: right, or wrong with the article that fits
    (none: a gap in the knowledge base for editors). One per answer; a re-review replaces it."""

    __tablename__ = "robot_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("robot_turns.id", ondelete="CASCADE"), unique=True)
    conversation_id: Mapped[int] = mapped_column(Integer, index=True)
    verdict: Mapped[str] = mapped_column(String(8))  # right | wrong
    question: Mapped[str] = mapped_column(Text)  # the customer's question the answer was for
    answered_article_id: Mapped[int | None] = mapped_column(Integer)
    right_article_id: Mapped[int | None] = mapped_column(Integer)
    gap: Mapped[bool] = mapped_column(default=False)  # wrong and no article fits
    note: Mapped[str | None] = mapped_column(String(500))
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]

    __table_args__ = (Index("ix_robot_corrections_at", "at"),)
