"""Routing tables: queues and workflows as versioned data, and the durable contact queue
(live contacts and callback appointments) that survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class RoutingQueue(Base):
    __tablename__ = "routing_queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    expression: Mapped[str] = mapped_column(String(500))
    strategy: Mapped[str] = mapped_column(String(20), default="longest_idle")
    skill: Mapped[str | None] = mapped_column(String(40))
    group_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RoutingWorkflow(Base):
    """Each save is a new version; the newest active version routes."""

    __tablename__ = "routing_workflows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("name", "version", name="uq_routing_workflows_name_version"),)


class RoutingContact(Base):
    """One interaction waiting for, offered to or handled by an agent — or a callback
    appointment (kind = callback). State: scheduled → queued → offered → assigned → ended
    (or abandoned)."""

    __tablename__ = "routing_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="live")  # live | callback
    channel: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    subscriber_id: Mapped[int | None] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(default=0)
    # Where the workflow has it: "direct:<queue>" for transfers and callbacks.
    route: Mapped[str | None] = mapped_column(String(80))
    step: Mapped[int] = mapped_column(default=0)
    step_started_at: Mapped[datetime | None]
    queue_name: Mapped[str | None] = mapped_column(String(60))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent_profiles.id"))
    # Bumped on every offer: an accept must name the current one, so it can win only once.
    offer_seq: Mapped[int] = mapped_column(default=0)
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    declined_by: Mapped[list[int]] = mapped_column(JSON, default=list)
    arrived_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # Callback appointments.
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("routing_contacts.id"))
    callback_number: Mapped[str | None] = mapped_column(String(20))
    not_before: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(12))

    __table_args__ = (
        Index("ix_routing_contacts_state", "state", "priority", "arrived_at"),
        Index("ix_routing_contacts_agent_state", "agent_id", "state"),
        # The dispatcher's "longest idle" and "fewest contacts" of the agents it may offer to:
        # a probe or a short range per agent, whatever the history (see repository).
        Index("ix_routing_contacts_agent_ended", "agent_id", "ended_at"),
        Index("ix_routing_contacts_agent_answered", "agent_id", "answered_at"),
    )


class CallbackResultLog(Base):
    """Append-only results of callback attempts: reached, no_answer, retried, done."""

    __tablename__ = "routing_callback_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("routing_contacts.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
