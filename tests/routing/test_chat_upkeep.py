"""Web chats whose customer has gone, chat offers nobody takes, and the chat timings kept
in the workflow (issue #7 part 6), on the fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.agents import service as agents
from kefu.routing import chat, chat_offers, chat_typing, chat_upkeep, config_service, service
from kefu.routing.errors import InvalidWorkflow
from kefu.routing.settings import DEFAULT_OFFER_SECONDS
from tests.factories.agents import create_agent
from tests.factories.customers import create_subscriber
from tests.factories.routing import create_centre

M = timedelta(minutes=1)


@pytest.fixture
def subscribers(session, now):
    create_centre(session, now=now)
    rows = [create_subscriber(session, number=f"1390000100{i}", name=f"客户{i}") for i in range(3)]
    session.commit()
    return rows


def _texts(session, row):
    return [m.text for m in chat.messages(session, row.id)]


def test_a_waiting_customer_who_closed_the_widget_and_did_not_return_is_abandoned(session, now, subscribers):
    gone = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    back = chat.start_chat(session, subscriber_id=subscribers[1].id, now=now)
    chat_upkeep.customer_disconnected(session, subscribers[0].id, now=now)
    chat_upkeep.customer_disconnected(session, subscribers[1].id, now=now)
    chat_upkeep.customer_connected(session, subscribers[1].id, now=now)  # reconnected within the time
    chat_upkeep.socket_beat(session, back, now=now + M)  # and stays (its socket beats)
    assert chat_upkeep.scan(session, now + M) == 0  # default: 2 minutes to come back
    chat_upkeep.socket_beat(session, back, now=now + 2 * M)
    assert chat_upkeep.scan(session, now + 2 * M) == 1
    assert (gone.state, gone.outcome, back.state) == ("abandoned", "abandoned", "queued")
    assert gone.context["end_reason"] == chat_upkeep.LEFT_WAITING
    assert "客户已离开（断线未返回），排队已取消。如需帮助请重新发起会话。" in _texts(session, gone)
    chat_upkeep.socket_beat(session, back, now=now + 3 * M)
    assert chat_upkeep.scan(session, now + 3 * M) == 0  # running twice changes nothing


def test_the_freed_place_goes_to_the_next_waiting_chat(session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, chat=1, name="李娜")
    first = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    second = chat.start_chat(session, subscriber_id=subscribers[1].id, now=now + M)
    assert first.state == "offered" and first.agent_id == agent.id and second.state == "queued"
    chat_upkeep.customer_disconnected(session, subscribers[0].id, now=now)
    chat_upkeep.scan(session, now + 2 * M)
    session.refresh(second)
    assert first.state == "abandoned" and second.state == "offered" and second.agent_id == agent.id


def test_a_waiting_customer_silent_for_the_idle_time_is_abandoned_and_the_time_is_a_workflow_setting(
        session, now, subscribers):
    config_service.save_workflow(session, by="test", now=now, definition={
        "name": "hotline", "default": {"queue": "front"}, "chat": {"abandon_waiting_idle_minutes": 10}})
    quiet = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    talking = chat.start_chat(session, subscriber_id=subscribers[1].id, now=now)
    chat.post_customer_message(session, talking, text="请问还要等多久？", now=now + 5 * M)
    assert chat_upkeep.scan(session, now + 10 * M) == 1
    assert (quiet.state, talking.state) == ("abandoned", "queued")
    assert quiet.context["end_reason"] == chat_upkeep.IDLE_WAITING


def test_a_silent_customer_in_a_chat_is_prompted_then_the_chat_ends_as_abandoned(session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="王芳")
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.post_customer_message(session, row, text="我的流量包怎么没生效", now=now)
    assert chat_upkeep.scan(session, now + 20 * M) == 0  # the customer spoke last: the agent's turn
    chat.post_agent_message(session, row.id, agent=agent, text="请问您是哪天订购的？", now=now + 20 * M)
    assert chat_upkeep.scan(session, now + 24 * M) == 0
    assert chat_upkeep.scan(session, now + 25 * M) == 1  # 5 minutes silent: a polite prompt
    assert _texts(session, row)[-1] == "请问您还在吗？如果没有其他问题，本次会话将在 3 分钟后自动结束。"
    assert row.state == "assigned"
    assert chat_upkeep.scan(session, now + 27 * M) == 0
    assert chat_upkeep.scan(session, now + 28 * M) == 1
    assert (row.state, row.outcome, row.context["end_reason"]) == ("ended", "abandoned", chat_upkeep.SILENT_IN_CHAT)
    assert agents.get_agent(session, agent.id).presence == "wrap_up"  # the slot is free
    assert [r.id for r in chat.ended_by_system(session, agent, now=now + 29 * M)] == [row.id]  # the desk says why
    figures = chat_upkeep.figures(session, since=now - M, until=now + 30 * M)
    assert figures["abandoned_in_chat"] == 1 and figures["abandoned"] == 1 and figures["handled"] == 0


def test_a_customer_who_answers_the_prompt_keeps_the_chat(session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.post_agent_message(session, row.id, agent=agent, text="您好，请问有什么可以帮您？", now=now)
    chat_upkeep.scan(session, now + 5 * M)
    chat.post_customer_message(session, row, text="在的，刚才接了个电话", now=now + 6 * M)
    assert chat_upkeep.scan(session, now + 9 * M) == 0
    assert row.state == "assigned"


def test_a_chat_offer_that_rings_out_goes_to_the_next_agent_and_only_a_streak_means_a_break(
        session, now, subscribers):
    away = create_agent(session, now=now, skills="gsm:2", ready=True, name="张伟")
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    assert row.agent_id == away.id
    other = create_agent(session, now=now, skills="gsm:2", ready=True, name="刘洋")
    later = now + timedelta(seconds=DEFAULT_OFFER_SECONDS)
    service.routing_tick(session, later)
    assert (row.state, row.agent_id) == ("offered", other.id)  # re-offered to the next agent
    assert agents.get_agent(session, away.id).presence == "ready"  # one miss: no break
    assert chat_offers.missed_in_row(session, away.id) == 1

    chat.accept_chat(session, row.id, agent=other, offer_seq=row.offer_seq, now=later)
    for i in (1, 2):
        missed = chat.start_chat(session, subscriber_id=subscribers[i].id, now=later)
        assert missed.agent_id == away.id
        later += timedelta(seconds=DEFAULT_OFFER_SECONDS)
        service.expire_offers(session, now=later)
    assert agents.get_agent(session, away.id).presence == "break"  # the third in a row (default 3)
    assert chat_offers.missed_in_row(session, away.id) == 0


def test_taking_a_chat_breaks_the_streak(session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    config_service.save_workflow(session, by="test", now=now, definition={
        "name": "hotline", "default": {"queue": "front"}, "chat": {"missed_offers_before_break": 2}})
    first = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    service.expire_offers(session, now=now + timedelta(seconds=DEFAULT_OFFER_SECONDS))
    second = chat.start_chat(session, subscriber_id=subscribers[1].id, now=now + M)
    chat.accept_chat(session, second.id, agent=agent, offer_seq=second.offer_seq, now=now + M)
    assert chat_offers.missed_in_row(session, agent.id) == 0 and first.state == "queued"
    assert agents.get_agent(session, agent.id).presence == "talking"


@pytest.mark.parametrize("chat_settings", [
    {"missed_offers_before_break": 0}, {"prompt_silent_minutes": "5"}, {"abandon_after_minutes": 2}, [],
])
def test_bad_chat_settings_are_refused_when_the_workflow_is_saved(session, now, subscribers, chat_settings):
    with pytest.raises(InvalidWorkflow):
        config_service.save_workflow(session, by="test", now=now, definition={
            "name": "hotline", "default": {"queue": "front"}, "chat": chat_settings})


def test_typing_is_a_short_lived_marker_never_a_message(session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    before = _texts(session, row)
    chat.customer_typing(session, row, now=now)
    chat.customer_typing(session, row, now=now + timedelta(seconds=2))  # overwritten, not added
    chat.customer_typing(session, row, now=now + timedelta(seconds=2, milliseconds=200))  # too soon: no write
    assert chat_typing.typing_in(session, [row.id], now=now + timedelta(seconds=7, milliseconds=100)) == {}
    chat.agent_typing(session, row.id, agent=agent, now=now)
    assert chat.typing_in(session, [row.id], now=now + timedelta(seconds=3)) == {row.id: {"customer", "agent"}}
    later = now + timedelta(seconds=chat_typing.TTL_SECONDS + 2)
    assert chat.typing_in(session, [row.id], now=later) == {}  # stopped typing: gone by itself
    chat.customer_typing(session, row, now=now)
    chat.post_customer_message(session, row, text="好的", now=now)
    assert chat.typing_in(session, [row.id], now=now) == {row.id: {"agent"}}  # sending ends it at once
    assert _texts(session, row) == [*before, "好的"]


def test_the_upkeep_job_is_wired_into_the_worker():
    from kefu import wiring

    jobs = {job.name: job for job in wiring.periodic_jobs(sender=object())}
    assert jobs["chat_upkeep"].run is chat_upkeep.scan and jobs["chat_upkeep"].every_seconds <= 60


S = timedelta(seconds=1)


def test_a_waiting_customer_whose_socket_died_with_its_server_process_gets_the_departure_written(
        session, now, subscribers):
    """No close was ever noted (the process that held the socket was killed): the beats
    stopped, so the job writes the departure from the last beat, and the waiting rule
    then abandons the chat as for a closed widget."""
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat_upkeep.customer_connected(session, subscribers[0].id, now=now)  # the socket opens and beats
    assert chat_upkeep.scan(session, now + 59 * S) == 0  # a few beats late is not lost
    assert chat_upkeep.scan(session, now + 60 * S) == 1
    assert _texts(session, row)[-1] == chat_upkeep.CONNECTION_LOST
    assert row.state == "queued" and row.context["customer_left_at"] == now.isoformat()
    assert chat_upkeep.scan(session, now + 90 * S) == 0  # written once
    assert chat_upkeep.scan(session, now + 2 * M) == 1  # 2 minutes after the last beat: gone
    assert row.state == "abandoned" and row.context["end_reason"] == chat_upkeep.LEFT_WAITING


def test_in_a_chat_the_agent_reads_that_the_connection_was_lost_and_that_the_customer_came_back(
        session, now, subscribers):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="李娜")
    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat_upkeep.customer_connected(session, subscribers[0].id, now=now)
    chat_upkeep.scan(session, now + 2 * M)
    assert _texts(session, row)[-1] == chat_upkeep.CONNECTION_LOST and row.state == "assigned"  # not ended for it
    chat_upkeep.customer_connected(session, subscribers[0].id, now=now + 3 * M)  # the widget reconnected elsewhere
    assert _texts(session, row)[-1] == chat_upkeep.RECONNECTED
    assert "customer_left_at" not in row.context and "connection_lost_at" not in row.context
    chat_upkeep.scan(session, now + 3 * M + 59 * S)
    assert _texts(session, row)[-1] == chat_upkeep.RECONNECTED  # beating again


def test_a_socket_that_keeps_beating_or_closes_normally_writes_no_lost_connection(session, now, subscribers):
    beating = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    closed = chat.start_chat(session, subscriber_id=subscribers[1].id, now=now)
    chat_upkeep.customer_connected(session, subscribers[0].id, now=now)
    chat_upkeep.customer_connected(session, subscribers[1].id, now=now)
    chat_upkeep.customer_disconnected(session, subscribers[1].id, now=now + 10 * S)
    for beat in range(1, 11):  # 15 s apart, as the open socket does, for 2.5 minutes
        at = now + beat * chat_upkeep.SOCKET_BEAT
        chat_upkeep.socket_beat(session, beating, now=at)
        chat_upkeep.scan(session, at)
    assert chat_upkeep.CONNECTION_LOST not in _texts(session, beating) + _texts(session, closed)
    assert beating.state == "queued"
    assert closed.state == "abandoned" and closed.context["end_reason"] == chat_upkeep.LEFT_WAITING


def test_the_beat_of_an_ended_chat_is_forgotten(session, now, subscribers):
    from kefu.routing import chat_repository

    row = chat.start_chat(session, subscriber_id=subscribers[0].id, now=now)
    chat_upkeep.customer_connected(session, subscribers[0].id, now=now)
    chat.end_by_customer(session, row, now=now + S)
    chat_upkeep.socket_beat(session, row, now=now + 2 * S)  # a late beat of the ended chat writes nothing
    chat_upkeep.scan(session, now + 5 * M)
    assert chat_repository.customer_sockets(session, [row.id]) == {}
    assert chat_upkeep.CONNECTION_LOST not in _texts(session, row)
