"""TMF621 hub: listeners subscribe, ticket events reach them through the outbox as TMF
event bodies valid against the swagger, a failing listener is retried on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kefu import wiring
from kefu.core.events import OutboxEntry
from kefu.core.outbox_delivery import deliver_pending
from kefu.tickets import hub
from tests.api.tmf621.conftest import BASE, TT, trouble_ticket
from tests.api.tmf621.listener import Listener
from tests.api.tmf621.spec import check

HUB = f"{BASE}/hub"


def deliver(session_factory, clock, passes: int = 3) -> None:
    """Runs the worker's outbox delivery with the real wiring: fan-out, then the POSTs."""
    handlers = wiring.event_handlers()
    for _ in range(passes):
        deliver_pending(session_factory, handlers, worker_id="test", now=clock.now)


@pytest.fixture
def listener():
    with Listener() as running:
        yield running


def test_a_supervisor_registers_and_removes_a_listener(supervisor, handler):
    response = supervisor.post(HUB, json={"callback": "http://127.0.0.1:9/listener", "query": "eventType=TroubleTicketCreateEvent"})

    assert response.status_code == 201, response.text
    subscription = response.json()
    check("EventSubscription", subscription)
    assert subscription["query"] == "eventType=TroubleTicketCreateEvent"
    assert handler.post(HUB, json={"callback": "http://127.0.0.1:9/x"}).status_code == 403
    assert supervisor.delete(f"{HUB}/{subscription['id']}").status_code == 204
    gone = supervisor.delete(f"{HUB}/{subscription['id']}")
    assert gone.status_code == 404
    check("Error", gone.json())


def test_a_listener_needs_an_http_callback(supervisor):
    for body in ({}, {"callback": ""}, {"callback": "ftp://example.org/x"}, {"callback": "127.0.0.1"}):
        response = supervisor.post(HUB, json=body)
        assert response.status_code == 400, body
        check("Error", response.json())


def test_a_listener_on_a_host_not_allowed_is_refused_so_ticket_data_cannot_be_sent_anywhere(supervisor):
    # Only KEFU_TMF_LISTENER_HOSTS (here the default: this machine) may receive ticket events.
    for callback in ("http://169.254.169.254/latest/meta-data", "https://evil.example/collect"):
        response = supervisor.post(HUB, json={"callback": callback})
        assert response.status_code == 400, callback
        check("Error", response.json())
        assert "KEFU_TMF_LISTENER_HOSTS" in response.text


def test_a_listener_hears_of_a_new_trouble_ticket(supervisor, handler, subscriber, listener, session_factory, clock):
    supervisor.post(HUB, json={"callback": listener.url})
    created = handler.post(TT, json=trouble_ticket(subscriber.id)).json()

    deliver(session_factory, clock)

    assert listener.types() == ["TroubleTicketCreateEvent"]
    event = listener.received[0]
    check("TroubleTicketCreateEvent", event)
    assert event["event"]["troubleTicket"]["id"] == created["id"]
    assert event["event"]["troubleTicket"]["status"] == "acknowledged"
    assert event["eventTime"] == "2026-11-20T02:00:00Z" and event["eventId"]


def test_every_kind_of_change_reaches_the_listener_as_its_tmf_event(
    supervisor, handler, subscriber, listener, session_factory, clock
):
    supervisor.post(HUB, json={"callback": listener.url})
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    handler.patch(f"{TT}/{tid}", json={"severity": "Critical"})
    handler.patch(f"{TT}/{tid}", json={"status": "resolved", "statusChangeReason": "远程重置端口后恢复"})
    other = handler.post(TT, json=trouble_ticket(subscriber.id, ticketType="consultation")).json()["id"]
    handler.delete(f"{TT}/{other}")

    deliver(session_factory, clock)

    by_type: dict[str, list[dict]] = {}
    for event in listener.received:
        by_type.setdefault(event["eventType"], []).append(event)
        check(event["eventType"], event)
    assert set(by_type) == {
        "TroubleTicketCreateEvent", "TroubleTicketAttributeValueChangeEvent", "TroubleTicketStatusChangeEvent",
        "TroubleTicketResolvedEvent", "TroubleTicketDeleteEvent",
    }
    changed = [e for e in by_type["TroubleTicketAttributeValueChangeEvent"] if e["fieldPath"] == "severity"]
    assert len(changed) == 1
    assert by_type["TroubleTicketResolvedEvent"][0]["event"]["troubleTicket"]["status"] == "resolved"
    deleted = by_type["TroubleTicketDeleteEvent"][0]["event"]["troubleTicket"]
    assert deleted["id"] == other and deleted["status"] == "cancelled"


def test_a_query_limits_what_a_listener_hears(supervisor, handler, subscriber, listener, session_factory, clock):
    supervisor.post(HUB, json={"callback": listener.url,
                               "query": "eventType=TroubleTicketStatusChangeEvent&event.troubleTicket.severity=Critical"})
    minor = handler.post(TT, json=trouble_ticket(subscriber.id, severity="Minor", ticketType="consultation")).json()
    critical = handler.post(TT, json=trouble_ticket(subscriber.id, severity="Critical", ticketType="fault")).json()
    for ticket in (minor, critical):
        handler.patch(f"{TT}/{ticket['id']}", json={"status": "inProgress"})

    deliver(session_factory, clock)

    assert listener.types() == ["TroubleTicketStatusChangeEvent"]
    assert listener.received[0]["event"]["troubleTicket"]["id"] == critical["id"]


def test_a_failing_listener_is_retried_and_the_others_are_not_told_twice(
    supervisor, handler, subscriber, session_factory, clock
):
    with Listener(failures=2) as flaky, Listener() as steady:
        supervisor.post(HUB, json={"callback": flaky.url})
        supervisor.post(HUB, json={"callback": steady.url})
        tid = int(handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"])

        deliver(session_factory, clock)
        assert flaky.received == [] and flaky.attempts == 1
        assert steady.types() == ["TroubleTicketCreateEvent"]
        with session_factory() as session:
            waiting = session.scalars(
                select(OutboxEntry).where(OutboxEntry.event_type == "HubNotificationQueued",
                                          OutboxEntry.delivered_at.is_(None))
            ).all()
            assert len(waiting) == 1 and "500" in (waiting[0].last_error or "")

        deliver(session_factory, clock)  # backing off: not yet due
        assert flaky.attempts == 1
        clock.advance(timedelta(seconds=3))
        deliver(session_factory, clock)  # second failure, backs off 4 s
        clock.advance(timedelta(seconds=5))
        deliver(session_factory, clock)

        assert flaky.types() == ["TroubleTicketCreateEvent"] and flaky.attempts == 3
        assert steady.types() == ["TroubleTicketCreateEvent"]
        assert flaky.received[0]["eventId"] == steady.received[0]["eventId"]
        with session_factory() as session:
            assert all(n.delivered_at is not None for n in hub.notifications(session, tid))


def test_a_removed_listener_gets_nothing_more(supervisor, handler, subscriber, listener, session_factory, clock):
    subscription = supervisor.post(HUB, json={"callback": listener.url}).json()
    handler.post(TT, json=trouble_ticket(subscriber.id))
    deliver(session_factory, clock, passes=1)  # fanned out, not yet posted
    supervisor.delete(f"{HUB}/{subscription['id']}")

    deliver(session_factory, clock)

    assert listener.received == []


def test_a_query_naming_an_event_we_never_send_is_a_400(supervisor):
    response = supervisor.post(HUB, json={"callback": "http://127.0.0.1:9/x", "query": "eventType=TicketExploded"})
    assert response.status_code == 400
    check("Error", response.json())


def test_the_expected_resolution_date_is_the_sla_resolve_clock(handler, subscriber, session_factory, clock):
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    assert "expectedResolutionDate" not in handler.get(f"{TT}/{tid}").json()  # no clock until the worker ran

    deliver(session_factory, clock)  # the SLA module starts its clocks on TicketOpened

    body = handler.get(f"{TT}/{tid}").json()
    check("TroubleTicket", body)
    clocks = handler.get(f"/api/v1/tickets/{tid}/clocks")
    resolve = [c for c in clocks.json() if c["target"] == "resolve"] if clocks.status_code == 200 else []
    assert resolve, clocks.text
    assert body["expectedResolutionDate"].replace("Z", "+00:00") == resolve[-1]["due_at"].replace("Z", "+00:00")


def test_a_note_added_through_patch_is_an_attribute_value_change(
    supervisor, handler, subscriber, listener, session_factory, clock
):
    supervisor.post(HUB, json={"callback": listener.url, "query": "eventType=TroubleTicketAttributeValueChangeEvent"})
    tid = handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"]
    handler.patch(f"{TT}/{tid}", json={"note": [{"text": "客户补充：路由器型号 AX3000"}]})

    deliver(session_factory, clock)

    assert [e["fieldPath"] for e in listener.received] == ["note"]
    check("TroubleTicketAttributeValueChangeEvent", listener.received[0])
    assert listener.received[0]["event"]["troubleTicket"]["note"][0]["text"] == "客户补充：路由器型号 AX3000"


def test_a_listener_down_for_a_day_is_given_up_on(supervisor, handler, subscriber, session_factory, clock):
    with Listener(failures=1000) as dead:
        supervisor.post(HUB, json={"callback": dead.url})
        tid = int(handler.post(TT, json=trouble_ticket(subscriber.id)).json()["id"])
        deliver(session_factory, clock)
        assert dead.attempts == 1

        clock.advance(hub.GIVE_UP_AFTER + timedelta(minutes=1))
        deliver(session_factory, clock)

        assert dead.attempts == 1
        with session_factory() as session:
            [notification] = hub.notifications(session, tid)
            assert notification.delivered_at is not None and notification.response_status == 0
            pending = session.scalars(select(OutboxEntry).where(OutboxEntry.event_type == "HubNotificationQueued",
                                                                OutboxEntry.delivered_at.is_(None))).all()
            assert pending == []
