"""The ACD engine: ordering, widening steps, strategies, capacity, offers, never twice."""

from __future__ import annotations

import random

import pytest

from kefu.routing.engine import RoutingEngine
from kefu.routing.errors import ContactNotQueued, OfferNoLongerValid
from kefu.routing.state import ContactState
from kefu.routing.workflow import parse_workflow, queue_spec

T0 = 1_800_000_000.0


def data_centre(strategy: str = "longest_idle") -> RoutingEngine:
    queues = [
        queue_spec("general", "skills.gsm >= 1", strategy=strategy),
        queue_spec("data_l3", "skills.data >= 3"),
        queue_spec("data_l2", "skills.data >= 2"),
        queue_spec("data_any", "skills.data >= 1", strategy=strategy),
    ]
    workflow = parse_workflow(
        {
            "filters": [
                {"name": "vip", "match": "vip_level >= 3", "priority": 5, "steps": [{"queue": "general"}]},
                {"name": "data", "match": "category == 'data'",
                 "steps": [{"queue": "data_l3", "timeout": 30}, {"queue": "data_l2", "timeout": 30},
                           {"queue": "data_any"}]},
            ],
            "default": {"queue": "general"},
        }
    )
    return RoutingEngine(queues, workflow, offer_timeout=15)


def test_the_oldest_caller_is_answered_first_at_equal_priority():
    engine = data_centre()
    engine.add_agent("a1", attrs={"skills": {"gsm": 1}}, now=T0)
    for i, at in enumerate([T0 + 1, T0 + 2, T0 + 3]):
        assert engine.enqueue(f"c{i}", channel="voice", now=at) == []
    offers = engine.set_ready("a1", True, now=T0 + 4)
    assert [o.contact.id for o in offers] == ["c0"]


def test_priority_comes_first_and_vip_goes_ahead_of_older_callers():
    engine = data_centre()
    engine.add_agent("a1", attrs={"skills": {"gsm": 1}}, now=T0)
    engine.enqueue("old", channel="voice", now=T0 + 1)
    engine.enqueue("vip2", channel="voice", attrs={"vip_level": 2}, now=T0 + 2)
    engine.enqueue("urgent", channel="voice", now=T0 + 3, priority=3)
    engine.enqueue("vip4", channel="voice", attrs={"vip_level": 4}, now=T0 + 4)  # vip filter: priority 5
    order = []
    now = T0 + 10
    engine.set_ready("a1", True, now=now)
    for _ in range(4):
        offer = next(iter(engine.offers.values()))
        order.append(offer.contact.id)
        engine.accept(offer.id, now=now)
        now += 1
        engine.complete(offer.contact.id, now=now)
    assert order == ["vip4", "urgent", "vip2", "old"]


def test_data_contacts_widen_from_level_3_to_level_2_to_any_data_skill():
    engine = data_centre()
    engine.add_agent("l1", attrs={"skills": {"data": 1}}, ready=True, now=T0)
    engine.add_agent("l2", attrs={"skills": {"data": 2}}, ready=True, now=T0)
    engine.add_agent("l3", attrs={"skills": {"data": 3}}, now=T0)  # signed in, not ready
    assert engine.enqueue("c", channel="voice", attrs={"category": "data"}, now=T0) == []
    assert engine.waiting("data_l3")[0].id == "c"
    assert engine.advance(T0 + 29.9) == []
    offers = engine.advance(T0 + 30)  # after 30 s level ≥ 2 will do
    assert [(o.contact.id, o.agent.id) for o in offers] == [("c", "l2")]


def test_a_level_3_specialist_takes_the_contact_at_once_when_ready():
    engine = data_centre()
    engine.add_agent("l2", attrs={"skills": {"data": 2}}, ready=True, now=T0)
    engine.add_agent("l3", attrs={"skills": {"data": 3}}, ready=True, now=T0)
    offers = engine.enqueue("c", channel="voice", attrs={"category": "data"}, now=T0 + 1)
    assert offers[0].agent.id == "l3"


def test_the_last_step_reaches_any_data_skill_after_a_minute():
    engine = data_centre()
    engine.add_agent("l1", attrs={"skills": {"data": 1}}, ready=True, now=T0)
    engine.enqueue("c", channel="voice", attrs={"category": "data"}, now=T0)
    assert engine.advance(T0 + 30) == []
    assert [o.agent.id for o in engine.advance(T0 + 60)] == ["l1"]


def test_longest_idle_agent_is_chosen():
    engine = data_centre("longest_idle")
    engine.add_agent("late", attrs={"skills": {"gsm": 1}}, ready=True, now=T0 + 50)
    engine.add_agent("early", attrs={"skills": {"gsm": 1}}, ready=True, now=T0 + 10)
    assert engine.enqueue("c", channel="voice", now=T0 + 60)[0].agent.id == "early"


def test_fewest_contacts_agent_is_chosen():
    engine = data_centre("fewest_contacts")
    engine.add_agent("busy", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    engine.add_agent("fresh", attrs={"skills": {"gsm": 1}}, ready=True, now=T0 + 5)
    for i in range(2):
        offer = engine.enqueue(f"x{i}", channel="voice", now=T0 + 10 + i)[0]
        if offer.agent.id != "busy":
            engine.decline(offer.id, now=T0 + 10 + i)
            offer = next(o for o in engine.offers.values() if o.contact.id == f"x{i}")
        engine.accept(offer.id, now=T0 + 10 + i)
        engine.complete(f"x{i}", now=T0 + 11 + i)
    assert engine.agents["busy"].handled == 2
    assert engine.enqueue("c", channel="voice", now=T0 + 100)[0].agent.id == "fresh"


def test_highest_skill_agent_is_chosen_even_if_another_waited_longer():
    engine = RoutingEngine(
        [queue_spec("data", "skills.data >= 1", strategy="highest_skill")], parse_workflow({"default": {"queue": "data"}})
    )
    engine.add_agent("l1", attrs={"skills": {"data": 1}}, ready=True, now=T0)
    engine.add_agent("l3", attrs={"skills": {"data": 3}}, ready=True, now=T0 + 5)
    engine.add_agent("l2", attrs={"skills": {"data": 2}}, ready=True, now=T0 + 1)
    assert [o.agent.id for o in engine.enqueue("c", channel="voice", now=T0 + 9)] == ["l3"]


def test_a_declined_offer_goes_to_someone_else_and_keeps_its_place():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    engine.add_agent("b", attrs={"skills": {"gsm": 1}}, ready=True, now=T0 + 1)
    first = engine.enqueue("c", channel="voice", now=T0 + 2)[0]
    assert first.agent.id == "a"
    again = engine.decline(first.id, now=T0 + 3)
    assert [(o.contact.id, o.agent.id) for o in again] == [("c", "b")]
    assert engine.contacts["c"].arrived_at == T0 + 2
    with pytest.raises(OfferNoLongerValid):
        engine.accept(first.id, now=T0 + 4)


def test_an_offer_that_rings_out_is_reoffered_and_the_agent_stops_receiving():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    engine.add_agent("b", attrs={"skills": {"gsm": 1}}, ready=True, now=T0 + 1)
    first = engine.enqueue("c", channel="voice", now=T0 + 2)[0]
    later = engine.advance(T0 + 2 + 15)
    assert [o.agent.id for o in later] == ["b"]
    assert engine.agents["a"].ready is False
    with pytest.raises(OfferNoLongerValid):
        engine.accept(first.id, now=T0 + 18)


def test_wrap_up_keeps_the_agent_from_the_next_offer():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    offer = engine.enqueue("c1", channel="voice", now=T0)[0]
    engine.accept(offer.id, now=T0)
    engine.enqueue("c2", channel="voice", now=T0 + 5)
    assert engine.complete("c1", now=T0 + 60, wrap_up=20) == []
    assert engine.agents["a"].activity() == "wrap_up"
    assert engine.advance(T0 + 79) == []
    assert [o.contact.id for o in engine.advance(T0 + 80)] == ["c2"]


def test_chats_are_offered_up_to_capacity_and_never_beyond():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, capacity={"voice": 1, "chat": 3}, ready=True, now=T0)
    accepted = 0
    for i in range(5):
        for offer in engine.enqueue(f"chat{i}", channel="wechat", now=T0 + i):
            engine.accept(offer.id, now=T0 + i)
            accepted += 1
    assert accepted == 3 and engine.agents["a"].load["chat"] == 3
    assert len(engine.waiting("general")) == 2
    # a voice call is not offered to an agent busy with chats
    assert engine.enqueue("call", channel="voice", now=T0 + 9) == []
    offers = engine.complete("chat0", now=T0 + 10)
    assert [o.contact.id for o in offers] == ["chat3"]


def test_an_agent_on_a_call_gets_no_chat():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, capacity={"voice": 1, "chat": 3}, ready=True, now=T0)
    engine.accept(engine.enqueue("call", channel="voice", now=T0)[0].id, now=T0)
    assert engine.enqueue("chat", channel="web", now=T0 + 1) == []


def test_a_contact_is_never_assigned_twice():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    offer = engine.enqueue("c", channel="voice", now=T0)[0]
    engine.accept(offer.id, now=T0)
    with pytest.raises(OfferNoLongerValid):
        engine.accept(offer.id, now=T0)
    with pytest.raises(ContactNotQueued):
        engine.enqueue("c", channel="voice", now=T0 + 1)


def test_an_abandoned_offer_frees_the_agent():
    engine = data_centre()
    engine.add_agent("a", attrs={"skills": {"gsm": 1}}, ready=True, now=T0)
    engine.enqueue("c1", channel="voice", now=T0)
    engine.enqueue("c2", channel="voice", now=T0 + 1)
    offers = engine.abandon("c1", now=T0 + 2)
    assert engine.contacts["c1"].state is ContactState.ABANDONED
    assert [o.contact.id for o in offers] == ["c2"]


def test_random_operations_keep_the_invariants():
    """Capacity never exceeded; each contact has at most one offer or agent; every
    assigned contact was accepted once."""
    rng = random.Random(7)
    engine = data_centre()
    for i in range(12):
        skills = {"gsm": 1} if i % 2 else {"data": 1 + i % 3}
        engine.add_agent(i, attrs={"skills": skills}, capacity={"voice": 1, "chat": 2}, ready=True, now=T0)
    now, assigned = T0, set()
    for step in range(3000):
        now += rng.random() * 3
        action = rng.random()
        if action < 0.35:
            engine.enqueue(step, channel=rng.choice(["voice", "chat"]),
                           attrs={"category": rng.choice(["data", "billing"]), "vip_level": rng.randint(0, 4)}, now=now)
        elif action < 0.6 and engine.offers:
            offer = rng.choice(list(engine.offers.values()))
            engine.accept(offer.id, now=now)
            assert offer.contact.id not in assigned
            assigned.add(offer.contact.id)
        elif action < 0.7 and engine.offers:
            engine.decline(rng.choice(list(engine.offers)), now=now)
        elif action < 0.9:
            live = [c for c in engine.contacts.values() if c.state is ContactState.ASSIGNED]
            if live:
                engine.complete(rng.choice(live).id, now=now, wrap_up=rng.choice([0, 5]))
        else:
            agent = rng.choice(list(engine.agents.values()))
            engine.set_ready(agent.id, not agent.ready, now=now)
        engine.advance(now)
        for agent in engine.agents.values():
            for cls, used in agent.load.items():
                assert 0 <= used <= agent.capacity.get(cls, 0)
        offered = [o.contact.id for o in engine.offers.values()]
        assert len(offered) == len(set(offered))
    assert assigned
