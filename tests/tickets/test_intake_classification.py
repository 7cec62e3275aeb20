"""Intake classification (SPEC C4): the machine categorises and dispatches what it is sure
of, says so in history, and an agent can reverse it — the correction feeds training."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kefu.nlp.models import Correction
from kefu.tickets import service as tickets
from kefu.tickets.dispatch import AUTO_ACTOR
from kefu.tickets.errors import UnknownCode
from kefu.tickets.models import TicketLink, TicketTask
from kefu.tickets.schemas import TicketCreate
from tests.factories.customers import create_subscriber
from tests.factories.tickets import history_kinds, staff

NLP = tickets.IntakeNlp()
BROADBAND = "家里宽带断网三天了，光猫一直亮红灯，报修了也没人上门，赶紧派师傅来修"


def open_complaint(session, subscriber, by, now, core_demand: str, **fields):
    ticket, _ = tickets.open_ticket(
        session,
        TicketCreate(type=fields.pop("type", "complaint"), subscriber_id=subscriber.id, channel="hotline",
                     core_demand=core_demand, **fields),
        by=by, now=now, nlp=NLP,
    )
    session.commit()
    return ticket


def tasks_of(session, ticket_id):
    return list(session.scalars(select(TicketTask).where(TicketTask.ticket_id == ticket_id).order_by(TicketTask.id)))


@pytest.fixture
def agent(session, now):
    return staff(session, now=now, username="li.na", display_name="李娜", roles=("agent",))


def test_clear_broadband_complaint_is_categorised_and_dispatched_to_installation_automatically(session, now, agent):
    subscriber = create_subscriber(session, district="南山区")
    ticket = open_complaint(session, subscriber, agent, now, BROADBAND)

    assert (ticket.category, ticket.department, ticket.classification_source) == ("broadband", "installation", "auto")
    assert ticket.classification_confidence >= NLP.auto_threshold and ticket.classification_model
    assert ticket.status == "dispatched" and ticket.district == "南山区"
    assert ticket.classification["keywords"] and ticket.classification["suggestions"][0]["category"] == "broadband"
    (task,) = tasks_of(session, ticket.id)
    assert (task.department, task.created_by, task.status) == ("installation", AUTO_ACTOR, "open")
    detail = tickets.get_ticket(session, ticket.id, viewer=agent)
    classified = next(e for e in detail.history if e.kind == "classified")
    dispatched = next(e for e in detail.history if e.kind == "task_dispatched")
    assert classified.actor == AUTO_ACTOR and classified.detail["automatic"] is True
    assert dispatched.actor == AUTO_ACTOR and dispatched.detail["automatic"] is True
    assert dispatched.detail["triggered_by"] == agent.actor
    # An automatic dispatch is not a response to the customer: the response clock runs on.
    assert ticket.responded_at is None


def test_ambiguous_text_is_not_dispatched_and_keeps_suggestions_for_the_agent(session, now, agent):
    subscriber = create_subscriber(session)
    ticket = open_complaint(session, subscriber, agent, now, "那个事情怎么样了")

    assert ticket.status == "intake" and tasks_of(session, ticket.id) == []
    assert ticket.classification_confidence < NLP.auto_threshold
    assert len(ticket.classification["suggestions"]) == 3
    classified = next(e for e in tickets.get_ticket(session, ticket.id, viewer=agent).history if e.kind == "classified")
    assert classified.detail["auto_dispatch"] is False and "未自动派单" in classified.reason


def test_agents_own_category_wins_and_nothing_is_dispatched_automatically(session, now, agent):
    subscriber = create_subscriber(session)
    ticket = open_complaint(session, subscriber, agent, now, BROADBAND, category="billing")

    assert (ticket.category, ticket.department, ticket.classification_source) == ("billing", "billing", "agent")
    assert ticket.status == "intake" and tasks_of(session, ticket.id) == []
    assert ticket.classification["category"] == "broadband"  # what the machine thought, kept for the record
    assert "classified" not in history_kinds(session, ticket.id)


def test_correction_is_recorded_for_training_and_the_task_redispatched(session, now, agent):
    subscriber = create_subscriber(session)
    ticket = open_complaint(session, subscriber, agent, now, BROADBAND)
    (auto_task,) = tasks_of(session, ticket.id)

    later = now + timedelta(minutes=5)
    tickets.reclassify(session, ticket.id, category="mobile_network", reason="用户说的是手机上网断网", by=agent,
                       now=later)
    session.commit()

    session.refresh(auto_task)
    assert auto_task.status == "cancelled"
    tasks = tasks_of(session, ticket.id)
    assert [(t.department, t.status, t.created_by) for t in tasks[1:]] == [("network", "open", agent.actor)]
    assert (ticket.category, ticket.department, ticket.classification_source) == ("mobile_network", "network", "agent")
    (correction,) = session.scalars(select(Correction)).all()
    assert (correction.category, correction.predicted_category, correction.ref) == (
        "mobile_network", "broadband", f"ticket:{ticket.id}")
    assert correction.corrected_by == agent.actor and correction.model_version == ticket.classification_model
    entry = next(e for e in tickets.get_ticket(session, ticket.id, viewer=agent).history if e.kind == "reclassified")
    assert entry.detail["category_from"] == "broadband" and entry.detail["cancelled_task_ids"] == [auto_task.id]
    assert history_kinds(session, ticket.id)[-3:] == ["task_cancelled", "reclassified", "task_dispatched"]


def test_reclassify_to_an_unknown_category_is_refused_and_changes_nothing(session, now, agent):
    subscriber = create_subscriber(session)
    ticket = open_complaint(session, subscriber, agent, now, BROADBAND)
    with pytest.raises(UnknownCode):
        tickets.reclassify(session, ticket.id, category="weather", by=agent, now=now)
    assert ticket.category == "broadband" and session.scalars(select(Correction)).all() == []


def test_12315_threat_from_an_elderly_subscriber_raises_priority_with_evidence(session, now, agent):
    elderly = create_subscriber(session, name="王奶奶", birth_year=1944)
    ticket = open_complaint(session, elderly, agent, now, "你们乱扣我话费，再不退钱我就去12315投诉你们！")

    assert ticket.urgency == "urgent" and ticket.priority == "urgent"
    kinds = {e["kind"] for e in ticket.classification["evidence"]}
    assert {"consumer_body", "vulnerable"} <= kinds
    raised = next(e for e in tickets.get_ticket(session, ticket.id, viewer=agent).history if e.kind == "priority_raised")
    assert raised.detail["priority_from"] == "normal" and raised.detail["priority_to"] == "urgent"
    assert "12315" in raised.reason and raised.detail["automatic"] is True
    assert ticket.classification["hint"]


def test_a_calm_question_from_a_middle_aged_customer_keeps_normal_priority(session, now, agent):
    subscriber = create_subscriber(session, birth_year=1985)
    ticket = open_complaint(session, subscriber, agent, now, "请问宽带怎么办理移机", type="consultation")
    assert ticket.priority == "normal" and ticket.urgency == "normal"
    assert ticket.status == "intake"  # a consultation is never dispatched on its own


def test_similarly_worded_complaint_in_another_category_is_a_repeat(session, now, agent):
    subscriber = create_subscriber(session)
    first = open_complaint(session, subscriber, agent, now, "每个月都多扣我20块钱的流量包费用，我从来没订过",
                           category="billing")
    second = open_complaint(session, subscriber, agent, now + timedelta(days=12),
                            "又多扣了20块流量包的钱，我根本没订过这个流量包", category="vas")

    assert second.is_repeat and second.priority in ("high", "urgent")
    link = session.scalars(select(TicketLink).where(TicketLink.from_ticket_id == second.id)).one()
    assert (link.to_ticket_id, link.kind) == (first.id, "repeat_of")
    entry = next(e for e in tickets.get_ticket(session, second.id, viewer=agent).history if e.kind == "repeat_detected")
    assert entry.detail["matched"] == "similar_text" and entry.detail["similarity"] >= NLP.repeat_similarity


def test_unrelated_complaint_in_another_category_is_not_a_repeat(session, now, agent):
    subscriber = create_subscriber(session)
    open_complaint(session, subscriber, agent, now, "每个月都多扣我20块钱的流量包费用，我从来没订过", category="billing")
    second = open_complaint(session, subscriber, agent, now + timedelta(days=3), BROADBAND)
    assert not second.is_repeat


def test_suggestions_name_similar_open_complaints_in_the_district_this_week(session, now, agent):
    neighbours = [create_subscriber(session, district="南山区") for _ in range(3)]
    elsewhere = create_subscriber(session, district="福田区")
    for days, who in zip((1, 2, 3), neighbours, strict=True):
        open_complaint(session, who, agent, now - timedelta(days=days), "宽带断网了，光猫红灯，师傅一直不上门")
    open_complaint(session, elsewhere, agent, now - timedelta(days=1), "宽带断网了，光猫红灯，师傅一直不上门")
    open_complaint(session, neighbours[0], agent, now - timedelta(days=10), "宽带断网了，光猫红灯，师傅一直不上门")
    caller = create_subscriber(session, district="南山区")

    out = tickets.suggest(session, "宽带又断网了，光猫红灯", subscriber_id=caller.id, now=now, nlp=NLP)

    assert out.category == "broadband" and out.department == "installation" and len(out.suggestions) == 3
    assert out.similar is not None and out.similar.count == 3 and out.similar.district == "南山区"
    assert "南山区" in out.similar.message and "3" in out.similar.message


def test_emoji_only_ticket_can_be_reclassified_without_a_training_example(session, now, agent):
    subscriber = create_subscriber(session)
    ticket = open_complaint(session, subscriber, agent, now, "😡😡😡")
    assert (ticket.category, ticket.status) == ("other", "intake")

    tickets.reclassify(session, ticket.id, category="billing", by=agent, now=now)
    session.commit()

    assert (ticket.category, ticket.department) == ("billing", "billing")
    assert session.scalars(select(Correction)).all() == []
    assert history_kinds(session, ticket.id)[-1] == "reclassified"
