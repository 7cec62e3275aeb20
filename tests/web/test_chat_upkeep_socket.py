"""Typing indicators, departures and the supervisor's monitor through the ASGI app: the
customer's "typing" reaches the desk and the agent's reaches the widget, never as a
message; a closed widget starts the clock of an abandoned chat and a reconnect stops it;
a supervisor without an agent profile watches the chats read-only."""

from __future__ import annotations

from datetime import timedelta

from kefu.identity import service as identity
from kefu.routing import chat, chat_repository, chat_typing, chat_upkeep
from tests.factories.agents import create_agent
from tests.factories.customers import create_subscriber
from tests.factories.routing import create_centre
from tests.factories.web import (
    chat_sockets_take_turns,
    customer_with_history,
    login_staff,
    login_subscriber,
    subscriber_at_the_live_chat,
)

HTML = {"Accept": "text/html"}


def _frame(socket, until):
    frame = socket.receive_json()
    while not until(frame):
        frame = socket.receive_json()
    return frame


def _desk_agent(client, session, now, username="typing.agent"):
    login_staff(client, session, roles=("agent",), now=now, username=username)
    user = next(u for u in identity.list_users(session) if u.username == username)
    return create_agent(session, now=now, user_id=user.id, skills="gsm:2", ready=True, name="李娜")


def test_typing_goes_both_ways_and_is_never_a_message(client, session, now, clock, monkeypatch):
    shared = chat_sockets_take_turns(monkeypatch)
    create_centre(session, now=now)
    customer = customer_with_history(session, now=now)
    agent = _desk_agent(client, session, now)
    row = chat.start_chat(session, subscriber_id=customer.subscriber.id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    session.commit()
    lines = len(chat.messages(session, row.id))

    with client.websocket_connect("/chats/ws") as socket:
        desk = socket.receive_json()
        assert desk["typing"] == []
        socket.send_json({"type": "typing", "contact_id": row.id})
        socket.send_json({"type": "typing", "contact_id": 999_999})
        assert socket.receive_json()["code"] == "contact_not_found"
    client.cookies.clear()
    login_subscriber(client, session, number=customer.number)
    with client.websocket_connect("/portal/livechat/ws") as socket:
        frame = socket.receive_json()
        assert frame["typing"] is True  # the agent is typing: “对方正在输入…”
        socket.send_json({"type": "typing"})
        socket.send_json({"type": "send", "text": " "})  # answered after the typing frame was handled
        assert socket.receive_json()["code"] == "invalid_chat_message"
        with shared:
            session.expire_all()
            assert chat.typing_in(session, [row.id], now=now) == {row.id: {"customer", "agent"}}
        clock.advance(timedelta(seconds=chat_typing.TTL_SECONDS + 1))
        frame = _frame(socket, lambda f: f["typing"] is False)  # no more typing: it goes out by itself
        assert frame["messages"] == []
    session.expire_all()
    assert chat.typing_in(session, [row.id], now=now) == {row.id: {"agent"}}  # a closed widget types no more
    assert len(chat.messages(session, row.id)) == lines  # nothing went into the transcript


def test_the_desk_shows_the_customers_typing(client, session, now):
    create_centre(session, now=now)
    customer = customer_with_history(session, now=now)
    agent = _desk_agent(client, session, now)
    row = chat.start_chat(session, subscriber_id=customer.subscriber.id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.customer_typing(session, row, now=now)
    session.commit()
    with client.websocket_connect("/chats/ws") as socket:
        assert socket.receive_json()["typing"] == [row.id]


def test_a_closed_widget_starts_the_abandon_clock_and_a_reconnect_stops_it(client, session, now):
    subscriber_at_the_live_chat(client, session, now=now)
    with client.websocket_connect("/portal/livechat/ws") as socket:
        socket.send_json({"type": "start"})
        contact_id = _frame(socket, lambda f: f.get("contact"))["contact"]["id"]
    session.expire_all()
    row = chat.get_chat(session, contact_id)
    assert row.context["customer_left_at"] == now.isoformat()
    with client.websocket_connect("/portal/livechat/ws") as socket:
        socket.receive_json()
        session.expire_all()
        assert "customer_left_at" not in chat.get_chat(session, contact_id).context  # back in time
    session.expire_all()  # closed again: the clock runs from now
    assert chat_upkeep.scan(session, now + timedelta(minutes=1)) == 0
    assert chat_upkeep.scan(session, now + timedelta(minutes=2)) == 1
    assert row.state == "abandoned"


def test_an_open_widget_beats_and_a_closed_one_leaves_no_beat_behind(client, session, now):
    """What lets the upkeep job tell a socket lost with its server process from one closed."""
    subscriber_at_the_live_chat(client, session, now=now)
    with client.websocket_connect("/portal/livechat/ws") as socket:
        socket.send_json({"type": "start"})
        contact_id = _frame(socket, lambda f: f.get("contact"))["contact"]["id"]  # sent after its first beat
        session.expire_all()
        assert chat_repository.customer_sockets(session, [contact_id]) == {contact_id: now}
    session.expire_all()
    assert chat_repository.customer_sockets(session, [contact_id]) == {}
    chat_upkeep.scan(session, now + timedelta(minutes=1))
    assert chat_upkeep.CONNECTION_LOST not in [m.text for m in chat.messages(session, contact_id)]


def test_a_supervisor_without_an_agent_profile_monitors_the_chats_read_only(client, session, now):
    create_centre(session, now=now)
    customer = customer_with_history(session, now=now)
    agent = create_agent(session, now=now, skills="gsm:2", ready=True, name="王芳")
    row = chat.start_chat(session, subscriber_id=customer.subscriber.id, now=now)
    chat.accept_chat(session, row.id, agent=agent, offer_seq=row.offer_seq, now=now)
    chat.post_customer_message(session, row, text="我的宽带一直掉线", now=now)
    session.commit()

    login_staff(client, session, roles=("agent",), now=now, username="plain.agent")
    assert client.get("/chats/monitor", headers=HTML).status_code == 403
    assert client.get(f"/chats/monitor/{row.id}", headers=HTML).status_code == 403
    client.cookies.clear()

    login_staff(client, session, roles=("supervisor",), now=now, username="chat.supervisor")
    desk = client.get("/chats", headers=HTML, follow_redirects=False)
    assert desk.status_code == 303 and desk.headers["location"] == "/chats/monitor"
    page = client.get("/chats/monitor", headers=HTML)
    assert page.status_code == 200 and "王芳" in page.text and f'data-contact-id="{row.id}"' in page.text
    assert 'data-figure="answered">1<' in page.text
    assert "<form" not in page.text.split('id="chat-monitor"')[1]  # nothing to act with
    partial = client.get("/chats/monitor", headers={**HTML, "HX-Request": "true"})
    assert "<html" not in partial.text and "王芳" in partial.text
    with_reason = chat.start_chat(session, subscriber_id=create_subscriber(session, number="13900002222").id, now=now)
    chat_upkeep.customer_disconnected(session, with_reason.subscriber_id, now=now - timedelta(minutes=5))
    chat_upkeep.scan(session, now)
    session.commit()
    ended = client.get("/chats/monitor", headers=HTML).text.split('id="mon-ended"')[1]
    assert f'data-contact-id="{with_reason.id}"' in ended and chat_upkeep.LEFT_WAITING in ended
    transcript = client.get(f"/chats/monitor/{row.id}", headers=HTML)
    assert transcript.status_code == 200 and "我的宽带一直掉线" in transcript.text
    wechat = chat.start_chat(session, subscriber_id=create_subscriber(session, number="13900003333").id, now=now,
                             channel="wechat")
    session.commit()
    waiting = client.get("/chats/monitor", headers=HTML).text.split('id="mon-waiting"')[1].split("</table>")[0]
    assert f'#{wechat.id}</a> <span class="muted">微信</span>' in waiting
    assert client.get("/chats/monitor/999999", headers=HTML).status_code == 404
