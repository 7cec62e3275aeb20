"""The durable queue: contacts and callbacks survive a restart, offers are accepted
once, rung-out offers go to someone else, transfers carry their context."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.agents import service as agents
from kefu.routing import config_service, service, transfer_service
from kefu.routing.errors import (
    GroupClosed,
    InvalidCallbackNumber,
    NoAgentFree,
    OfferNoLongerValid,
    UnknownSkill,
)
from kefu.routing.models import RoutingContact
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre


def test_a_queued_contact_survives_a_restart_and_is_offered_when_an_agent_is_ready(session_factory, now):
    with session_factory() as first:
        create_centre(first, now=now)
        agent = create_agent(first, now=now, skills="gsm:2")
        contact = service.receive_contact(first, channel="voice", attrs={"category": "billing"}, subscriber_id=9,
                                          ticket_id=3, now=now)
        assert contact.state == "queued"
        first.commit()
        contact_id, agent_id = contact.id, agent.id
    # "restart": a new session, a new engine built from the tables
    with session_factory() as second:
        agent = agents.get_agent(second, agent_id)
        agents.change_presence(second, agent, to="signed_in", now=now)
        agents.change_presence(second, agent, to="ready", now=now)
        offered = service.dispatch(second, now=now + timedelta(seconds=5))
        assert [(c.id, c.agent_id) for c in offered] == [(contact_id, agent_id)]
        second.commit()


def test_an_offer_is_accepted_once_and_the_agent_is_talking(session, now):
    create_centre(session, now=now)
    agent = create_agent(session, now=now, ready=True)
    contact = service.receive_contact(session, channel="voice", now=now)
    assert contact.state == "offered" and contact.agent_id == agent.id
    service.accept(session, contact.id, agent=agent, offer_seq=contact.offer_seq, now=now + timedelta(seconds=3))
    assert contact.state == "assigned" and agent.presence == "talking"
    with pytest.raises(OfferNoLongerValid):
        service.accept(session, contact.id, agent=agent, offer_seq=contact.offer_seq, now=now)
    service.complete(session, contact.id, agent=agent, now=now + timedelta(minutes=3))
    assert contact.state == "ended" and agent.presence == "wrap_up"


def test_wrap_up_time_passes_before_the_next_offer(session, now):
    create_centre(session, now=now)
    agent = create_agent(session, now=now, ready=True)  # 15 s of wrap-up
    first = service.receive_contact(session, channel="voice", now=now)
    service.accept(session, first.id, agent=agent, offer_seq=first.offer_seq, now=now)
    second = service.receive_contact(session, channel="voice", now=now + timedelta(seconds=30))
    service.complete(session, first.id, agent=agent, now=now + timedelta(minutes=2))
    service.routing_tick(session, now + timedelta(minutes=2, seconds=14))
    assert agent.presence == "wrap_up" and second.state == "queued"
    service.routing_tick(session, now + timedelta(minutes=2, seconds=15))
    assert agent.presence == "ready" and second.state == "offered" and second.agent_id == agent.id


def test_the_vip_caller_is_offered_before_older_callers(session, now):
    create_centre(session, now=now)
    for i in range(3):
        service.receive_contact(session, channel="voice", now=now + timedelta(seconds=i))
    vip = service.receive_contact(session, channel="voice", attrs={"vip_level": 4}, now=now + timedelta(seconds=9))
    agent = create_agent(session, now=now, ready=True)
    offered = service.dispatch(session, now=now + timedelta(seconds=10))
    assert [c.id for c in offered] == [vip.id] and vip.agent_id == agent.id


def test_a_declined_or_rung_out_offer_goes_to_another_agent(session, now):
    create_centre(session, now=now)
    first = create_agent(session, now=now, ready=True)
    contact = service.receive_contact(session, channel="voice", now=now + timedelta(seconds=1))
    assert contact.agent_id == first.id
    second = create_agent(session, now=now + timedelta(seconds=2), ready=True)
    service.decline(session, contact.id, agent=first, offer_seq=contact.offer_seq, now=now + timedelta(seconds=3))
    assert contact.state == "offered" and contact.agent_id == second.id
    # the second lets it ring out: back to the queue, second goes on a break
    assert service.routing_tick(session, now + timedelta(seconds=30)) >= 1
    assert contact.state == "queued" and set(contact.declined_by) == {first.id, second.id}
    assert second.presence == "break"


def test_data_contacts_widen_to_level_two_after_thirty_seconds(session, now):
    create_centre(session, now=now)
    level2 = create_agent(session, now=now, skills="data:2", groups=("data_seat",), ready=True)
    contact = service.receive_contact(session, channel="voice", attrs={"category": "data"}, now=now)
    assert contact.state == "queued" and contact.queue_name == "data_l3"
    service.dispatch(session, now=now + timedelta(seconds=29))
    assert contact.state == "queued"
    service.dispatch(session, now=now + timedelta(seconds=31))
    assert contact.state == "offered" and contact.agent_id == level2.id and contact.queue_name == "data_seat"


def test_an_unknown_skill_in_a_queue_is_refused_when_saved(session, now):
    create_centre(session, now=now)
    with pytest.raises(UnknownSkill):
        config_service.save_queue(session, name="x", expression="skills.gsm >= 1 or skills.dta > 1", now=now)


def test_workflows_are_versioned(session, now):
    create_centre(session, now=now)
    config_service.save_workflow(session, by="test", now=now + timedelta(minutes=1),
                                 definition={"name": "hotline", "default": {"queue": "front"}})
    row, workflow = config_service.active_workflow(session)
    assert row.version == 2 and workflow.filters == ()
    assert [w.version for w in config_service.workflow_versions(session, "hotline")] == [2, 1]


def _live_call(session, now, agent):
    contact = service.receive_contact(session, channel="voice", attrs={"category": "billing"}, subscriber_id=42,
                                      ticket_id=7, now=now)
    service.accept(session, contact.id, agent=agent, offer_seq=contact.offer_seq, now=now)
    return contact


def test_online_transfer_to_a_ready_specialist_carries_the_context(session, now):
    create_centre(session, now=now)
    front = create_agent(session, now=now, skills="gsm:2", ready=True)
    specialist = create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    contact = _live_call(session, now, front)
    kind, moved = transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat",
                                            notes="手机视频无法播放", now=now + timedelta(minutes=2))
    assert kind == "online" and moved.state == "offered" and moved.agent_id == specialist.id
    assert moved.context["ticket_id"] == 7 and moved.context["notes"] == ["手机视频无法播放"]
    assert front.presence == "wrap_up"


def test_all_specialists_busy_gives_a_callback_due_within_the_hour(session, now):
    create_centre(session, now=now)  # 10:00 in Shanghai: the seat is open
    front = create_agent(session, now=now, skills="gsm:2", ready=True)
    create_agent(session, now=now, skills="data:3", groups=("data_seat",))  # signed out
    contact = _live_call(session, now, front)
    with pytest.raises(NoAgentFree):
        transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat", now=now)
    with pytest.raises(InvalidCallbackNumber):
        transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat", now=now,
                                  callback_number="12345")
    assert contact.state == "assigned"
    kind, callback = transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat", now=now,
                                               callback_number="13800138000")
    assert kind == "callback" and callback.due_at == now + timedelta(hours=1)
    assert callback.origin_id == contact.id and callback.context["ticket_id"] == 7
    assert contact.state == "ended" and contact.outcome == "transferred"


def test_an_off_hours_callback_waits_for_nine_and_is_retried_on_no_answer(session, now):
    create_centre(session, now=now)
    night = now.replace(hour=15)  # 23:00 in Shanghai
    front = create_agent(session, now=now, skills="gsm:2", ready=True)
    specialist = create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    contact = _live_call(session, night, front)
    with pytest.raises(GroupClosed):
        transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat", now=night)
    _, callback = transfer_service.transfer(session, contact.id, agent=front, to_queue="data_seat", now=night,
                                            callback_number="13800138000")
    nine = night + timedelta(hours=10)  # 09:00 next morning in Shanghai
    assert callback.not_before == nine and callback.due_at == nine + timedelta(hours=1)
    service.dispatch(session, now=nine - timedelta(minutes=1))
    assert callback.state == "scheduled"
    service.dispatch(session, now=nine)
    assert callback.state == "offered" and callback.agent_id == specialist.id
    service.accept(session, callback.id, agent=specialist, offer_seq=callback.offer_seq, now=nine)
    transfer_service.record_callback_result(session, callback.id, agent=specialist, result="no_answer", now=nine)
    assert callback.state == "scheduled" and callback.not_before == nine + timedelta(minutes=10)
    agents.change_presence(session, specialist, to="ready", now=nine)
    service.dispatch(session, now=nine + timedelta(minutes=10))
    service.accept(session, callback.id, agent=specialist, offer_seq=callback.offer_seq, now=nine)
    transfer_service.record_callback_result(session, callback.id, agent=specialist, result="reached",
                                            now=nine + timedelta(minutes=12))
    assert callback.state == "ended" and callback.outcome == "reached"
    results = [r.result for r in transfer_service.callback_results(session, callback.id)]
    assert results == ["no_answer", "retried", "reached", "done"]


def test_chat_agents_get_up_to_their_capacity(session, now):
    create_centre(session, now=now)
    agent = create_agent(session, now=now, ready=True, chat=2)
    chats = []
    for i in range(3):
        chat = service.receive_contact(session, channel="wechat", now=now + timedelta(seconds=i))
        if chat.state == "offered":
            service.accept(session, chat.id, agent=agent, offer_seq=chat.offer_seq, now=now + timedelta(seconds=i))
        chats.append(chat)
    assert [c.state for c in chats] == ["assigned", "assigned", "queued"]
    assert session.query(RoutingContact).filter_by(agent_id=agent.id, state="assigned").count() == 2
