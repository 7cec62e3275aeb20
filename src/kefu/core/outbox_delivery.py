"""Delivery of outbox events to their handlers (used by the worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.db import unit_of_work
from kefu.core.events import Event, OutboxDelivery, OutboxEntry

log = logging.getLogger(__name__)

Handler = Callable[[Session, Event, datetime], None]
HandlerMap = dict[type[Event], list[Handler]]

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(minutes=30)


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def claim_batch(session: Session, *, worker_id: str, now: datetime, limit: int = 100) -> list[int]:
    """Leases up to `limit` pending entries to this worker; another worker skips them."""
    pending = (
        select(OutboxEntry.id)
        .where(
            OutboxEntry.delivered_at.is_(None),
            OutboxEntry.available_at <= now,
            or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now),
        )
        .order_by(OutboxEntry.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pending = pending.with_for_update(skip_locked=True)
    ids = list(session.scalars(pending))
    if not ids:
        return []
    session.execute(
        update(OutboxEntry)
        .where(
            and_(
                OutboxEntry.id.in_(ids),
                or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now),
            )
        )
        .values(claimed_by=worker_id, claimed_until=now + LEASE)
    )
    session.flush()
    return list(
        session.scalars(
            select(OutboxEntry.id).where(OutboxEntry.id.in_(ids), OutboxEntry.claimed_by == worker_id)
        )
    )


def deliver_pending(
    factory: sessionmaker[Session],
    handlers: HandlerMap,
    *,
    worker_id: str,
    now: Callable[[], datetime],
    limit: int = 100,
) -> int:
    """Delivers one batch; returns how many entries were fully delivered."""
    with unit_of_work(factory) as session:
        ids = claim_batch(session, worker_id=worker_id, now=now(), limit=limit)
    delivered = 0
    for entry_id in ids:
        if _deliver_one(factory, handlers, entry_id, now=now):
            delivered += 1
    return delivered


def _deliver_one(
    factory: sessionmaker[Session], handlers: HandlerMap, entry_id: int, *, now: Callable[[], datetime]
) -> bool:
    with factory() as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None or entry.delivered_at is not None:
            return False
        event = Event.from_payload(entry.event_type, entry.payload)
        done = set(
            session.scalars(select(OutboxDelivery.handler).where(OutboxDelivery.outbox_id == entry_id))
        )
    error: str | None = None
    for handler in handlers.get(type(event), []):
        name = handler_name(handler)
        if name in done:
            continue
        try:
            with unit_of_work(factory) as session:
                handler(session, event, now())
                session.add(OutboxDelivery(outbox_id=entry_id, handler=name, delivered_at=now()))
        except Exception as exc:  # a failing handler must not stop the others; it is retried
            log.exception("handler %s failed on outbox entry %s", name, entry_id)
            error = f"{name}: {exc}"
    with unit_of_work(factory) as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        entry.attempts += 1
        entry.claimed_by = None
        entry.claimed_until = None
        if error is None:
            entry.delivered_at = now()
            entry.last_error = None
            return True
        entry.last_error = error[:2000]
        entry.available_at = now() + min(timedelta(seconds=2**entry.attempts), MAX_BACKOFF)
        return False
