"""Three dispatcher processes on one PostgreSQL, each with its own engine cache: every
contact is offered once and assigned once, no agent holds more than its capacity, and a
voice call is never given to an agent busy with chats (or the reverse)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kefu.agents import service as agents
from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.routing import service
from kefu.routing.models import RoutingContact
from tests.conftest import throwaway_pg_database
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre

PG_URL = os.environ.get("KEFU_TEST_DATABASE_URL", "")
SCRIPT = Path(__file__).with_name("dispatch_worker.py")
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AGENTS, CALLS, CHATS = 12, 40, 40

pytestmark = pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="several dispatcher processes need PostgreSQL")


@pytest.fixture
def pg_url():
    with throwaway_pg_database() as url:
        yield url


def test_three_dispatcher_processes_never_double_offer_nor_overload(pg_url):
    engine = make_engine(pg_url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        create_centre(session, now=NOW)
        for _ in range(AGENTS):
            agent = create_agent(session, now=NOW, skills="gsm:2", chat=2)
            agents.change_presence(session, agent, to="signed_in", now=NOW)
            agents.change_presence(session, agent, to="ready", now=NOW)
        session.commit()
        for i in range(CALLS + CHATS):
            session.add(RoutingContact(
                kind="live", channel="voice" if i % 2 else "wechat", state="queued",
                attrs={"channel": "voice" if i % 2 else "wechat"}, context={}, priority=0, step=0,
                step_started_at=NOW, queue_name="front", declined_by=[], arrived_at=NOW + timedelta(seconds=i),
            ))
        session.commit()
    workers = [subprocess.Popen([sys.executable, str(SCRIPT), pg_url, (NOW + timedelta(minutes=1)).isoformat(), "6"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err[-2000:] for _, err in outputs]
    with make_sessionmaker(engine)() as session:
        rows = list(session.scalars(select(RoutingContact).where(RoutingContact.agent_id.is_not(None))))
        assert len(rows) >= AGENTS, "the dispatchers offered too little"
        assert all(r.offer_seq == 1 for r in rows)  # offered once: no expiry or decline was in play
        by_agent: dict[int, Counter[str]] = {}
        for r in rows:
            by_agent.setdefault(r.agent_id, Counter())[r.channel] += 1
        for agent_id, load in by_agent.items():
            assert load["voice"] <= 1 and load["wechat"] <= 2, (agent_id, load)
            assert not (load["voice"] and load["wechat"]), (agent_id, load)  # a call is exclusive
        accepted = sum(int(out.split()[-1]) for out, _ in outputs)
        assert accepted == sum(1 for r in rows if r.state == "assigned")
        # Every agent is busy to capacity, and what is left still waits, once each.
        assert len(rows) + len(service.waiting(session)) == CALLS + CHATS
    engine.dispose()
