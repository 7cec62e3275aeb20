"""Tables of the TMF621 notification hub: who listens, and each notification owed to a listener."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class HubSubscription(Base):
    """A listener registered through POST /hub: its callback URL and TMF query."""

    __tablename__ = "tmf_hub_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback: Mapped[str] = mapped_column(String(1000))
    query: Mapped[str] = mapped_column(String(1000), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class HubNotification(Base):
    """One event body owed to one listener; the outbox retries its delivery until it is done.

    `event_key` names the ticket event it comes from, so a redelivered event adds nothing."""

    __tablename__ = "tmf_hub_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("tmf_hub_subscriptions.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(60))
    ticket_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    response_status: Mapped[int | None]

    __table_args__ = (
        UniqueConstraint("subscription_id", "event_key"),
        Index("ix_tmf_hub_notifications_ticket", "ticket_id", "id"),
    )
