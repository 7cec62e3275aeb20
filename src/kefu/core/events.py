"""Domain events and the transactional outbox.

An event is a past-tense frozen dataclass carrying ids and times. `record` writes it to
the outbox in the caller's transaction; the worker delivers it after commit, each
handler in its own unit of work, at least once (handlers are idempotent).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from pydantic import TypeAdapter
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.core.db import Base


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of all events. Subclasses are frozen dataclasses registered by class name."""

    registry: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.event_name()
        if name in Event.registry and Event.registry[name] is not cls:
            raise TypeError(f"event name {name} is defined twice")
        Event.registry[name] = cls

    @classmethod
    def event_name(cls) -> str:
        return cls.__name__

    def to_payload(self) -> dict[str, Any]:
        return _adapter(type(self)).dump_python(self, mode="json")

    @staticmethod
    def from_payload(name: str, payload: dict[str, Any]) -> Event:
        cls = Event.registry.get(name)
        if cls is None:
            raise LookupError(f"unknown event type {name}")
        return _adapter(cls).validate_python(payload)


@cache
def _adapter(cls: type[Event]) -> TypeAdapter[Any]:
    # Building a TypeAdapter costs about a millisecond; every write path records events.
    return TypeAdapter(cls)


class OutboxEntry(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "available_at"),)


class OutboxDelivery(Base):
    """One row per (event, handler) done, so a retry skips the handlers that succeeded."""

    __tablename__ = "outbox_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    handler: Mapped[str] = mapped_column(String(200))
    delivered_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("outbox_id", "handler"),)


def record(session: Session, event: Event, *, now: datetime) -> None:
    """Adds the event to the outbox in the current transaction."""
    session.add(OutboxEntry(**_row(event, now)))


def record_all(session: Session, events: Iterable[Event], *, now: datetime) -> None:
    """Adds several events to the outbox in one INSERT, at once (not at the next flush):
    for write paths that insert their own rows without the ORM's unit of work."""
    rows = [_row(event, now) for event in events]
    if rows:
        session.execute(insert(OutboxEntry.__table__), rows)


def _row(event: Event, now: datetime) -> dict[str, Any]:
    return {"event_type": event.event_name(), "payload": event.to_payload(), "created_at": now, "available_at": now}
