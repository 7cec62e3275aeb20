"""PostgreSQL connections in the pool: one that rested is checked before use, so a server
restart (or a firewall dropping idle connections) while the centre was quiet costs nobody
an error; one used moments ago is handed out without a round trip."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from kefu.core.db import make_engine
from tests.conftest import PG_URL, throwaway_pg_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set KEFU_TEST_DATABASE_URL")


def _kill_connections(url: str) -> None:
    """What a server restart does to the pool's connections."""
    database = url.rsplit("/", 1)[1]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = :database AND pid <> pg_backend_pid()"), {"database": database})
    admin.dispose()


def test_a_connection_that_rested_is_checked_and_replaced_when_the_server_dropped_it() -> None:
    with throwaway_pg_database() as url:
        engine = make_engine(url, ping_after_idle=0.2, pool_size=1)
        try:
            with engine.connect() as conn:
                before = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            _kill_connections(url)
            time.sleep(0.3)
            with engine.connect() as conn:  # no error: the dead connection was replaced
                after = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            assert after != before
        finally:
            engine.dispose()


def test_a_connection_used_moments_ago_is_not_pinged() -> None:
    with throwaway_pg_database() as url:
        engine = make_engine(url, ping_after_idle=60, pool_size=1)
        pings: list[object] = []
        ping = engine.dialect.do_ping
        engine.dialect.do_ping = lambda dbapi_connection: pings.append(dbapi_connection) or ping(dbapi_connection)  # type: ignore[method-assign]
        try:
            for _ in range(5):
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            assert pings == []
        finally:
            engine.dispose()
