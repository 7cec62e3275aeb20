"""Durability with real worker processes: a worker killed mid-scan and restarted, and two
workers on one PostgreSQL, against 10,000 clocks that are all due."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.outbound import OutboundMessage
from kefu.migrate import upgrade
from kefu.sla.models import SlaClock, SlaEscalation, SlaResult
from tests.conftest import throwaway_pg_database
from tests.factories.identity import create_staff
from tests.factories.sla import seed_due_clocks

PG_URL = os.environ.get("KEFU_TEST_DATABASE_URL", "")
SCRIPT = Path(__file__).with_name("scan_worker.py")
ROOT = Path(__file__).resolve().parents[2]
CLOCKS = 10_000
STARTED = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
SCAN_AT = STARTED + timedelta(minutes=16)  # every clock breached a minute ago; level 2 is hours away


def _prepare(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory() as session:
        create_staff(session, username="lead.billing", roles=("supervisor",), department="billing", now=STARTED)
        seed_due_clocks(session, CLOCKS, started=STARTED)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def worker_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    if request.param == "sqlite" and "two_workers" in request.node.name:
        pytest.skip("SQLite runs one worker thread; concurrent workers are a PostgreSQL deployment")
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL worker test: set KEFU_TEST_DATABASE_URL to run it")
        database = throwaway_pg_database()
    else:
        database = nullcontext(f"sqlite:///{tmp_path / 'worker.db'}")
    with database as url:
        engine = _prepare(url)
        try:
            yield url, engine
        finally:
            engine.dispose()


def _worker(url: str, log: Path, batch: int = 500) -> subprocess.Popen[str]:
    # stderr to a file: a full pipe would block the worker while it holds the write lock.
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), url, SCAN_AT.isoformat(), str(batch)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("a"), text=True,
    )


def _reader(url: str) -> Engine:
    """A plain engine for counting: no IMMEDIATE transaction, so it never waits on the worker."""
    return create_engine(url)


def _count(engine: Engine, query) -> int:
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _assert_every_breach_escalated_exactly_once(engine: Engine) -> None:
    assert _count(engine, select(func.count(SlaEscalation.id)).where(SlaEscalation.level == 1)) == CLOCKS
    assert _count(engine, select(func.count(SlaEscalation.id))) == CLOCKS
    # Messages have no unique key: a step done twice would name its ticket in a second message
    # (a batch's steps for one recipient arrive as one digest, a line per ticket).
    with engine.connect() as conn:
        bodies = conn.execute(select(OutboundMessage.body)).scalars().all()
    named = Counter(int(m) for body in bodies for m in re.findall(r"^工单 (\d+) ", body, flags=re.M))
    assert len(named) == CLOCKS and set(named.values()) == {1}
    assert _count(engine, select(func.count(SlaResult.id)).where(SlaResult.result == "breached")) == CLOCKS
    assert _count(engine, select(func.count(SlaClock.id)).where(
        SlaClock.state == "breached", SlaClock.escalation_level == 1, SlaClock.next_check_at > SCAN_AT)) == CLOCKS


@pytest.mark.slow
def test_a_worker_killed_mid_scan_loses_no_breach_and_repeats_none(worker_db, tmp_path):
    url, _ = worker_db
    engine = _reader(url)
    log = tmp_path / "worker.log"
    worker = _worker(url, log)
    deadline = time.monotonic() + 60
    while _count(engine, select(func.count(SlaEscalation.id))) < 1000:
        assert worker.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    done_when_killed = _count(engine, select(func.count(SlaEscalation.id)))
    assert 0 < done_when_killed < CLOCKS, "the worker must be killed in the middle of the backlog"

    restarted = _worker(url, log)
    restarted.communicate(timeout=300)
    assert restarted.returncode == 0, log.read_text()[-3000:]
    _assert_every_breach_escalated_exactly_once(engine)


@pytest.mark.slow
def test_two_workers_on_postgresql_never_handle_a_clock_twice(worker_db, tmp_path):
    url, _ = worker_db
    engine = _reader(url)
    log = tmp_path / "workers.log"
    workers = [_worker(url, log, batch=200), _worker(url, log, batch=200)]
    handled = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, log.read_text()[-3000:]
        handled.append(int(out.strip().splitlines()[-1].split()[-1]))
    assert sum(handled) == CLOCKS, handled
    assert all(n > 0 for n in handled), f"both workers should have taken a share: {handled}"
    _assert_every_breach_escalated_exactly_once(engine)
