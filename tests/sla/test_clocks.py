"""Clocks driven by ticket events delivered through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.sla import clocks, repository
from kefu.sla.calendar import elapsed
from kefu.tickets.events import (
    TicketCancelled,
    TicketClosed,
    TicketCustomerReplied,
    TicketFeedbackGiven,
    TicketReopened,
    TicketResolved,
    TicketResponded,
    TicketReturnVisited,
    TicketWaitingOnCustomer,
)
from tests.factories.sla import deliver_all, opened, publish

SH = ZoneInfo("Asia/Shanghai")


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def by_target(session, ticket_id):
    session.expire_all()
    return {(c.target, c.cycle): c for c in repository.clocks_of_ticket(session, ticket_id)}


def test_complaint_opened_friday_2150_must_be_answered_by_saturday_0905(session, session_factory):
    at = sh(2026, 11, 20, 21, 50)
    event = opened(at=at)
    publish(session_factory, event, now=at)
    found = by_target(session, event.ticket_id)
    assert set(found) == {("respond", 1), ("feedback", 1), ("resolve", 1)}
    respond = found[("respond", 1)]
    assert respond.due_at == sh(2026, 11, 21, 9, 5)
    assert respond.policy_code == "complaint" and respond.policy_version == 1
    assert respond.state == "running" and respond.warning is None
    # Warned at 80 % of 15 minutes: 12 minutes in = Saturday 09:02.
    assert respond.warn_at == sh(2026, 11, 21, 9, 2)
    assert respond.next_check_at == respond.warn_at
    assert respond.department == "billing"


def test_when_that_saturday_is_a_holiday_it_is_due_the_next_working_day(session, session_factory):
    at = sh(2025, 5, 30, 21, 50)  # Dragon Boat Festival holiday 31 May – 2 June 2025
    event = opened(at=at)
    publish(session_factory, event, now=at)
    assert by_target(session, event.ticket_id)[("respond", 1)].due_at == sh(2025, 6, 3, 9, 5)


def test_vip_runs_on_seven_by_twenty_four_with_a_tighter_target(session, session_factory):
    at = sh(2025, 10, 1, 3, 0)
    event = opened(at=at, segment="vip")
    publish(session_factory, event, now=at)
    found = by_target(session, event.ticket_id)
    assert found[("respond", 1)].due_at == sh(2025, 10, 1, 3, 10)
    assert found[("resolve", 1)].due_at == sh(2025, 10, 3, 3, 0)
    assert found[("respond", 1)].policy_code == "vip_government_enterprise"


def test_pausing_two_business_hours_moves_every_running_clock_by_exactly_that(session, session_factory):
    start = sh(2026, 11, 16, 10, 0)  # Monday
    event = opened(at=start, ticket_id=9001)
    publish(session_factory, event, now=start)
    before = {k: c.due_at for k, c in by_target(session, 9001).items()}
    publish(session_factory, TicketResponded(ticket_id=9001, at=start + timedelta(minutes=5)), now=start)
    pause_at = sh(2026, 11, 16, 21, 0)
    publish(session_factory, TicketWaitingOnCustomer(ticket_id=9001, reason="等待客户提供账单截图", at=pause_at),
            now=pause_at)
    paused = by_target(session, 9001)
    assert paused[("feedback", 1)].state == "paused"
    assert paused[("feedback", 1)].pause_reason == "等待客户提供账单截图"
    assert paused[("feedback", 1)].next_check_at is None
    assert paused[("respond", 1)].state == "met"
    # The specialist calendar closes 22:00–09:00: 21:00 → next day 10:00 is 2 business hours
    # on it; the natural-days calendar (feedback, resolve) counts 13 hours.
    resume_at = sh(2026, 11, 17, 10, 0)
    publish(session_factory, TicketCustomerReplied(ticket_id=9001, at=resume_at), now=resume_at)
    after = by_target(session, 9001)
    for key in (("feedback", 1), ("resolve", 1)):
        clock = after[key]
        assert clock.state == "running"
        calendar = clocks.calendar(session, clock.calendar_code)
        assert elapsed(before[key], clock.due_at, calendar) == calendar.elapsed(pause_at, resume_at)
        assert calendar.elapsed(clock.started_at, clock.due_at) - calendar.elapsed(pause_at, resume_at) \
            == timedelta(seconds=clock.target_seconds)
    assert after[("feedback", 1)].due_at - before[("feedback", 1)] == timedelta(hours=13)


def test_two_business_hours_on_a_seven_by_twenty_four_clock(session, session_factory):
    start = sh(2026, 11, 16, 10, 0)
    publish(session_factory, opened(at=start, ticket_id=9002, segment="government_enterprise"), now=start)
    before = {k: c.due_at for k, c in by_target(session, 9002).items()}
    publish(session_factory, TicketWaitingOnCustomer(ticket_id=9002, reason="客户出差", at=start + timedelta(minutes=1)),
            now=start)
    publish(session_factory, TicketCustomerReplied(ticket_id=9002, at=start + timedelta(hours=2, minutes=1)), now=start)
    after = by_target(session, 9002)
    assert {k: c.due_at - before[k] for k, c in after.items()} == {k: timedelta(hours=2) for k in before}


def test_the_whole_lifecycle_stores_results_as_they_happen(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    publish(session_factory, opened(at=t0, ticket_id=9003), now=t0)
    publish(session_factory, TicketResponded(ticket_id=9003, at=t0 + timedelta(minutes=3)),
            TicketFeedbackGiven(ticket_id=9003, at=t0 + timedelta(hours=2)),
            TicketResolved(ticket_id=9003, at=t0 + timedelta(hours=30)), now=t0 + timedelta(hours=30))
    found = by_target(session, 9003)
    assert {k: c.state for k, c in found.items()} == {
        ("respond", 1): "met", ("feedback", 1): "met", ("resolve", 1): "met", ("return_visit", 1): "running"}
    result = repository.result_of(session, found[("respond", 1)].id)
    assert result.result == "met" and result.business_seconds == 180 and result.policy_version == 1
    # A failed return visit: the ticket is reopened and the resolve clock starts again.
    t1 = t0 + timedelta(hours=40)
    publish(session_factory, TicketReturnVisited(ticket_id=9003, satisfied=False, at=t1),
            TicketReopened(ticket_id=9003, reason="客户不满意", at=t1), now=t1)
    found = by_target(session, 9003)
    assert found[("return_visit", 1)].state == "met"
    assert found[("resolve", 2)].state == "running" and found[("resolve", 2)].started_at == t1
    publish(session_factory, TicketClosed(ticket_id=9003, at=t1 + timedelta(hours=1)), now=t1)
    found = by_target(session, 9003)
    assert all(c.stopped_at is not None for c in found.values())
    assert repository.result_of(session, found[("resolve", 2)].id).result == "met"


def test_a_late_response_is_a_breach_with_the_business_time_used(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    publish(session_factory, opened(at=t0, ticket_id=9004), now=t0)
    publish(session_factory, TicketResponded(ticket_id=9004, at=t0 + timedelta(minutes=20)), now=t0)
    respond = by_target(session, 9004)[("respond", 1)]
    assert respond.state == "breached"
    result = repository.result_of(session, respond.id)
    assert (result.result, result.business_seconds, result.target_seconds) == ("breached", 1200, 900)


def test_redelivered_events_change_nothing(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    event = opened(at=t0, ticket_id=9005)
    wait = TicketWaitingOnCustomer(ticket_id=9005, reason="等客户回电", at=t0 + timedelta(hours=1))
    reply = TicketCustomerReplied(ticket_id=9005, at=t0 + timedelta(hours=2))
    publish(session_factory, event, now=t0)
    publish(session_factory, wait, now=t0)
    publish(session_factory, reply, now=t0)
    snapshot = {k: (c.state, c.due_at, c.consumed_us) for k, c in by_target(session, 9005).items()}
    publish(session_factory, event, wait, reply, wait, now=t0)
    assert {k: (c.state, c.due_at, c.consumed_us) for k, c in by_target(session, 9005).items()} == snapshot
    resolved = TicketResolved(ticket_id=9005, at=t0 + timedelta(hours=3))
    publish(session_factory, resolved, resolved, now=t0)
    assert [k for k in by_target(session, 9005) if k[0] == "return_visit"] == [("return_visit", 1)]


def test_an_event_that_overtakes_ticket_opened_waits_for_it(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    publish(session_factory, TicketResponded(ticket_id=9006, at=t0 + timedelta(minutes=2)), now=t0)
    assert by_target(session, 9006) == {}
    publish(session_factory, opened(at=t0, ticket_id=9006), now=t0)
    deliver_all(session_factory, now=t0 + timedelta(minutes=5))  # after the retry back-off
    assert by_target(session, 9006)[("respond", 1)].state == "met"


def test_cancelled_ticket_stops_every_clock_without_a_result(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    publish(session_factory, opened(at=t0, ticket_id=9007), now=t0)
    publish(session_factory, TicketCancelled(ticket_id=9007, reason="重复提交", at=t0 + timedelta(minutes=1)), now=t0)
    found = by_target(session, 9007)
    assert {c.state for c in found.values()} == {"cancelled"}
    assert all(c.next_check_at is None for c in found.values())
    assert all(repository.result_of(session, c.id) is None for c in found.values())


def test_a_ticket_matching_no_policy_gets_the_default_and_a_visible_warning(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    publish(session_factory, opened(at=t0, ticket_id=9008, ticket_type="unheard_of"), now=t0)
    found = by_target(session, 9008)
    assert found, "a ticket always gets clocks"
    assert {c.policy_code for c in found.values()} == {"default"}
    assert all("default" in (c.warning or "") for c in found.values())


def test_beyond_the_holiday_data_a_clock_still_runs_and_says_why(session, session_factory):
    # chinese-calendar 1.11 knows holidays up to 2026: a complaint on New Year's Eve 21:50
    # would be answered in 2027 on the specialist calendar.
    at = sh(2026, 12, 31, 21, 50)
    publish(session_factory, opened(at=at, ticket_id=9009), now=at)
    respond = by_target(session, 9009)[("respond", 1)]
    assert respond.state == "running"
    assert respond.due_at == at + timedelta(minutes=15)  # natural time: stricter, never later
    assert "chinese-calendar" in respond.warning and "upgrade" in respond.warning
