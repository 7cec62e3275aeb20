"""The portal chat with the robot, through the real app and forms."""

from __future__ import annotations

import re

from tests.factories.robot import catalogue, curated_kb, heavy_user
from tests.factories.web import HTML, login_subscriber

HTMX = {**HTML, "HX-Request": "true"}


def _conversation_id(html: str) -> int:
    return int(re.search(r'/portal/chat/(\d+)/messages', html).group(1))


def test_a_subscriber_asks_and_sees_the_answer_appended(client, session, now):
    curated_kb(session, now=now)
    catalogue(session)
    heavy_user(session, now=now)
    csrf = login_subscriber(client, session, number="13800138000")
    home = client.get("/portal", headers=HTML).text
    assert 'href="/portal/chat"' in home
    page = client.get("/portal/chat", headers=HTML)
    assert page.status_code == 200 and "智能客服" in page.text and "我的本月话费" in page.text
    conversation = _conversation_id(page.text)
    reply = client.post(f"/portal/chat/{conversation}/messages", data={"text": "流量用超了收多少钱", "csrf_token": csrf},
                        headers=HTMX)
    assert reply.status_code == 200
    assert "流量用超了收多少钱" in reply.text and "5 元/GB" in reply.text and "有用" in reply.text
    bill = client.post(f"/portal/chat/{conversation}/messages", data={"text": "我的本月话费", "csrf_token": csrf},
                       headers=HTMX)
    assert "59.00 元" in bill.text
    # Without JavaScript: post and come back to the page, which shows the whole conversation.
    plain = client.post(f"/portal/chat/{conversation}/messages", data={"text": "<b>hi</b>", "csrf_token": csrf},
                        headers=HTML, follow_redirects=True)
    assert "&lt;b&gt;hi&lt;/b&gt;" in plain.text and "<b>hi</b>" not in plain.text
    assert "5 元/GB" in plain.text


def test_a_message_without_the_csrf_token_is_refused(client, session, now):
    catalogue(session)
    heavy_user(session, now=now)
    login_subscriber(client, session, number="13800138000")
    conversation = _conversation_id(client.get("/portal/chat", headers=HTML).text)
    response = client.post(f"/portal/chat/{conversation}/messages", data={"text": "你好"}, headers=HTML)
    assert response.status_code == 403


def test_another_subscribers_conversation_is_not_found(client, session, now):
    catalogue(session)
    heavy_user(session, now=now)
    heavy_user(session, now=now, number="13912345678")
    login_subscriber(client, session, number="13800138000")
    mine = _conversation_id(client.get("/portal/chat", headers=HTML).text)
    client.cookies.clear()
    csrf = login_subscriber(client, session, number="13912345678")
    response = client.post(f"/portal/chat/{mine}/messages", data={"text": "我的本月话费", "csrf_token": csrf},
                           headers=HTML)
    assert response.status_code == 404
    api = client.get(f"/api/v1/robot/conversations/{mine}")
    assert api.status_code == 404


def test_hand_over_from_the_chat_replaces_the_message_box(client, session, now):
    catalogue(session)
    heavy_user(session, now=now)
    csrf = login_subscriber(client, session, number="13800138000")
    conversation = _conversation_id(client.get("/portal/chat", headers=HTML).text)
    reply = client.post(f"/portal/chat/{conversation}/messages", data={"text": "转人工", "csrf_token": csrf},
                        headers=HTMX)
    assert "工单号 TS" in reply.text and 'hx-swap-oob="true"' in reply.text and "开始新的咨询" in reply.text
    again = client.get("/portal/chat", headers=HTML).text
    assert _conversation_id(again) != conversation  # a fresh conversation
