"""The telephony switch posts call events (issue #7 part 2): each maps onto the voice
contact, repeats change nothing, bad or out-of-order events are clear 4xx."""

from __future__ import annotations

import pytest

from kefu.agents import service as agents
from kefu.routing import cti
from kefu.routing.chat_errors import CallEventOutOfOrder
from tests.factories.agents import create_agent
from tests.factories.identity import bearer, create_staff
from tests.factories.routing import create_centre


@pytest.mark.parametrize(("state", "event", "allowed"), [
    ("offered", "answered", True), ("offered", "ended", True), ("offered", "transferred", False),
    ("answered", "transferred", True), ("answered", "ended", True), ("answered", "offered", False),
    ("transferred", "answered", True), ("ended", "answered", False), ("ended", "transferred", False),
])
def test_call_events_follow_offered_answered_transferred_ended(state, event, allowed):
    if allowed:
        cti.check_order(state, event, call_id="c1")
    else:
        with pytest.raises(CallEventOutOfOrder):
            cti.check_order(state, event, call_id="c1")


@pytest.fixture
def switch(client, session, now):
    create_centre(session, now=now)
    create_staff(session, username="switch.dg", display_name="东莞交换机", roles=("cti_switch",), now=now)
    headers = bearer(session, username="switch.dg", now=now)

    def post(**body):
        return client.post("/api/v1/cti/events", json=body, headers=headers)

    return post


def test_a_call_is_offered_answered_transferred_to_the_data_seat_and_ended(switch, client, session, now):
    front = create_agent(session, now=now, skills="gsm:2", ready=True)
    specialist = create_agent(session, now=now, skills="data:3", ready=True, groups=("data_seat",))
    session.commit()

    offered = switch(event="offered", call_id="SW-20261120-0001", caller="13800138000", attrs={"segment": "public"})
    assert offered.status_code == 200, offered.text
    body = offered.json()
    assert body["state"] == "offered" and body["replayed"] is False
    assert body["contact"]["channel"] == "voice" and body["contact"]["agent_id"] == front.id
    assert body["agent_no"] == front.employee_no  # the extension the switch rings
    assert body["contact"]["context"]["call_id"] == "SW-20261120-0001"

    again = switch(event="offered", call_id="SW-20261120-0001", caller="13800138000")
    assert again.json()["replayed"] is True and again.json()["contact"]["id"] == body["contact"]["id"]

    answered = switch(event="answered", call_id="SW-20261120-0001", agent=front.employee_no)
    assert answered.json()["contact"]["state"] == "assigned" and answered.json()["contact"]["agent_id"] == front.id
    assert switch(event="answered", call_id="SW-20261120-0001", agent=front.employee_no).json()["replayed"] is True

    moved = switch(event="transferred", call_id="SW-20261120-0001", to_queue="data_l3", notes="WLAN 无法登录")
    assert moved.status_code == 200, moved.text
    contact = moved.json()["contact"]
    assert contact["queue_name"] == "data_l3" and contact["state"] == "offered" and contact["agent_id"] == specialist.id
    assert contact["context"]["notes"] == ["WLAN 无法登录"]

    switch(event="answered", call_id="SW-20261120-0001", agent=specialist.employee_no)
    done = switch(event="ended", call_id="SW-20261120-0001")
    assert done.json()["state"] == "ended" and done.json()["contact"]["state"] == "ended"
    assert switch(event="ended", call_id="SW-20261120-0001").json()["replayed"] is True
    session.expire_all()
    assert agents.get_agent(session, specialist.id).presence == "wrap_up"
    assert agents.get_agent(session, front.id).presence == "wrap_up"  # transferred away: the front agent wraps up


def test_a_caller_hanging_up_in_the_queue_is_abandoned(switch, client, session, now):
    session.commit()
    waiting = switch(event="offered", call_id="SW-2", caller="13900139000").json()
    assert waiting["contact"]["state"] == "queued" and waiting["agent_no"] is None  # nobody is ready
    headers = bearer(session, username="switch.dg", now=now)
    assert client.get("/api/v1/cti/calls/SW-2", headers=headers).json()["contact"]["state"] == "queued"
    assert client.get("/api/v1/cti/calls/NOPE", headers=headers).status_code == 404
    gone = switch(event="ended", call_id="SW-2")
    assert gone.status_code == 200 and gone.json()["contact"]["state"] == "abandoned"


def test_bad_and_out_of_order_events_are_clear_4xx(switch, client, session, now):
    agent = create_agent(session, now=now, skills="gsm:2", ready=True)
    session.commit()
    unknown = switch(event="answered", call_id="NOPE-1", agent=agent.employee_no)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_call"
    assert switch(event="hung_up", call_id="SW-3").status_code == 422
    assert switch(event="offered", call_id="bad id with spaces").status_code == 422
    switch(event="offered", call_id="SW-3", caller="13800138000")
    early = switch(event="transferred", call_id="SW-3", to_queue="data_seat")
    assert early.status_code == 409 and early.json()["code"] == "cti_event_out_of_order"
    missing = switch(event="answered", call_id="SW-3")
    assert missing.status_code == 422 and missing.json()["code"] == "cti_field_missing"
    stranger = switch(event="answered", call_id="SW-3", agent="E99999")
    assert stranger.status_code == 422 and stranger.json()["code"] == "unknown_agent"
    switch(event="answered", call_id="SW-3", agent=agent.employee_no)
    busy = switch(event="transferred", call_id="SW-3", to_queue="data_seat")  # no data specialist signed in
    assert busy.status_code == 409 and busy.json()["code"] == "no_specialist_free"
    nowhere = switch(event="transferred", call_id="SW-3", to_queue="no_such_queue")
    assert nowhere.status_code == 422 and nowhere.json()["code"] == "unknown_queue"
    assert switch(event="answered", call_id="SW-3", agent=agent.employee_no).json()["contact"]["state"] == "assigned"
    switch(event="ended", call_id="SW-3")
    late = switch(event="answered", call_id="SW-3", agent=agent.employee_no)
    assert late.status_code == 409 and "ended" in late.json()["message_en"]


def test_only_the_switch_posts_call_events(client, session, now):
    create_staff(session, username="agent.cti", display_name="话务员", roles=("agent",), now=now)
    headers = bearer(session, username="agent.cti", now=now)
    refused = client.post("/api/v1/cti/events", json={"event": "offered", "call_id": "X1"}, headers=headers)
    assert refused.status_code == 403
    assert client.post("/api/v1/cti/events", json={"event": "offered", "call_id": "X1"}).status_code == 401


def test_the_switch_account_reads_no_staff_data(switch, client, session, now):
    headers = bearer(session, username="switch.dg", now=now)
    assert client.get("/api/v1/routing/queues", headers=headers).status_code == 403
