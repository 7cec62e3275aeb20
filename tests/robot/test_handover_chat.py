"""Hand-over into live chat (issue #8 on issue #7's chat): a logged-in subscriber's chat is
queued on the channel they came from, with the robot conversation as the start of its
transcript; a visitor who is not logged in leaves a callback appointment carrying the
conversation."""

from __future__ import annotations

import pytest

from kefu.core.errors import InvalidInput
from kefu.robot.models import Conversation
from kefu.routing import chat as web_chat
from kefu.routing import service as routing
from kefu.tickets import service as tickets
from tests.factories.agents import create_agent
from tests.factories.robot import (
    catalogue,
    curated_kb,
    heavy_user,
    staff_tester,
    start_chat,
    subscriber_principal,
)
from tests.factories.routing import create_centre
from tests.robot.test_tasks import _notes


def test_a_subscriber_asking_for_a_human_is_queued_in_web_chat_with_the_robot_conversation(session, now):
    curated_kb(session, now=now)
    catalogue(session)
    create_centre(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="李娜")
    subscriber = heavy_user(session, now=now)
    talk = start_chat(session, by=subscriber_principal(subscriber), now=now, channel="portal")
    talk.say("怎么查话费")
    reply = talk.say("转人工")
    assert reply.type == "handover" and reply.status == "handed_over" and "进入人工会话" in reply.text

    conversation = session.get(Conversation, talk.conversation_id)
    contact = web_chat.active_chat(session, subscriber.id)
    assert contact is not None and contact.id == conversation.state["chat_contact_id"]
    assert contact.state == "offered" and contact.agent_id == agent.id  # routed like any contact
    assert contact.ticket_id == conversation.ticket_id
    lines = web_chat.messages(session, contact.id)
    robot_part = [(m.sender, m.text) for m in lines if m.origin == "robot"]
    assert robot_part[0][0] == "robot" and "智能客服" in robot_part[0][1]  # the greeting comes first
    assert ("customer", "怎么查话费") in robot_part and ("customer", "转人工") in robot_part
    assert any("CXHF" in text for _, text in robot_part)
    assert lines[-1].sender == "system"  # then: queued for an agent
    assert any(f"网页在线会话 #{contact.id}" in n for n in _notes(session, conversation.ticket_id))
    assert contact.channel == "web"  # the portal's robot hands over to the portal's chat


@pytest.mark.parametrize(("robot_channel", "label"), [("app", "App 在线会话"), ("wechat", "微信在线会话")])
def test_an_app_or_wechat_hand_over_is_queued_on_the_channel_the_customer_came_from(
        session, now, robot_channel, label):
    curated_kb(session, now=now)
    catalogue(session)
    create_centre(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    subscriber = heavy_user(session, now=now)
    talk = start_chat(session, by=subscriber_principal(subscriber), now=now, channel=robot_channel)
    talk.say("怎么查话费")
    assert talk.say("转人工").type == "handover"

    conversation = session.get(Conversation, talk.conversation_id)
    contact = routing.get_contact(session, conversation.state["chat_contact_id"])
    # Routing, reports and the desk read the contact's channel: the real one, not "web".
    assert contact.channel == robot_channel and contact.attrs["channel"] == robot_channel
    assert contact.state == "offered" and contact.agent_id == agent.id
    assert web_chat.active_chat(session, subscriber.id).id == contact.id  # goes on in the live chat page
    assert any(f"{label} #{contact.id}" in n for n in _notes(session, conversation.ticket_id))
    ticket = tickets.get_ticket(session, conversation.ticket_id, viewer=subscriber_principal(subscriber))
    assert ticket.channel == robot_channel


def test_a_chat_on_an_unknown_channel_is_refused_and_nothing_is_queued(session, now):
    catalogue(session)
    create_centre(session, now=now)
    subscriber = heavy_user(session, now=now)
    with pytest.raises(InvalidInput) as refused:
        web_chat.start_chat(session, subscriber_id=subscriber.id, now=now, channel="fax")
    assert refused.value.code == "unknown_chat_channel" and "fax" in refused.value.message("en")
    assert web_chat.active_chat(session, subscriber.id) is None


def test_a_visitor_who_gave_a_number_gets_a_callback_with_the_conversation(session, now):
    curated_kb(session, now=now)
    create_centre(session, now=now)
    talk = start_chat(session, by=staff_tester(), now=now, channel="web")
    talk.say("我的号码是 139 1234 5678，宽带一直掉线")
    reply = talk.say("转人工")
    assert reply.type == "handover" and "139****5678" in reply.text
    conversation = session.get(Conversation, talk.conversation_id)
    assert conversation.status == "handed_over"
    callback = routing.get_contact(session, conversation.state["callback_contact_id"])
    assert callback.kind == "callback" and callback.callback_number == "13912345678"
    assert "宽带一直掉线" in callback.context["transcript"]
    assert callback.context["robot_conversation_id"] == conversation.id


def test_a_visitor_without_a_number_is_asked_for_one(session, now):
    curated_kb(session, now=now)
    create_centre(session, now=now)
    talk = start_chat(session, by=staff_tester(), now=now, channel="web")
    asked = talk.say("人工")
    assert "手机号码" in asked.text and asked.status == "open"
    again = talk.say("我不想说")
    assert "没有识别到" in again.text and again.status == "open"
    booked = talk.say("13812345678")
    assert booked.status == "handed_over" and "138****5678" in booked.text
    conversation = session.get(Conversation, talk.conversation_id)
    callback = routing.get_contact(session, conversation.state["callback_contact_id"])
    assert "我不想说" in callback.context["transcript"]
