"""Ticket use cases beyond the seed stories: return visits, reopening, cancelling,
escalation, consent rules, coordinators, optimisations and concurrent writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from kefu.core.errors import Conflict
from kefu.customers import service as customers
from kefu.tickets import service as tickets
from kefu.tickets.errors import (
    AlreadyDecided,
    MissingField,
    ReopenWindowPassed,
    StaleVersion,
    UnappliedRemedies,
)
from kefu.tickets.lifecycle import InvalidTransition
from kefu.tickets.models import Ticket
from tests.factories.customers import create_product, create_subscriber
from tests.factories.tickets import create_ticket, published, staff


@pytest.fixture
def agent(session, now):
    return staff(session, now=now)


@pytest.fixture
def subscriber(session):
    return create_subscriber(session)


def _resolved(session, subscriber, agent, now):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    tickets.resolve(session, ticket.id, by=agent, now=now, resolution="已解释账单")
    return ticket


def test_unsatisfied_return_visit_reopens_and_unreachable_waits(session, now, subscriber, agent):
    ticket = _resolved(session, subscriber, agent, now)
    tickets.return_visit(session, ticket.id, outcome="unreachable", by=agent, now=now + timedelta(hours=2))
    assert ticket.status == "return_visit"
    tickets.return_visit(session, ticket.id, outcome="unsatisfied", by=agent, now=now + timedelta(hours=5),
                         note="客户认为仍多收费")
    assert ticket.status == "investigating" and ticket.reopen_count == 1 and ticket.resolved_at is None
    events = published(session, ticket.id)
    assert events.count("TicketReturnVisited") == 1 and events[-1] == "TicketReopened"


def test_a_closed_ticket_reopens_only_within_the_dispute_window(session, now, subscriber, agent):
    ticket = _resolved(session, subscriber, agent, now)
    tickets.return_visit(session, ticket.id, outcome="satisfied", by=agent, now=now)
    tickets.reopen(session, ticket.id, reason="又被多收", by=agent, now=now + timedelta(days=6))
    assert ticket.status == "investigating"
    other = _resolved(session, subscriber, agent, now)
    tickets.return_visit(session, other.id, outcome="satisfied", by=agent, now=now)
    with pytest.raises(ReopenWindowPassed):
        tickets.reopen(session, other.id, reason="太晚了", by=agent, now=now + timedelta(days=8))
    with pytest.raises(InvalidTransition):
        tickets.reopen(session, ticket.id, reason="still open", by=agent, now=now)


def test_cancel_and_reject_need_a_reason_and_end_the_ticket(session, now, subscriber, agent):
    cancelled = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, category="plan")
    tickets.cancel(session, cancelled.id, reason="客户撤诉", by=agent, now=now)
    rejected = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, category="marketing")
    tickets.cancel(session, rejected.id, reason="非本公司业务", reject=True, by=agent, now=now)
    assert (cancelled.status, rejected.status) == ("cancelled", "rejected")
    assert published(session, rejected.id)[-1] == "TicketCancelled"
    with pytest.raises(InvalidTransition) as caught:
        tickets.dispatch(session, cancelled.id, department="billing", by=agent, now=now)
    assert caught.value.details["allowed_next"] == []


def test_escalation_is_idempotent_and_raises_priority(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, type="consultation",
                           category=None)
    tickets.escalate(session, ticket.id, level=1, reason="即将超时", now=now)
    tickets.escalate(session, ticket.id, level=1, reason="重复投递", now=now)
    assert (ticket.escalation_level, ticket.priority) == (1, "high")
    tickets.escalate(session, ticket.id, level=2, reason="已超时", now=now)
    assert (ticket.escalation_level, ticket.priority) == (2, "urgent")
    assert published(session, ticket.id).count("TicketEscalated") == 2


def test_resolving_needs_an_applied_agreed_remedy_or_a_resolution(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    tickets.accept(session, ticket.id, by=agent, now=now)
    with pytest.raises(MissingField):
        tickets.resolve(session, ticket.id, by=agent, now=now)
    credit = tickets.propose_remedy(session, ticket.id, kind="bill_credit", amount_fen=1000, by=agent, now=now)
    tickets.give_consent(session, ticket.id, credit.id, agreed=True, by=agent, now=now)
    with pytest.raises(UnappliedRemedies):
        tickets.resolve(session, ticket.id, by=agent, now=now)
    with pytest.raises(AlreadyDecided):
        tickets.give_consent(session, ticket.id, credit.id, agreed=False, by=agent, now=now)
    tickets.apply_remedy(session, ticket.id, credit.id, by=agent, now=now)
    tickets.resolve(session, ticket.id, by=agent, now=now)
    assert ticket.status == "resolved" and ticket.resolution == "话费减免"


def test_declined_remedy_leads_to_a_new_proposal(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    voucher = tickets.propose_remedy(session, ticket.id, kind="voucher", amount_fen=2000, by=agent, now=now)
    tickets.give_consent(session, ticket.id, voucher.id, agreed=False, by=agent, now=now, note="不要礼品券")
    assert ticket.status == "customer_declined"
    data = tickets.propose_remedy(session, ticket.id, kind="data_gift", data_mb=5120, by=agent, now=now)
    assert ticket.status == "remedy_proposed"
    tickets.give_consent(session, ticket.id, data.id, agreed=True, by=agent, now=now)
    tickets.apply_remedy(session, ticket.id, data.id, by=agent, now=now)
    [gift] = customers.list_adjustments(session, subscriber.id, reference=f"ticket:{ticket.id}")
    assert gift.kind == "data_gift" and gift.data_mb == 5120


def test_optimisations_change_the_plan_or_send_installation(session, now, agent):
    create_product(session, code="P59", fee_fen=5900)
    create_product(session, code="P39", fee_fen=3900, data_mb=20480)
    create_product(session, code="BB300", kind="broadband", fee_fen=9900, bandwidth_mbps=300)
    subscriber = create_subscriber(session, plan="P59")
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, category="plan")
    plan = tickets.propose_remedy(session, ticket.id, kind="plan_change", product_code="P39", by=agent, now=now)
    speed = tickets.propose_remedy(session, ticket.id, kind="bandwidth_upgrade", product_code="BB300", by=agent,
                                   now=now)
    with pytest.raises(Exception) as caught:
        tickets.propose_remedy(session, ticket.id, kind="plan_change", product_code="NOPE", by=agent, now=now)
    assert caught.value.status_code == 422
    for remedy in (plan, speed):
        tickets.give_consent(session, ticket.id, remedy.id, agreed=True, by=agent, now=now)
        tickets.apply_remedy(session, ticket.id, remedy.id, by=agent, now=now)
    view = customers.customer_360(session, subscriber.id, now=now)
    assert view.plan is not None and view.plan.code == "P39"
    detail = tickets.get_ticket(session, ticket.id, viewer=agent)
    assert [t.department for t in detail.tasks] == ["installation"] and speed.applied_reference.startswith("task:")


def test_a_cross_department_ticket_asks_for_a_coordinator_and_keeps_its_owner(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, category="broadband")
    tickets.dispatch(session, ticket.id, department="installation", by=agent, now=now)
    tickets.dispatch(session, ticket.id, department="network", by=agent, now=now)
    assert tickets.get_ticket(session, ticket.id, viewer=agent).needs_coordinator
    lead = staff(session, now=now, username="lead.zhou", display_name="周协调", roles=("supervisor",))
    tickets.transfer_coordinator(session, ticket.id, coordinator_id=lead.user_id, by=lead, now=now)
    detail = tickets.get_ticket(session, ticket.id, viewer=agent)
    assert not detail.needs_coordinator and detail.coordinator_id == lead.user_id
    assert detail.owner_id == agent.user_id


def test_a_stale_version_names_who_changed_the_ticket(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    read = ticket.version
    tickets.add_note(session, ticket.id, text="客户来电催办", by=agent, now=now + timedelta(minutes=5))
    with pytest.raises(StaleVersion) as caught:
        tickets.accept(session, ticket.id, by=agent, now=now, version=read)
    assert "杨倩" in caught.value.zh and "10:05:00" in caught.value.zh


def test_a_write_that_raced_another_is_refused_not_lost(session, now, subscriber, agent):
    """Between loading the ticket and writing it, another transaction changed it: the
    version check in the UPDATE turns that into a 409 instead of overwriting."""
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    session.execute(update(Ticket).where(Ticket.id == ticket.id).values(version=Ticket.version + 1)
                    .execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as caught:
        tickets.accept(session, ticket.id, by=agent, now=now)
    assert caught.value.code == "stale_version"


def test_merge_into_a_closed_ticket_is_refused(session, now, subscriber, agent):
    closed = _resolved(session, subscriber, agent, now)
    tickets.return_visit(session, closed.id, outcome="satisfied", by=agent, now=now)
    newer = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now, category="payment")
    with pytest.raises(InvalidTransition):
        tickets.merge(session, newer.id, into_ticket_id=closed.id, by=agent, now=now)
    assert newer.status == "intake"


def test_problem_record_steps_are_checked(session, now, subscriber, agent):
    ticket = create_ticket(session, subscriber_id=subscriber.id, by=agent, now=now)
    problem = tickets.open_problem(session, title="账单模板错误", root_cause="计费模板未更新", ticket_ids=[ticket.id],
                                   by=agent, now=now)
    tickets.progress_problem(session, problem.id, status="rectified", note="模板已修正", by=agent, now=now)
    with pytest.raises(Conflict) as caught:
        tickets.progress_problem(session, problem.id, status="rectifying", note="x", by=agent, now=now)
    assert caught.value.details["allowed_next"] == []
