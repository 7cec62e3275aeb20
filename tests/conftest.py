"""Test fixtures: a real database built by the migrations, each test in a rolled-back
transaction; SQLite always, PostgreSQL too when KEFU_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from kefu.app import create_app
from kefu.core.clock import FixedClock
from kefu.core.db import make_engine
from kefu.migrate import upgrade
from kefu.settings import Settings

PG_URL = os.environ.get("KEFU_TEST_DATABASE_URL", "")

# Saturday 2026-11-21 10:00 in Shanghai is 02:00 UTC; a fixed, known instant for every test.
FIXED_NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _fresh_pg_database(base_url: str) -> tuple[str, str]:
    """Creates a throw-away database on the server so runs never collide."""
    name = f"kefu_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}", name


def _drop_pg_database(base_url: str, name: str) -> None:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def throwaway_pg_database() -> Iterator[str]:
    """A PostgreSQL database of its own (dropped after), for tests that start other processes."""
    url, name = _fresh_pg_database(PG_URL)
    try:
        yield url
    finally:
        _drop_pg_database(PG_URL, name)


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'kefu-test.db'}"
        return
    url, name = _fresh_pg_database(PG_URL)
    try:
        yield url
    finally:
        _drop_pg_database(PG_URL, name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection whose outer transaction is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    try:
        yield connection
    finally:
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints, so everything vanishes after the test."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    db = session_factory()
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        instance_dir=str(tmp_path_factory.mktemp("instance")),
        run_worker=False,
        demo_mode=True,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session], clock: FixedClock) -> FastAPI:
    """The real ASGI app, its sessions inside the test's rolled-back transaction."""
    application = create_app(settings, clock=clock, engine=engine)
    application.state.sessionmaker = session_factory
    application.state.read_sessionmaker = session_factory
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def now(clock: FixedClock) -> datetime:
    return clock.now()
