"""Seed 004, the Dongguan data-service seat (9:00-22:00): online transfer when a
specialist is free, otherwise a callback appointment returned within 1 hour; one
registered off-hours is returned after 9:00."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.agents.hours import WeeklyHours
from kefu.routing.callbacks import CallbackPolicy, normalize_number
from kefu.routing.engine import RoutingEngine
from kefu.routing.errors import GroupClosed, InvalidCallbackNumber, NoAgentFree
from kefu.routing.state import ContactState
from kefu.routing.workflow import parse_workflow, queue_spec

SH = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 23) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).timestamp()


def dongguan(policy: CallbackPolicy | None = None) -> RoutingEngine:
    engine = RoutingEngine(
        [queue_spec("front", "skills.gsm >= 1"),
         queue_spec("data_seat", "skills.data >= 2", strategy="highest_skill", group="data_seat")],
        parse_workflow({"filters": [{"match": "category == 'data_line'", "steps": [{"queue": "data_seat"}]}],
                        "default": {"queue": "front"}}),
        hours={"data_seat": WeeklyHours.parse("09:00-22:00")},
        callback_policy=policy,
    )
    engine.add_agent("front1", attrs={"skills": {"gsm": 2}}, ready=True, now=at(8))
    return engine


def live_call(engine: RoutingEngine, now: float, contact_id: str = "c1") -> None:
    offer = engine.enqueue(contact_id, channel="voice", attrs={"category": "data"}, now=now,
                           context={"customer_id": 42, "ticket_id": 7})[0]
    engine.accept(offer.id, now=now)


def test_online_transfer_reaches_a_free_specialist_with_the_context():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, ready=True, now=at(9))
    live_call(engine, at(14))
    result = engine.transfer("c1", to_queue="data_seat", now=at(14, 3), notes="手机视频无法播放")
    assert result.kind == "online" and result.offer.agent.id == "spec1"
    assert result.offer.contact.context == {
        "customer_id": 42, "ticket_id": 7, "notes": ["手机视频无法播放"], "transferred_from_agent": "front1",
    }
    assert engine.agents["front1"].total_load() == 0  # the front-line agent is free again
    engine.accept(result.offer.id, now=at(14, 3))
    assert engine.contacts["c1"].agent.id == "spec1"


def test_every_specialist_busy_gives_a_callback_due_within_one_hour():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, now=at(9))  # signed in, busy elsewhere
    live_call(engine, at(14))
    with pytest.raises(NoAgentFree):
        engine.transfer("c1", to_queue="data_seat", now=at(14, 2))
    assert engine.contacts["c1"].state is ContactState.ASSIGNED  # nothing lost
    result = engine.transfer("c1", to_queue="data_seat", now=at(14, 2), callback_number="138 0013 8000")
    callback = engine.contacts[result.callback_id]
    assert callback.callback.due_at == at(15, 2)
    assert callback.callback.number == "13800138000"
    assert callback.context["ticket_id"] == 7
    assert engine.contacts["c1"].state is ContactState.ENDED
    # The specialist becomes ready: the appointment is offered at once.
    offers = engine.set_ready("spec1", True, now=at(14, 20))
    assert [o.contact.id for o in offers] == [result.callback_id]


def test_an_off_hours_appointment_is_returned_after_nine():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, ready=True, now=at(8))
    live_call(engine, at(23, 10))
    with pytest.raises(GroupClosed) as caught:
        engine.transfer("c1", to_queue="data_seat", now=at(23, 12))
    assert "09:00-22:00" in caught.value.zh
    result = engine.transfer("c1", to_queue="data_seat", now=at(23, 12), callback_number="13800138000")
    callback = engine.contacts[result.callback_id]
    assert callback.state is ContactState.SCHEDULED
    assert callback.callback.not_before == at(9, day=24)
    assert callback.callback.due_at == at(10, day=24)
    assert engine.advance(at(8, 59, day=24)) == []  # the specialist is ready, but the seat is closed
    offers = engine.advance(at(9, day=24))
    assert [o.contact.id for o in offers] == [result.callback_id]


def test_an_appointment_climbs_as_its_due_time_nears_and_keeps_its_place():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, now=at(9))  # not ready
    engine.register_callback("cb", queue="data_seat", number="13800138000", now=at(14), arrived_at=at(13, 58))
    engine.enqueue("caller", channel="voice", attrs={"category": "data_line"}, now=at(14, 1))
    # A live caller goes before a fresh appointment ...
    assert [c.id for c in engine.waiting("data_seat")] == ["caller", "cb"]
    engine.advance(at(14, 30))
    # ... level half an hour before due, the appointment's older place wins ...
    assert [c.id for c in engine.waiting("data_seat")] == ["cb", "caller"]
    engine.enqueue("vip", channel="voice", attrs={"category": "data_line", "vip_level": 5}, now=at(14, 40))
    assert [c.id for c in engine.waiting("data_seat")] == ["vip", "cb", "caller"]
    engine.advance(at(14, 50))
    # ... and ahead of everyone in the last ten minutes.
    assert [c.id for c in engine.waiting("data_seat")] == ["cb", "vip", "caller"]
    assert engine.contacts["cb"].arrived_at == at(13, 58)
    offers = engine.set_ready("spec1", True, now=at(14, 51))
    assert [o.contact.id for o in offers] == ["cb"]


def test_no_answer_is_retried_after_the_delay_then_done_after_max_attempts():
    policy = CallbackPolicy(retry_delay=timedelta(minutes=10), max_attempts=2)
    engine = dongguan(policy)
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, ready=True, now=at(9))
    offers = engine.register_callback("cb", queue="data_seat", number="13800138000", now=at(14))
    engine.accept(offers[0].id, now=at(14))
    engine.callback_result("cb", "no_answer", now=at(14, 1))
    assert engine.contacts["cb"].state is ContactState.SCHEDULED
    assert engine.advance(at(14, 10)) == []
    offers = engine.advance(at(14, 11))
    assert [o.contact.id for o in offers] == ["cb"]
    engine.accept(offers[0].id, now=at(14, 11))
    engine.callback_result("cb", "no_answer", now=at(14, 12))
    contact = engine.contacts["cb"]
    assert contact.state is ContactState.ENDED
    assert [r for _, r in contact.callback.results] == ["no_answer", "retried", "no_answer", "done"]


def test_a_reached_customer_finishes_the_appointment():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, ready=True, now=at(9))
    offers = engine.register_callback("cb", queue="data_seat", number="0769-22001234", now=at(14))
    engine.accept(offers[0].id, now=at(14, 5))
    engine.callback_result("cb", "reached", now=at(14, 9))
    assert [r for _, r in engine.contacts["cb"].callback.results] == ["reached", "done"]


@pytest.mark.parametrize("number", ["12345", "23800138000", "abc", "", "1380013800"])
def test_a_callback_to_an_invalid_number_is_refused_and_the_call_stays_live(number):
    engine = dongguan()
    live_call(engine, at(23))
    with pytest.raises(InvalidCallbackNumber):
        engine.transfer("c1", to_queue="data_seat", now=at(23, 1), callback_number=number)
    assert engine.contacts["c1"].state is ContactState.ASSIGNED


@pytest.mark.parametrize(("raw", "clean"), [("+86 138-0013-8000", "13800138000"), ("0769 2200 1234", "076922001234")])
def test_numbers_are_normalised(raw, clean):
    assert normalize_number(raw) == clean


def test_callers_waiting_for_a_closed_seat_are_routed_when_it_opens():
    engine = dongguan()
    engine.add_agent("spec1", attrs={"skills": {"data": 3}}, ready=True, now=at(8, 30))
    assert engine.enqueue("early", channel="voice", attrs={"category": "data_line"}, now=at(8, 40)) == []
    assert engine.advance(at(8, 59)) == []
    assert [o.contact.id for o in engine.advance(at(9))] == ["early"]
