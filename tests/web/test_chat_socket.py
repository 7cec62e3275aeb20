"""The chat sockets through the ASGI app: only a logged-in subscriber opens the portal's,
only a seat the desk's; a page on another site cannot open them with the user's cookie;
a message reaches the agent's desk and a reconnecting client gets what it missed."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from kefu.agents import service as agents
from kefu.identity import service as identity
from kefu.routing import chat
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre
from tests.factories.web import (
    chat_sockets_take_turns,
    customer_with_history,
    login_staff,
    login_subscriber,
    subscriber_at_the_live_chat,
)

HTML = {"Accept": "text/html"}


def _refused(client, path: str, **headers) -> int:
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(path, headers=headers) as socket:
        socket.receive_json()
    return closed.value.code


def test_sockets_refuse_the_anonymous_the_wrong_role_and_other_sites(client, session, now):
    assert _refused(client, "/portal/livechat/ws") == 1008
    assert _refused(client, "/chats/ws") == 1008
    customer = customer_with_history(session, now=now)
    login_subscriber(client, session, number=customer.number)
    assert _refused(client, "/chats/ws") == 1008  # a subscriber is no agent
    assert _refused(client, "/portal/livechat/ws", origin="https://evil.example") == 1008
    assert _refused(client, "/portal/livechat/ws", cookie="kefu_session=forged-or-expired") == 1008
    with client.websocket_connect("/portal/livechat/ws", headers={"origin": "http://testserver"}) as socket:
        socket.send_json({"type": "send", "text": "你好"})
        assert socket.receive_json()["code"] == "chat_not_found"  # no chat yet: a clear answer


def test_a_staff_session_does_not_open_the_customer_socket(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    assert _refused(client, "/portal/livechat/ws") == 1008


def test_the_customer_chats_and_a_reconnect_resumes_after_the_last_message(client, session, now):
    subscriber_at_the_live_chat(client, session, now=now)
    with client.websocket_connect("/portal/livechat/ws") as socket:
        socket.send_json({"type": "start"})
        frame = socket.receive_json()
        while not frame.get("messages"):
            frame = socket.receive_json()
        assert frame["contact"]["state"] == "queued" and frame["messages"][-1]["sender"] == "system"
        socket.send_json({"type": "send", "text": "宽带从昨晚开始上不了网"})
        frame = socket.receive_json()
        assert [m["text"] for m in frame["messages"]] == ["宽带从昨晚开始上不了网"]
        last = frame["messages"][-1]["id"]
        socket.send_json({"type": "send", "text": " "})
        assert socket.receive_json()["code"] == "invalid_chat_message"
    page = client.get("/portal/livechat", headers=HTML)
    assert page.status_code == 200 and "宽带从昨晚开始上不了网" in page.text  # the transcript after a reload
    with client.websocket_connect(f"/portal/livechat/ws?after={last - 1}") as socket:
        frame = socket.receive_json()
        assert [m["id"] for m in frame["messages"]] == [last]


def test_the_desk_shows_an_offered_chat_with_its_transcript(client, session, now):
    create_centre(session, now=now)
    login_staff(client, session, roles=("agent",), now=now, username="desk.agent")
    user = next(u for u in identity.list_users(session) if u.username == "desk.agent")
    agent = create_agent(session, now=now, user_id=user.id, skills="gsm:2", ready=True, name="李娜")
    customer = customer_with_history(session, now=now)
    row = chat.start_chat(session, subscriber_id=customer.subscriber.id, now=now)
    chat.post_customer_message(session, row, text="我要投诉网速慢", now=now)
    session.commit()
    assert client.get("/chats", headers=HTML).status_code == 200
    with client.websocket_connect("/chats/ws") as socket:
        desk = socket.receive_json()
        assert desk["agent"]["presence"] == "ready"
        assert [(c["id"], c["state"]) for c in desk["chats"]] == [(row.id, "offered")]
        assert desk["chats"][0]["customer"]["number"].count("*") >= 4  # masked
        assert desk["chats"][0]["channel"] == "web"
        assert [m["text"] for m in desk["messages"]][-1] == "我要投诉网速慢"
        socket.send_json({"type": "accept", "contact_id": row.id, "offer_seq": desk["chats"][0]["offer_seq"]})
        desk = socket.receive_json()
        assert desk["chats"][0]["state"] == "assigned"
        socket.send_json({"type": "send", "contact_id": row.id, "text": "您好，我来帮您查一下"})
        desk = socket.receive_json()
        assert desk["messages"][-1]["text"] == "您好，我来帮您查一下"
    session.expire_all()
    assert agents.get_agent(session, agent.id).presence == "talking"


def test_a_message_written_by_another_process_reaches_the_socket_by_the_poll(client, session, now, monkeypatch):
    """No in-process wake-up here: the row is written straight to the database, as a second
    server process would, and the customer's socket finds it on its next poll."""
    shared = chat_sockets_take_turns(monkeypatch)
    create_centre(session, now=now)
    customer = customer_with_history(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="王芳")
    row = chat.start_chat(session, subscriber_id=customer.subscriber.id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    session.commit()
    login_subscriber(client, session, number=customer.number)
    with client.websocket_connect("/portal/livechat/ws") as socket:
        first = socket.receive_json()
        assert first["contact"]["state"] == "assigned"
        with shared:
            chat.post_agent_message(session, row.id, agent=agent, text="您好，我是王芳，请问有什么可以帮您？", now=now)
            session.commit()
        frame = socket.receive_json()
        assert [m["text"] for m in frame["messages"]] == ["您好，我是王芳，请问有什么可以帮您？"]
