"""The dispatcher's engine cache never routes on stale data: a change of an agent's
skills, or of a queue's expression, is seen by the very next tick."""

from __future__ import annotations

from datetime import timedelta

from kefu.agents import service as agents
from kefu.routing import config_service, engine_cache, service
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre


def test_a_new_skill_is_seen_by_the_next_tick(session, now):
    create_centre(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    caller = service.receive_contact(session, channel="voice", attrs={"category": "data"}, now=now)
    assert caller.state == "queued"  # nobody has the data skill; the tick filled the cache
    agents.update_agent(session, agent, skills="gsm:2,data:3")
    service.dispatch(session, now=now + timedelta(seconds=1))
    assert caller.state == "offered" and caller.agent_id == agent.id


def test_an_edited_queue_is_seen_by_the_next_tick(session, now):
    create_centre(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:1", ready=True)
    config_service.save_queue(session, name="front", expression="skills.gsm >= 2", now=now)
    caller = service.receive_contact(session, channel="voice", now=now)
    assert caller.state == "queued"
    config_service.save_queue(session, name="front", expression="skills.gsm >= 1", now=now)
    service.dispatch(session, now=now + timedelta(seconds=1))
    assert caller.state == "offered" and caller.agent_id == agent.id


def test_the_cache_and_the_rebuild_decide_alike(session, now):
    create_centre(session, now=now)
    for skills in ("gsm:2", "data:3", "data:2,gsm:1"):
        create_agent(session, now=now, skills=skills, ready=True, groups=("data_seat",))
    engine_cache.enabled(False)
    try:
        rebuilt = service.build_engine(session, now=now, lock=False)
    finally:
        engine_cache.enabled(True)
    cached = service.build_engine(session, now=now, lock=False)
    assert {a: sorted(q.name for q in s.queues) for a, s in rebuilt.agents.items()} == \
        {a: sorted(q.name for q in s.queues) for a, s in cached.agents.items()}
