"""Several dispatchers at once on PostgreSQL: a contact is never offered or assigned
twice and no agent gets more than its capacity (FOR UPDATE SKIP LOCKED + compare-and-set).

These tests commit for real (threads need their own connections), so they clean up
every row of the routing and agent tables afterwards. PostgreSQL only."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.models import AgentGroup, AgentGroupMember, AgentProfile, AgentSkill, PresenceLog
from kefu.core.events import OutboxEntry
from kefu.routing import service
from kefu.routing.errors import OfferNoLongerValid
from kefu.routing.models import CallbackResultLog, RoutingContact, RoutingQueue, RoutingWorkflow
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre


@pytest.fixture
def committed(engine, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED concurrency needs PostgreSQL")
    yield engine
    with Session(engine) as session:
        for model in (CallbackResultLog, RoutingContact, RoutingWorkflow, RoutingQueue, PresenceLog,
                      AgentGroupMember, AgentSkill, AgentProfile, AgentGroup):
            session.execute(delete(model))
        session.execute(delete(OutboxEntry).where(OutboxEntry.event_type.in_(
            ["AgentPresenceChanged", "ContactOffered", "ContactAssigned", "ContactEnded"])))
        session.commit()


def _run_together(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def test_parallel_dispatchers_never_offer_a_contact_twice_nor_beyond_capacity(committed, now):
    with Session(committed) as session:
        create_centre(session, now=now)
        for i in range(60):
            service.receive_contact(session, channel="voice", now=now + timedelta(seconds=i))
        agent_ids = []
        for _ in range(20):
            agent = create_agent(session, now=now)
            agents.change_presence(session, agent, to="signed_in", now=now)
            agents.change_presence(session, agent, to="ready", now=now)
            agent_ids.append(agent.id)
        session.commit()

    def dispatch(_i: int) -> list[tuple[int, int]]:
        with Session(committed) as s:
            offered = [(c.id, c.agent_id) for c in service.dispatch(s, now=now + timedelta(minutes=2))]
            s.commit()
            return offered

    for _round in range(3):
        _run_together(4, dispatch)
    with Session(committed) as session:
        rows = session.query(RoutingContact).filter(RoutingContact.state == "offered").all()
        per_agent = Counter(r.agent_id for r in rows)
        assert rows and max(per_agent.values()) == 1  # voice capacity 1
        assert len(rows) == len({r.id for r in rows}) <= 20
        offer = rows[0]
        contact_id, agent_id, seq = offer.id, offer.agent_id, offer.offer_seq

    def accept(_i: int) -> str:
        with Session(committed) as s:
            try:
                service.accept(s, contact_id, agent=agents.get_agent(s, agent_id), offer_seq=seq,
                               now=now + timedelta(minutes=3))
                s.commit()
                return "won"
            except OfferNoLongerValid:
                s.rollback()
                return "lost"

    assert sorted(_run_together(4, accept)) == ["lost", "lost", "lost", "won"]


def test_contacts_arriving_in_parallel_never_push_an_agent_beyond_capacity(committed, now):
    with Session(committed) as session:
        create_centre(session, now=now)
        for _ in range(6):
            agent = create_agent(session, now=now)
            agents.change_presence(session, agent, to="signed_in", now=now)
            agents.change_presence(session, agent, to="ready", now=now)
        session.commit()

    def arrive(i: int) -> int:
        offered = 0
        for j in range(5):
            with Session(committed) as s:
                contact = service.receive_contact(s, channel="voice", now=now + timedelta(seconds=i * 10 + j))
                offered += contact.state == "offered"
                s.commit()
        return offered

    _run_together(8, arrive)
    with Session(committed) as session:
        rows = session.query(RoutingContact).filter(RoutingContact.state == "offered").all()
        per_agent = Counter(r.agent_id for r in rows)
        assert len(rows) == 6 and set(per_agent.values()) == {1}
        assert session.query(RoutingContact).filter(RoutingContact.state == "queued").count() == 40 - 6
