"""Database plumbing: declarative Base, UTC datetimes, engines and the unit of work."""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from kefu.core.sqlite_writer import BUSY_TIMEOUT_SECONDS, SqliteWriterLock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC in and out; naive datetimes are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        # SQLite has no time zone type; store naive UTC so string ordering stays correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime}


# A pooled connection unused this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0


def make_engine(url: str, *, ping_after_idle: float = PING_AFTER_IDLE_SECONDS, **kwargs: Any) -> Engine:
    """An engine tuned per dialect: SQLite gets WAL, foreign keys and write-intent
    transactions; a server database gets its pooled connections checked after a rest."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **kwargs)
    ping_when_idle(engine, ping_after_idle)
    return engine


def ping_when_idle(engine: Engine, seconds: float) -> None:
    """Pings a pooled connection before handing it out only if it rested `seconds` or more.

    pool_pre_ping pings on every checkout: a round trip per session, which for a ticket
    create on PostgreSQL was four (its sessions and the day's counter). A connection used
    moments ago is alive unless the server went down in between, and then the request
    fails once, as it would mid-transaction; one that rested (a restart while the centre
    was quiet, a firewall's idle timeout) is checked, and a dead one is replaced before
    anyone sees it (DisconnectionError makes the pool reconnect)."""

    @event.listens_for(engine, "checkin")
    def _rested_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested = time.monotonic() - record.info.get("checked_in", time.monotonic())
        if rested < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc


# Execution option marking a connection that only reads (make_read_sessionmaker).
READ_ONLY = "kefu_read_only"


def _configure_sqlite(engine: Engine) -> None:
    path = engine.url.database
    writer = SqliteWriterLock(os.path.abspath(path)) if path and path != ":memory:" else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN breaks SAVEPOINTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # A reader (make_read_sessionmaker): WAL gives it the last commit as a
            # snapshot without blocking or waiting for the writer.
            conn.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock up front: two writers queue on busy_timeout
        # instead of one failing with "database is locked" when it upgrades a read lock.
        if writer is None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        key = id(conn.connection.dbapi_connection)  # what _key() below finds
        writer.acquire(key)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release(key)
            raise

    if writer is None:
        return
    dialect = engine.dialect
    commit, rollback, close = dialect.do_commit, dialect.do_rollback, dialect.do_close

    def _key(connection: Any) -> int:
        # SQLAlchemy passes the pool's proxy here and there; key on the sqlite3 connection.
        return id(getattr(connection, "dbapi_connection", connection))

    # The dialect's commit/rollback run after SQLAlchemy's commit/rollback events, at the
    # moment SQLite actually releases its lock: hand ours over right then.
    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            writer.release(_key(dbapi_connection))

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            writer.release(_key(dbapi_connection))

    def do_close(dbapi_connection: Any) -> None:
        try:
            close(dbapi_connection)
        finally:
            writer.release(_key(dbapi_connection))

    dialect.do_commit, dialect.do_rollback, dialect.do_close = do_commit, do_rollback, do_close  # type: ignore[method-assign]


_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_AUTOCOMMIT_LOCK = threading.Lock()


def autocommit_engine(engine: Engine) -> Engine:
    """A small pool of autocommit connections to the same database, for a statement that
    must commit on its own at once (a counter other transactions wait on). Its own pool,
    because switching a pooled connection to autocommit and back costs two round trips
    per use; it is disposed of with `engine`."""
    with _AUTOCOMMIT_LOCK:
        found = _AUTOCOMMIT.get(engine)
        if found is None:
            found = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8)
            ping_when_idle(found, PING_AFTER_IDLE_SECONDS)
            _AUTOCOMMIT[engine] = found
            event.listen(engine, "engine_disposed", lambda _engine: found.dispose())
        return found


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that only reads. On SQLite every other transaction is a writer
    holding the one write lock from BEGIN to COMMIT; a reader's transaction begins
    DEFERRED and takes no lock, so reading (a customer record, a model's input, the
    response after a commit) does not make writers queue. Writing through one is a bug:
    SQLite would refuse the upgrade with "database is locked" when another writer got
    there first. On PostgreSQL it is an ordinary session."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The one place that commits: everything inside succeeds together or not at all."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def utcnow() -> datetime:
    return datetime.now(UTC)
