"""The writes of opening a ticket (kefu.tickets.intake): the day's counter, idempotency
keys, and the ticket's first rows through Core — one statement per table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kefu.core.db import autocommit_engine
from kefu.tickets.models import IdempotencyKey, Ticket, TicketCounter, TicketEvent, TicketLink

# The dialects' INSERT … ON CONFLICT constructs are not cacheable in SQLAlchemy
# (inherit_cache = False): built that way, these two statements were compiled anew on
# every ticket, about a tenth of a create's CPU. The same SQL as text() is compiled once;
# SQLite and PostgreSQL share the syntax.
_COUNTERS = TicketCounter.__table__
_NEXT_SEQUENCE = text(
    f"INSERT INTO {_COUNTERS.name} (day, value) VALUES (:day, 1)"
    f" ON CONFLICT (day) DO UPDATE SET value = {_COUNTERS.name}.value + 1 RETURNING value"
).columns(_COUNTERS.c.value)


def next_sequence(session: Session, day: str) -> int:
    """Increments and returns the day's counter.

    On PostgreSQL, when the session is bound to the engine (every request, job and CLI
    command), the increment commits at once in its own short transaction: the day's row
    is then locked for one statement instead of until the whole ticket commits, so
    concurrent intakes do not queue behind each other. The price is a skipped number when
    the opening transaction fails later. A session bound to a caller's connection (tests,
    a caller holding its own transaction) increments inside that transaction. SQLite has
    a single writer anyway and always increments in the transaction."""
    bind = session.get_bind()
    dialect = bind.dialect.name
    if dialect == "postgresql" and isinstance(bind, Engine):
        with autocommit_engine(bind).connect() as conn:
            return int(conn.execute(_NEXT_SEQUENCE, {"day": day}).scalar_one())
    return int(session.execute(_NEXT_SEQUENCE, {"day": day}).scalar_one())


_KEYS = IdempotencyKey.__table__
_IDEMPOTENCY_KEY = select(_KEYS.c.request_hash, _KEYS.c.ticket_id).where(
    _KEYS.c.actor == bindparam("actor"), _KEYS.c.key == bindparam("key")
)
_ADD_KEY = text(
    f"INSERT INTO {_KEYS.name} (actor, key, request_hash, ticket_id, created_at)"
    " VALUES (:actor, :key, :request_hash, :ticket_id, :created_at)"
    " ON CONFLICT (actor, key) DO NOTHING RETURNING ticket_id"
).bindparams(bindparam("created_at", type_=_KEYS.c.created_at.type)).columns(_KEYS.c.ticket_id)


def idempotency_key(session: Session, actor: str, key: str) -> Row[tuple[str, int]] | None:
    """(request_hash, ticket_id) stored for the caller's key, or None."""
    return session.execute(_IDEMPOTENCY_KEY, {"actor": actor, "key": key}).first()


def add_idempotency_key(
    session: Session, *, actor: str, key: str, request_hash: str, ticket_id: int, created_at: datetime
) -> bool:
    """Stores the key; False when it is already there (on PostgreSQL, stored by a
    concurrent transaction, after waiting for that one to commit)."""
    values = {"actor": actor, "key": key, "request_hash": request_hash, "ticket_id": ticket_id,
              "created_at": created_at}
    return session.execute(_ADD_KEY, values).first() is not None


# The ticket's whole row is returned with its defaults (the answer is built from it).
_TICKETS, _EVENTS, _LINKS = Ticket.__table__, TicketEvent.__table__, TicketLink.__table__
_INSERT_TICKET = insert(_TICKETS).returning(*_TICKETS.c)
_INSERT_EVENTS = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
_INSERT_LINK = insert(_LINKS).returning(_LINKS.c.id)


def insert_ticket(session: Session, values: dict[str, Any]) -> Row[Any]:
    """Inserts a ticket row; returns it as stored (id, defaults and all)."""
    return session.execute(_INSERT_TICKET, values).one()


def insert_events(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Inserts history rows (all with the same keys); their ids, in order."""
    return list(session.scalars(_INSERT_EVENTS, rows))


def insert_link(session: Session, values: dict[str, Any]) -> int:
    return int(session.execute(_INSERT_LINK, values).scalar_one())
