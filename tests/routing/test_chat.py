"""Web chat on the routing engine (issue #7 part 6): a portal subscriber's chat is queued
and offered like any contact, an agent takes several within their chat capacity, every
message is kept on the contact, and the transcript goes on the ticket the agent opens."""

from __future__ import annotations

import pytest

from kefu.agents import service as agents
from kefu.core.errors import NotFound
from kefu.identity.roles import Principal, Role
from kefu.routing import chat
from kefu.routing.chat_errors import ChatEnded, ChatNotAnswered, InvalidChatMessage
from kefu.tickets.models import Ticket, TicketEvent
from tests.factories.agents import create_agent
from tests.factories.customers import create_subscriber
from tests.factories.routing import create_centre


def _agent_principal(agent) -> Principal:
    return Principal(kind="staff", name=agent.display_name, roles=frozenset({Role.AGENT}), user_id=agent.user_id)


def _notes(session, ticket_id: int) -> list[str]:
    from sqlalchemy import select

    rows = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "note"))
    return [str(r.detail.get("text", "")) for r in rows]


@pytest.fixture
def centre(session, now):
    create_centre(session, now=now)
    subscribers = [create_subscriber(session, number=f"1390000000{i}", name=f"客户{i}") for i in range(3)]
    session.commit()
    return subscribers


def test_an_agent_handles_two_chats_within_capacity_and_the_third_waits(session, now, centre):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, chat=2, name="李娜")
    first, second, third = (chat.start_chat(session, subscriber_id=s.id, now=now) for s in centre)
    assert first.state == "offered" and first.agent_id == agent.id
    chat.accept_chat(session, first.id, agent=agent, offer_seq=first.offer_seq, now=now)
    from kefu.routing import service

    service.dispatch(session, now=now)
    session.refresh(second)
    assert second.state == "offered" and second.agent_id == agent.id  # a chat agent takes a second chat
    chat.accept_chat(session, second.id, agent=agent, offer_seq=second.offer_seq, now=now)
    service.dispatch(session, now=now)
    session.refresh(third)
    assert third.state == "queued"  # capacity 2 is full
    assert [c.id for c in chat.chats_of(session, agent)] == [first.id, second.id]
    assert agents.get_agent(session, agent.id).presence == "talking"

    chat.end_by_agent(session, first.id, agent=agent, by=_agent_principal(agent), now=now)
    session.refresh(third)
    assert third.state == "offered" and third.agent_id == agent.id  # the freed slot takes the waiting chat
    assert agents.get_agent(session, agent.id).presence == "talking"  # still in the second chat


def test_messages_are_kept_in_order_and_an_ended_chat_takes_no_more(session, now, centre):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    subscriber = centre[0]
    row = chat.start_chat(session, subscriber_id=subscriber.id, now=now)
    chat.post_customer_message(session, row, text="我的宽带从昨晚开始就上不了网", now=now)
    with pytest.raises(ChatNotAnswered):
        chat.post_agent_message(session, row.id, agent=agent, text="您好", now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.post_agent_message(session, row.id, agent=agent, text="您好，请问光猫的 LOS 灯是否亮红灯？", now=now)
    with pytest.raises(InvalidChatMessage):
        chat.post_customer_message(session, row, text="   ", now=now)
    with pytest.raises(InvalidChatMessage):
        chat.post_customer_message(session, row, text="长" * (chat.MAX_MESSAGE_CHARS + 1), now=now)
    chat.end_by_customer(session, row, now=now)
    with pytest.raises(ChatEnded):
        chat.post_customer_message(session, row, text="还在吗", now=now)
    senders = [(m.sender, m.text[:6]) for m in chat.messages(session, row.id)]
    assert [s for s, _ in senders] == ["system", "customer", "system", "agent", "system"]
    assert row.state == "ended" and agents.get_agent(session, agent.id).presence == "wrap_up"
    first = chat.messages(session, row.id)[1].id
    assert [m.sender for m in chat.messages(session, row.id, after_id=first)] == ["system", "agent", "system"]


def test_the_transcript_goes_on_the_ticket_opened_from_the_chat_and_the_rest_when_it_ends(session, now, centre):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="王芳")
    by = _agent_principal(agent)
    row = chat.start_chat(session, subscriber_id=centre[0].id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.post_customer_message(session, row, text="这个月话费多扣了 30 元", now=now)
    ticket_id = chat.open_ticket(session, row.id, agent=agent, by=by, core_demand="话费多扣 30 元，要求核查退费", now=now)
    ticket = session.get(Ticket, ticket_id)
    assert ticket.subscriber_id == centre[0].id and ticket.channel == "web" and row.ticket_id == ticket_id
    assert any("这个月话费多扣了 30 元" in n for n in _notes(session, ticket_id))
    chat.post_agent_message(session, row.id, agent=agent, text="已为您登记核查，3 个工作日内回复", now=now)
    chat.end_by_agent(session, row.id, agent=agent, by=by, now=now)
    notes = _notes(session, ticket_id)
    assert any("已为您登记核查" in n and "这个月话费多扣了" not in n for n in notes)  # only the new lines

    other = chat.start_chat(session, subscriber_id=centre[1].id, now=now)
    agents.change_presence(session, agent, to="ready", now=now)
    from kefu.routing import service

    service.dispatch(session, now=now)
    session.refresh(other)
    chat.accept_chat(session, other.id, agent=agent, offer_seq=other.offer_seq, now=now)
    with pytest.raises(NotFound):
        chat.link_ticket(session, other.id, agent=agent, by=by, ticket_id=999_999, now=now)
    chat.post_customer_message(session, other, text="还是上次那张工单的事", now=now)
    chat.link_ticket(session, other.id, agent=agent, by=by, ticket_id=ticket_id, now=now)
    assert any("还是上次那张工单的事" in n for n in _notes(session, ticket_id))


def test_a_subscriber_has_one_open_chat_at_a_time(session, now, centre):
    first = chat.start_chat(session, subscriber_id=centre[0].id, now=now)
    again = chat.start_chat(session, subscriber_id=centre[0].id, now=now)
    assert again.id == first.id
    assert chat.active_chat(session, centre[0].id).id == first.id


def test_staff_read_a_chat_transcript_through_the_api(client, session, now, centre):
    from tests.factories.identity import bearer, create_staff

    row = chat.start_chat(session, subscriber_id=centre[0].id, now=now)
    chat.post_customer_message(session, row, text="请问携号转网需要什么条件", now=now)
    create_staff(session, username="sup.chat", display_name="班组长", roles=("supervisor",), now=now)
    headers = bearer(session, username="sup.chat", now=now)
    lines = client.get(f"/api/v1/chats/{row.id}/messages", headers=headers).json()
    assert [m["sender"] for m in lines] == ["system", "customer"] and lines[-1]["text"] == "请问携号转网需要什么条件"
    assert client.get("/api/v1/chats/999999/messages", headers=headers).status_code == 404
    assert client.get(f"/api/v1/chats/{row.id}/messages").status_code == 401
