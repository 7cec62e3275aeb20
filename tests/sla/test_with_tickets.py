"""The SLA engine with the real tickets module: a ticket's own events start and stop its
clocks, and a breach raises the ticket's priority and shows on its timeline."""

from __future__ import annotations

from datetime import timedelta

from kefu.core.db import unit_of_work
from kefu.sla import service as sla
from kefu.sla.tasks import scan_due
from kefu.tickets import service as tickets
from kefu.tickets.models import Ticket
from kefu.worker.runner import Worker
from tests.factories.customers import create_subscriber
from tests.factories.identity import create_staff
from tests.factories.sla import deliver_all
from tests.factories.tickets import create_ticket, history_kinds, staff


def _complaint(session, now):
    subscriber = create_subscriber(session, number="13800001111")
    session.commit()
    handler = staff(session, now=now)
    return create_ticket(session, subscriber_id=subscriber.id, by=handler, now=now), handler


def test_accepting_a_complaint_in_time_meets_its_response_clock(session, session_factory, now):
    ticket, handler = _complaint(session, now)
    deliver_all(session_factory, now=now)
    clocks = {c.target: c for c in sla.ticket_clocks(session, ticket.id, now=now)}
    assert clocks["respond"].state == "running" and clocks["respond"].policy_code == "complaint"
    tickets.accept(session, ticket.id, by=handler, now=now + timedelta(minutes=4))
    session.commit()
    deliver_all(session_factory, now=now + timedelta(minutes=4))
    clocks = {c.target: c for c in sla.ticket_clocks(session, ticket.id, now=now + timedelta(minutes=5))}
    assert clocks["respond"].state == "met" and clocks["respond"].used_seconds == 240


def test_a_breach_raises_the_ticket_and_records_it_on_the_timeline(session, session_factory, now):
    create_staff(session, username="lead.billing", roles=("supervisor",), department="billing", now=now)
    ticket, _ = _complaint(session, now)
    deliver_all(session_factory, now=now)
    before = ticket.priority
    with unit_of_work(session_factory) as scan_session:
        assert scan_due(scan_session, now + timedelta(minutes=16)) >= 1
    session.expire_all()
    raised = session.get(Ticket, ticket.id)
    assert raised.escalation_level == 1
    assert raised.priority != before
    assert "escalated" in history_kinds(session, ticket.id)


def test_the_worker_loop_runs_the_sla_scan(session, session_factory, settings, clock, now):
    ticket, _ = _complaint(session, now)
    worker = Worker(session_factory, settings=settings, clock=clock)
    assert "sla_scan" in {job.name for job in worker.jobs}
    assert next(job for job in worker.jobs if job.name == "sla_scan").every_seconds <= 30
    worker.run_once()  # delivers TicketOpened: the clocks start
    clock.advance(timedelta(minutes=20))
    worker._last_run.clear()
    worker.run_once()
    respond = next(c for c in sla.ticket_clocks(session, ticket.id, now=clock.now()) if c.target == "respond")
    assert respond.state == "breached" and respond.escalation_level == 1
