"""Bulk writing of the demo rows: the one place the demo talks to the database directly.

Rows are plain tuples in build.COLUMNS order with ids already assigned, dates as ISO
strings and timestamps formatted for the dialect, so the driver does no conversion:
SQLite gets one DBAPI executemany per table, PostgreSQL one COPY per table (several
times faster than INSERT there). Both run on the caller's connection, inside its
transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from kefu.customers.models import (
    Account,
    Bill,
    BillLine,
    Payment,
    Product,
    ServiceProvider,
    Subscriber,
    Subscription,
    UsageMonth,
)
from kefu.demo.build import COLUMNS, postgres_timestamp, sqlite_timestamp

TABLES = {
    model.__tablename__: model.__table__
    for model in (ServiceProvider, Product, Account, Subscriber, Subscription, UsageMonth, Bill, BillLine, Payment)
}


def timestamp_format(conn: Connection) -> Callable[[datetime], str]:
    return postgres_timestamp if conn.dialect.name == "postgresql" else sqlite_timestamp


def has_operator_data(conn: Connection) -> bool:
    """True when subscribers or a catalogue are already there (demo data goes only into an empty one)."""
    for name in ("subscribers", "products"):
        if conn.execute(select(TABLES[name].c.id).limit(1)).first() is not None:
            return True
    return False


def first_free_ids(conn: Connection) -> dict[str, int]:
    return {
        name: (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1 for name, table in TABLES.items()
    }


def write_catalogue(conn: Connection, service_providers: list[dict[str, object]],
                    products: list[dict[str, object]]) -> None:
    # A few dozen rows: Core inserts, the types convert the values.
    conn.execute(insert(TABLES["service_providers"]), service_providers)
    conn.execute(insert(TABLES["products"]), products)


def write_rows(conn: Connection, rows: dict[str, list[tuple[object, ...]]],
               columns: dict[str, tuple[str, ...]] = COLUMNS) -> None:
    """Writes `rows` table by table in the order of `columns` (parents first)."""
    if conn.dialect.name == "sqlite":
        # A chunk dirties tens of MB of index pages; the 2 MB default cache spills them mid-transaction.
        conn.exec_driver_sql("PRAGMA cache_size=-65536")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")  # a lost chunk is regenerated, not lost data
        if conn.exec_driver_sql("SHOW is_superuser").scalar() == "on":
            # Foreign-key triggers halve COPY's speed. The rows are consistent by construction
            # (ids assigned here; the SQLite path and the tests check every key), so a superuser
            # loads them the way pg_restore --disable-triggers does, for this transaction only.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    for name in columns:
        if rows.get(name):
            _write(conn, name, columns[name], rows[name])


def _write(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple[object, ...]]) -> None:
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
    else:
        raise RuntimeError(f"kefu demo writes to SQLite or PostgreSQL, not {conn.dialect.name}")


def after_explicit_ids(conn: Connection, tables: Sequence[str] = tuple(TABLES)) -> None:
    """PostgreSQL sequences do not see explicit ids: move them past the rows written."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {name}), 1))"
        )
