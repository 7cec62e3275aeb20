"""Callback appointments on the SLA clock (issue #7 part 5, seed 004): the appointment's
clock runs on the specialist seat's hours, warns and breaches like a ticket's, raises
the appointment's priority as it nears its due time, and stops when the callback is done."""

from __future__ import annotations

from datetime import timedelta

from kefu.core.db import unit_of_work
from kefu.routing import service, transfer_service
from kefu.sla import service as sla
from kefu.sla.tasks import scan_due
from tests.factories.agents import create_agent
from tests.factories.routing import create_centre
from tests.factories.sla import deliver_all


def _book(session, session_factory, at, *, number="13800138000"):
    callback = transfer_service.register_callback(session, queue="data_seat", number=number, now=at,
                                                  attrs={"category": "data_line"}, context={"ticket_id": 7})
    session.commit()
    deliver_all(session_factory, now=at)
    return callback


def _scan(session, session_factory, at):
    with unit_of_work(session_factory) as scan_session:
        scan_due(scan_session, at)
    deliver_all(session_factory, now=at)
    session.expire_all()


def test_an_appointment_gets_a_running_clock_due_within_the_hour(session, session_factory, now):
    create_centre(session, now=now)  # 10:00 in Shanghai, the seat is open
    callback = _book(session, session_factory, now)
    clock = sla.callback_clock(session, callback.id, now=now)
    assert clock is not None and clock.subject == "callback" and clock.state == "running"
    assert clock.policy_code == "callback_appointment" and clock.calendar == "specialist"
    assert clock.due_at == callback.due_at == now + timedelta(hours=1)
    # The ticket with the same number keeps its own clocks: the appointment's is not among them.
    assert sla.ticket_clocks(session, callback.id, now=now) == []


def test_the_clock_warns_then_breaches_and_the_appointment_climbs_past_live_callers(session, session_factory, now):
    create_centre(session, now=now)
    specialist = create_agent(session, now=now, skills="data:3", groups=("data_seat",))  # not ready yet
    callback = _book(session, session_factory, now)
    caller = service.receive_contact(session, channel="voice", attrs={"category": "data"}, now=now + timedelta(minutes=5))
    session.commit()
    assert callback.priority < caller.priority  # a fresh appointment waits behind the caller on the line

    _scan(session, session_factory, now + timedelta(minutes=49))  # warned at 80% of the hour
    assert sla.callback_clock(session, callback.id, now=now).warn_at is None
    assert callback.priority == caller.priority  # level: its older place now wins

    _scan(session, session_factory, now + timedelta(minutes=61))
    clock = sla.callback_clock(session, callback.id, now=now + timedelta(minutes=61))
    assert clock.state == "breached"
    assert callback.priority > caller.priority
    board = sla.board(session, now=now + timedelta(minutes=61))
    assert [c.ticket_id for c in board.breached if c.subject == "callback"] == [callback.id]

    for state in ("signed_in", "ready"):
        from kefu.agents import service as agents

        agents.change_presence(session, specialist, to=state, now=now + timedelta(minutes=62))
    offered = service.dispatch(session, now=now + timedelta(minutes=62))
    assert offered[0].id == callback.id


def test_the_clock_stops_when_the_callback_is_done(session, session_factory, now):
    create_centre(session, now=now)
    night = now.replace(hour=15)  # 23:00 in Shanghai: the seat is closed
    specialist = create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    callback = _book(session, session_factory, night)
    nine = night + timedelta(hours=10)
    clock = sla.callback_clock(session, callback.id, now=night)
    assert clock.due_at == nine + timedelta(hours=1)  # counted from the opening at 9:00
    service.dispatch(session, now=nine)
    service.accept(session, callback.id, agent=specialist, offer_seq=callback.offer_seq, now=nine)
    transfer_service.record_callback_result(session, callback.id, agent=specialist, result="reached",
                                            now=nine + timedelta(minutes=20))
    session.commit()
    deliver_all(session_factory, now=nine + timedelta(minutes=20))
    session.expire_all()
    clock = sla.callback_clock(session, callback.id, now=nine + timedelta(hours=2))
    assert clock.state == "met" and clock.used_seconds == 20 * 60
    assert clock.stopped_at == nine + timedelta(minutes=20)


def test_a_cancelled_appointment_stops_its_clock_without_a_result(session, session_factory, now):
    create_centre(session, now=now)
    callback = _book(session, session_factory, now)
    service.abandon(session, callback.id, now=now + timedelta(minutes=3))
    session.commit()
    deliver_all(session_factory, now=now + timedelta(minutes=3))
    session.expire_all()
    assert sla.callback_clock(session, callback.id, now=now + timedelta(hours=3)).state == "cancelled"
