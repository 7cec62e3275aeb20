"""Warnings, breaches and escalation done by the worker's scan."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kefu.core.db import unit_of_work
from kefu.core.outbound import OutboundMessage
from kefu.sla import repository
from kefu.sla.escalation import ScanContext
from kefu.sla.models import SlaEscalation
from kefu.sla.tasks import scan_due
from kefu.tickets.events import TicketResponded
from tests.factories.identity import create_staff
from tests.factories.sla import opened, publish

SH = ZoneInfo("Asia/Shanghai")


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


class RecordingTickets:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, session, ticket_id, *, level, reason, now):
        assert "SLA" in reason
        self.calls.append((ticket_id, level))


def scan(factory, at, tickets):
    with unit_of_work(factory) as session:
        return scan_due(session, at, context=ScanContext(escalator=tickets))


def staff(session, now):
    create_staff(session, username="lead.billing", roles=("supervisor",), department="billing", now=now)
    create_staff(session, username="lead.network", roles=("supervisor",), department="network", now=now)
    create_staff(session, username="centre.boss", roles=("admin",), now=now)


def messages(session):
    session.expire_all()
    return [(m.recipient, m.subject) for m in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))]


def test_warning_breach_and_three_levels_each_exactly_once(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)  # Monday; complaint policy, specialist hours 9:00–22:00
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5001, category="billing"), now=t0)
    tickets = RecordingTickets()

    assert scan(session_factory, t0 + timedelta(minutes=11), tickets) == 0
    assert scan(session_factory, t0 + timedelta(minutes=12), tickets) == 1  # 80 % of 15 minutes
    warned = messages(session)
    assert warned == [("lead.billing", "【时效预警】工单 5001 响应时限将到")]

    assert scan(session_factory, t0 + timedelta(minutes=15), tickets) == 1  # breach + level 1 (no delay)
    respond = {c.target: c for c in repository.clocks_of_ticket(session, 5001)}["respond"]
    assert respond.state == "breached" and respond.breached_at == t0 + timedelta(minutes=15)
    assert respond.escalation_level == 1
    assert tickets.calls == [(5001, 1)]
    assert messages(session)[1:] == [("lead.billing", "【时效升级·班组长】工单 5001 响应已超时")]
    assert repository.result_of(session, respond.id).result == "breached"

    # Level 2 four business hours later (14:15).
    assert respond.next_check_at == t0 + timedelta(hours=4, minutes=15)
    for _ in range(3):  # scanning again and again changes nothing
        scan(session_factory, t0 + timedelta(hours=4), tickets)
    scan(session_factory, t0 + timedelta(hours=4, minutes=15), tickets)
    assert tickets.calls == [(5001, 1), (5001, 2)]
    assert {r for r, _ in messages(session)[2:]} == {"lead.billing", "lead.network"}
    scan(session_factory, sh(2026, 11, 17, 10, 14), tickets)
    assert tickets.calls[2:] == [(5001, 1)]  # the 24 h feedback clock breached at 10:00 and escalates on its own

    def respond_levels():
        return sorted(session.scalars(select(SlaEscalation.level).where(SlaEscalation.clock_id == respond.id)))

    # Level 3 after 24 business hours of 9:00–22:00: Monday 10:15 + 11¾ h + 12¼ h = Tuesday 21:15.
    scan(session_factory, sh(2026, 11, 17, 21, 14), tickets)
    assert respond_levels() == [0, 1, 2]
    scan(session_factory, sh(2026, 11, 17, 21, 15), tickets)
    scan(session_factory, sh(2026, 11, 17, 21, 15), tickets)
    assert respond_levels() == [0, 1, 2, 3]
    assert tickets.calls[-1] == (5001, 3)
    assert ("centre.boss", "【时效升级·中心管理层】工单 5001 响应已超时") in messages(session)


def test_a_catch_up_after_an_outage_does_every_missed_level_once(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5002), now=t0)
    tickets = RecordingTickets()
    scan(session_factory, sh(2026, 11, 20, 12, 0), tickets)  # the worker was down for four days
    scan(session_factory, sh(2026, 11, 20, 12, 0), tickets)
    # Respond, feedback (24 h) and resolve (72 h) all breached; each went through its three levels once.
    assert sorted(tickets.calls) == [(5002, level) for level in (1, 1, 1, 2, 2, 2, 3, 3, 3)]
    rows = session.execute(select(SlaEscalation.clock_id, SlaEscalation.level).where(SlaEscalation.ticket_id == 5002))
    by_clock: dict[int, list[int]] = {}
    for clock_id, level in rows:
        by_clock.setdefault(clock_id, []).append(level)
    # No warning after the breach: it would only be noise.
    assert sorted(sorted(levels) for levels in by_clock.values()) == [[1, 2, 3]] * 3


def test_a_response_in_time_cancels_the_warning_and_escalation(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5003), now=t0)
    publish(session_factory, TicketResponded(ticket_id=5003, at=t0 + timedelta(minutes=5)), now=t0)
    tickets = RecordingTickets()
    scan(session_factory, t0 + timedelta(hours=1), tickets)
    respond = {c.target: c for c in repository.clocks_of_ticket(session, 5003)}["respond"]
    assert respond.state == "met" and tickets.calls == [] and messages(session) == []


def test_reminders_wait_for_the_recipients_service_hours(session, session_factory):
    # A 12315 transfer runs on 7×24, but the back office hears of it 08:30–17:30 on working days.
    t0 = sh(2026, 11, 20, 20, 0)  # Friday evening
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5004, ticket_type="external", channel="12315"), now=t0)
    tickets = RecordingTickets()
    scan(session_factory, sh(2026, 11, 20, 21, 1), tickets)
    respond = {c.target: c for c in repository.clocks_of_ticket(session, 5004)}["respond"]
    assert respond.state == "breached" and respond.breached_at == sh(2026, 11, 20, 21, 0)
    assert tickets.calls == [] and messages(session) == []
    assert respond.next_check_at == sh(2026, 11, 23, 8, 30)
    scan(session_factory, sh(2026, 11, 22, 12, 0), tickets)
    assert tickets.calls == []
    scan(session_factory, sh(2026, 11, 23, 8, 31), tickets)
    # Respond (due Friday 21:00) and feedback (24 h, due Saturday 20:00) reach level 1 on Monday
    # morning; level 2 follows its 60-minute delay from there, not from the night breach.
    assert tickets.calls == [(5004, 1), (5004, 1)]
    scan(session_factory, sh(2026, 11, 23, 9, 29), tickets)
    assert len(tickets.calls) == 2
    scan(session_factory, sh(2026, 11, 23, 9, 30), tickets)
    assert tickets.calls[2:] == [(5004, 2), (5004, 2)]


def test_one_failing_clock_does_not_block_the_others(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5005), opened(at=t0, ticket_id=5006), now=t0)

    def flaky(session, ticket_id, *, level, reason, now):
        if ticket_id == 5005:
            raise RuntimeError("ticket store down")

    scan(session_factory, t0 + timedelta(minutes=16), flaky)
    clocks = {(c.ticket_id, c.target): c for t in (5005, 5006) for c in repository.clocks_of_ticket(session, t)}
    assert clocks[(5006, "respond")].escalation_level == 1
    assert clocks[(5005, "respond")].escalation_level == 0
    assert clocks[(5005, "respond")].next_check_at == t0 + timedelta(minutes=17)
    assert session.scalar(select(func.count(SlaEscalation.id)).where(SlaEscalation.ticket_id == 5005)) == 0


def test_many_breaches_in_one_batch_reach_a_person_as_one_list(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)
    staff(session, t0)
    publish(session_factory, *(opened(at=t0, ticket_id=5100 + i) for i in range(3)), now=t0)
    scan(session_factory, t0 + timedelta(minutes=16), RecordingTickets())
    sent = messages(session)
    assert sent == [("lead.billing", "【时效升级·班组长】3 张工单已超时 / 3 tickets breached their SLA")]
    body = session.scalars(select(OutboundMessage.body)).one()
    assert [line.split()[1] for line in body.splitlines()] == ["5100", "5101", "5102"]


def test_a_worker_catching_up_at_night_waits_for_the_morning_to_notify(session, session_factory):
    t0 = sh(2026, 11, 16, 10, 0)  # complaint: notified on the specialist calendar, 9:00–22:00
    staff(session, t0)
    publish(session_factory, opened(at=t0, ticket_id=5200), now=t0)
    tickets = RecordingTickets()
    scan(session_factory, sh(2026, 11, 17, 3, 0), tickets)  # the worker was down from 10:00 until 03:00
    respond = {c.target: c for c in repository.clocks_of_ticket(session, 5200)}["respond"]
    assert respond.state == "breached" and respond.breached_at == t0 + timedelta(minutes=15)
    assert tickets.calls == [] and messages(session) == []
    assert respond.next_check_at == sh(2026, 11, 17, 9, 0)
    scan(session_factory, sh(2026, 11, 17, 9, 0), tickets)
    assert (5200, 1) in tickets.calls and messages(session)
