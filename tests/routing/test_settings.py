"""Offer timeout and callback policy are data in the workflow definition: validated when
saved (bad values are 422 and nothing changes), versioned with it, per queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.routing import config_service, service, transfer_service
from kefu.routing.errors import InvalidWorkflow, UnknownQueue
from kefu.routing.settings import parse_settings
from tests.factories.agents import create_agent
from tests.factories.identity import bearer, create_staff
from tests.factories.routing import create_centre

SLOW_SEAT = {
    "name": "hotline",
    "filters": [{"name": "data", "match": "category == 'data'", "steps": [{"queue": "data_seat"}]}],
    "default": {"queue": "front"},
    "settings": {"offer_timeout_seconds": 15, "callback": {"retry_minutes": 5}},
    "queue_settings": {"data_seat": {"offer_timeout_seconds": 40,
                                     "callback": {"within_minutes": 30, "max_attempts": 2}}},
}


def test_queue_settings_override_the_workflow_and_the_defaults():
    settings = parse_settings(SLOW_SEAT, queues=["front", "data_seat"])
    assert settings.for_queue("front").offer_timeout == timedelta(seconds=15)
    seat = settings.for_queue("data_seat")
    assert seat.offer_timeout == timedelta(seconds=40)
    assert (seat.callback.within, seat.callback.retry_delay, seat.callback.max_attempts) == (
        timedelta(minutes=30), timedelta(minutes=5), 2)
    assert parse_settings({}).for_queue("front").callback.within == timedelta(hours=1)  # seed 004's hour


@pytest.mark.parametrize("bad", [
    {"settings": {"offer_timeout_seconds": 0}},
    {"settings": {"offer_timeout_seconds": "20"}},
    {"settings": {"callback": {"max_attempts": 0}}},
    {"settings": {"callback": {"within_minutes": 100000}}},
    {"settings": {"callback": {"retry": 5}}},
    {"settings": {"ring": 5}},
    {"queue_settings": {"data_seat": {"offer_timeout_seconds": True}}},
])
def test_impossible_values_are_refused(bad):
    with pytest.raises(InvalidWorkflow):
        parse_settings(bad, queues=["data_seat"])


def test_settings_for_an_unknown_queue_are_refused():
    with pytest.raises(UnknownQueue):
        parse_settings({"queue_settings": {"klingon": {}}}, queues=["data_seat"])


def test_the_seat_rings_longer_and_books_callbacks_within_its_own_window(session, now):
    create_centre(session, now=now)
    config_service.save_workflow(session, definition=SLOW_SEAT, by="test", now=now)
    create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    contact = service.receive_contact(session, channel="voice", attrs={"category": "data"}, now=now)
    assert contact.offer_expires_at == now + timedelta(seconds=40)
    callback = transfer_service.register_callback(session, queue="data_seat", number="13800138000", now=now)
    assert callback.due_at == now + timedelta(minutes=30)


def test_the_last_attempt_comes_from_the_settings(session, now):
    create_centre(session, now=now)
    config_service.save_workflow(session, definition=SLOW_SEAT, by="test", now=now)
    specialist = create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    callback = transfer_service.register_callback(session, queue="data_seat", number="13800138000", now=now)
    from kefu.agents import service as agents

    for attempt in (1, 2):
        at = now + timedelta(minutes=5 * (attempt - 1))
        if attempt > 1:
            agents.change_presence(session, specialist, to="ready", now=at)
            service.dispatch(session, now=at)
        service.accept(session, callback.id, agent=specialist, offer_seq=callback.offer_seq, now=at)
        transfer_service.record_callback_result(session, callback.id, agent=specialist, result="no_answer", now=at)
        if attempt == 1:
            assert callback.state == "scheduled" and callback.not_before == at + timedelta(minutes=5)
    assert callback.state == "ended" and callback.outcome == "failed"


def test_the_api_refuses_bad_settings_and_keeps_the_version(client, session, now):
    create_centre(session, now=now)
    create_staff(session, username="sup9", roles=("supervisor",), now=now, display_name="班组长")
    headers = bearer(session, username="sup9", now=now)
    session.commit()
    bad = client.post("/api/v1/routing/workflow", headers=headers,
                      json={**SLOW_SEAT, "settings": {"offer_timeout_seconds": 1}})
    assert bad.status_code == 422 and "振铃超时" in bad.json()["message"]
    assert client.get("/api/v1/routing/workflow", headers=headers).json()["version"] == 1
    ok = client.post("/api/v1/routing/workflow", headers=headers, json=SLOW_SEAT)
    assert ok.status_code == 201 and ok.json()["version"] == 2
    assert ok.json()["definition"]["queue_settings"]["data_seat"]["offer_timeout_seconds"] == 40
