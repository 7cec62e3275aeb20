"""Longest idle first (C5 queue strategies), on the durable queue: the chat goes to the
agent whose last conversation ended longest ago, whatever they handled before; and the
dispatcher finds that end from an index, so its tick does not slow as the history grows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from kefu.routing import chat, repository
from kefu.routing.models import RoutingContact
from kefu.routing.state import AgentState, could_take
from tests.factories.agents import create_agent
from tests.factories.customers import create_subscriber
from tests.factories.routing import create_centre
from tests.routing.test_chat import _agent_principal

M = timedelta(minutes=1)


def _history(session, agent, *, contacts: int, before):
    """Chats the agent handled on earlier days."""
    session.execute(insert(RoutingContact), [
        {"kind": "live", "channel": "web", "state": "ended", "attrs": {}, "context": {}, "priority": 0,
         "queue_name": "front", "agent_id": agent.id, "declined_by": [], "offer_seq": 1, "outcome": "handled",
         "arrived_at": before - timedelta(hours=i + 1), "answered_at": before - timedelta(hours=i + 1),
         "ended_at": before - timedelta(hours=i, minutes=30)}
        for i in range(contacts)
    ])


def _take_chats(session, now, subscribers, agents):
    """Each chat is taken by the agent it is offered to; the chats of each agent."""
    taken = {a.id: [] for a in agents}
    for subscriber in subscribers:
        row = chat.start_chat(session, subscriber_id=subscriber.id, now=now)
        assert row.state == "offered"
        agent = next(a for a in agents if a.id == row.agent_id)
        chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
        taken[agent.id].append(row)
    return taken


@pytest.mark.parametrize("finished_first", ["李娜", "王强"])
def test_the_next_chat_goes_to_the_agent_whose_last_chat_ended_longest_ago(session, now, finished_first):
    create_centre(session, now=now)
    li = create_agent(session, now=now, ready=True, chat=2, name="李娜")
    wang = create_agent(session, now=now, ready=True, chat=2, name="王强")
    # A long history of either does not count, only when their last chat ended.
    _history(session, li, contacts=300, before=now - timedelta(days=1))
    _history(session, wang, contacts=30, before=now - timedelta(days=2))
    subscribers = [create_subscriber(session, number=f"1390000200{i}", name=f"客户{i}") for i in range(5)]
    taken = _take_chats(session, now, subscribers[:4], [li, wang])
    assert sorted(len(rows) for rows in taken.values()) == [2, 2]  # both talking, no free slot

    first, second = (li, wang) if finished_first == "李娜" else (wang, li)
    chat.end_by_agent(session, taken[first.id][0].id, agent=first, by=_agent_principal(first), now=now + M)
    chat.end_by_agent(session, taken[second.id][0].id, agent=second, by=_agent_principal(second), now=now + 4 * M)
    assert (first.presence, second.presence) == ("talking", "talking")  # one chat left each

    waiting = chat.start_chat(session, subscriber_id=subscribers[4].id, now=now + 5 * M)
    assert waiting.state == "offered" and waiting.agent_id == first.id


def test_the_dispatcher_reads_an_agents_last_end_and_handled_count_only_for_the_agents_asked(session, now):
    create_centre(session, now=now)
    asked, other = create_agent(session, now=now), create_agent(session, now=now)
    _history(session, asked, contacts=3, before=now)
    _history(session, other, contacts=3, before=now)
    assert repository.last_ended(session, [asked.id]) == {asked.id: now - timedelta(minutes=30)}
    assert repository.handled_since(session, now - timedelta(hours=2), [asked.id]) == {asked.id: 2}
    assert repository.last_ended(session, []) == {} and repository.handled_since(session, now, []) == {}


def test_an_agents_last_end_is_one_index_probe_not_a_scan_of_every_handled_contact(session):
    if session.bind.dialect.name != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    compiled = _sql(session, repository.last_ended, [1, 2])
    plan = " | ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_routing_contacts_agent_ended" in plan and "SCAN routing_contacts" not in plan, plan


def _sql(session, lookup, ids):
    """The statement `lookup` runs, with its parameters inlined (captured, not executed)."""
    seen = []
    real = session.execute

    def capture(statement, *args, **kwargs):
        seen.append(statement)
        return real(statement, *args, **kwargs)

    session.execute = capture
    try:
        lookup(session, ids)
    finally:
        del session.execute
    return str(seen[0].compile(session.bind, compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize(("load", "capacity"), [
    ({}, {"voice": 1, "chat": 3, "email": 5}),
    ({"voice": 1}, {"voice": 1, "chat": 3, "email": 5}),
    ({"chat": 1}, {"voice": 1, "chat": 3, "email": 5}),
    ({"chat": 3}, {"voice": 1, "chat": 3, "email": 0}),
    ({"chat": 2, "email": 5}, {"voice": 1, "chat": 3, "email": 5}),
    ({}, {"voice": 0, "chat": 0, "email": 0}),
])
def test_an_agent_read_from_storage_could_take_a_contact_exactly_when_the_engine_would_offer_one(load, capacity):
    agent = AgentState(1, {}, dict(capacity), ready=True)
    for cls, n in load.items():
        agent.take(cls, n)
    assert could_take(load, capacity) == any(agent.available(cls) for cls in capacity)
