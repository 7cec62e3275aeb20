"""The routing and agents API through the ASGI app: role checks, presence, offers,
transfer and callbacks, clear errors for bad input."""

from __future__ import annotations

from tests.factories.agents import create_agent
from tests.factories.identity import bearer, create_staff
from tests.factories.routing import create_centre


def _headers(session, now, username, roles):
    user = create_staff(session, username=username, roles=roles, now=now, display_name=username)
    return user, bearer(session, username=username, now=now)


def test_only_supervisors_edit_queues_and_workflows(client, session, now):
    _, agent_h = _headers(session, now, "agent1", ("agent",))
    _, sup_h = _headers(session, now, "sup1", ("supervisor",))
    body = {"name": "english", "expression": 'skills.english >= 1 and language == "en"'}
    assert client.put("/api/v1/routing/queues", json=body, headers=agent_h).status_code == 403
    response = client.put("/api/v1/routing/queues", json=body, headers=sup_h)
    assert response.status_code == 200, response.text
    bad = client.put("/api/v1/routing/queues", json={"name": "x", "expression": "skills.klingon >= 1"}, headers=sup_h)
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_skill" and "klingon" in bad.json()["message"]
    no_default = client.post("/api/v1/routing/workflow", json={"filters": []}, headers=sup_h)
    assert no_default.status_code == 422 and no_default.json()["code"] == "workflow_without_default"
    ok = client.post("/api/v1/routing/workflow", json={"name": "hotline", "default": {"queue": "english"}}, headers=sup_h)
    assert ok.status_code == 201 and ok.json()["version"] == 1


def test_an_agent_signs_in_gets_an_offer_accepts_and_completes(client, session, now):
    create_centre(session, now=now)
    user, h = _headers(session, now, "agent2", ("agent",))
    agent = create_agent(session, now=now, user_id=user.id, skills="gsm:2")
    session.commit()
    contact = client.post("/api/v1/routing/contacts", json={"channel": "voice", "subscriber_id": 5}, headers=h).json()
    assert contact["state"] == "queued"
    impossible = client.post("/api/v1/agents/me/presence", json={"state": "ready"}, headers=h)
    assert impossible.status_code == 409 and impossible.json()["code"] == "invalid_presence_change"
    assert client.post("/api/v1/agents/me/presence", json={"state": "signed_in"}, headers=h).status_code == 200
    assert client.post("/api/v1/agents/me/presence", json={"state": "ready"}, headers=h).status_code == 200
    offers = client.get("/api/v1/routing/offers", headers=h).json()
    assert [o["id"] for o in offers] == [contact["id"]]
    seq = offers[0]["offer_seq"]
    accepted = client.post(f"/api/v1/routing/contacts/{contact['id']}/accept", json={"offer_seq": seq}, headers=h)
    assert accepted.status_code == 200 and accepted.json()["state"] == "assigned"
    again = client.post(f"/api/v1/routing/contacts/{contact['id']}/accept", json={"offer_seq": seq}, headers=h)
    assert again.status_code == 409
    done = client.post(f"/api/v1/routing/contacts/{contact['id']}/complete", headers=h)
    assert done.json()["state"] == "ended"
    me = client.get("/api/v1/agents/me", headers=h).json()
    assert me["presence"] == "wrap_up" and me["id"] == agent.id
    log = client.get(f"/api/v1/agents/{agent.id}/presence-log", headers=h).json()
    assert [e["state"] for e in log] == ["signed_in", "ready", "talking", "wrap_up"]


def test_transfer_to_a_closed_seat_is_a_clear_error_or_a_callback(client, session, now, clock):
    from datetime import timedelta

    create_centre(session, now=now)
    user, h = _headers(session, now, "agent3", ("agent",))
    create_agent(session, now=now, user_id=user.id, skills="gsm:2", ready=True)
    session.commit()
    clock.set(now.replace(hour=15))  # 23:00 in Shanghai
    contact = client.post("/api/v1/routing/contacts", json={"channel": "voice", "ticket_id": 9}, headers=h).json()
    client.post(f"/api/v1/routing/contacts/{contact['id']}/accept", json={"offer_seq": contact["offer_seq"]}, headers=h)
    closed = client.post(f"/api/v1/routing/contacts/{contact['id']}/transfer", json={"to_queue": "data_seat"}, headers=h)
    assert closed.status_code == 409 and closed.json()["code"] == "group_closed"
    bad_number = client.post(f"/api/v1/routing/contacts/{contact['id']}/transfer",
                             json={"to_queue": "data_seat", "callback_number": "110"}, headers=h)
    assert bad_number.status_code == 422
    assert client.get(f"/api/v1/routing/contacts/{contact['id']}", headers=h).json()["state"] == "assigned"
    booked = client.post(f"/api/v1/routing/contacts/{contact['id']}/transfer",
                         json={"to_queue": "data_seat", "callback_number": "13800138000", "notes": "WLAN"}, headers=h)
    assert booked.status_code == 200 and booked.json()["kind"] == "callback"
    callback = booked.json()["contact"]
    assert callback["state"] == "scheduled" and callback["context"]["notes"] == ["WLAN"]
    nine = now.replace(hour=15) + timedelta(hours=10)
    assert callback["due_at"].startswith(nine.replace(hour=nine.hour + 1).strftime("%Y-%m-%dT%H:%M"))
