"""The demo's six months of tickets: deterministic, every history a path the lifecycle
allows, the seed-003 cases in their stated states, repeats linked, and the starter KB."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.events import OutboxEntry
from kefu.customers import service as customers
from kefu.demo import tickets as history
from kefu.demo.characters import CROSS_REGION, OVERBILLED_PENSIONER, SP_OUTBOUND_VICTIM
from kefu.demo.generate import generate
from kefu.demo.ticket_load import LIVE_SPAN
from kefu.knowledge import transfer
from kefu.knowledge.models import Article
from kefu.tickets import lifecycle
from kefu.tickets.models import Remedy, Ticket, TicketEvent, TicketLink, TicketTask
from tests.conftest import FIXED_NOW

N = 400
NOW = FIXED_NOW.replace(tzinfo=None)
SUBSCRIBERS = [(i, ("南山区", "福田区", "五华区")[i % 3], ("深圳", "深圳", "昆明")[i % 3], "individual")
               for i in range(1, 301)]


def _rows(seed: int, count: int = 400) -> dict[str, list[tuple[object, ...]]]:
    staff = history.Staff.of({"agent1": 5}, {u: u for u in ("agent1", "agent2", "specialist1", *history.HANDLERS.values())})
    ids = {"tickets": 1, "ticket_tasks": 1, "ticket_events": 1, "ticket_links": 1}
    return history.build_rows(seed=seed, subscribers=SUBSCRIBERS, staff=staff, ids=ids, ts=str, now=NOW,
                              start=NOW - timedelta(days=183), end=NOW - timedelta(days=3), count=count)


def test_same_seed_gives_the_same_tickets():
    first = _rows(2026)
    assert first == _rows(2026)
    assert first["tickets"] != _rows(7)["tickets"]
    assert len(first["tickets"]) >= 400


def test_the_rows_fill_every_column_of_the_ticket_tables():
    rows = _rows(2026, count=50)
    for name in history.TABLE_ORDER:
        assert rows[name], name
        assert all(len(row) == len(history.COLUMNS[name]) for row in rows[name])


def test_complaints_coming_back_within_30_days_are_linked_as_repeats():
    rows = _rows(2026)
    cols = history.COLUMNS["tickets"]
    tickets = {row[0]: dict(zip(cols, row, strict=True)) for row in rows["tickets"]}
    assert len(rows["ticket_links"]) >= 10
    for _, later, earlier, kind, *_ in rows["ticket_links"]:
        a, b = tickets[later], tickets[earlier]
        assert kind == "repeat_of" and a["is_repeat"] and a["escalation_level"] == 1
        assert (a["subscriber_id"], a["category"]) == (b["subscriber_id"], b["category"])
        assert timedelta(0) <= datetime.fromisoformat(a["created_at"]) - datetime.fromisoformat(b["created_at"]) \
            <= timedelta(days=30)
    assert sum(t["is_repeat"] for t in tickets.values()) == len(rows["ticket_links"])


def test_broadband_and_billing_lead_and_one_district_lags_in_the_evening():
    rows = _rows(2026, count=2000)
    cols = history.COLUMNS["tickets"]
    tickets = [dict(zip(cols, row, strict=True)) for row in rows["tickets"]]
    by_category: dict[str, int] = {}
    for t in tickets:
        by_category[t["category"]] = by_category.get(t["category"], 0) + 1
    assert sorted(by_category, key=by_category.get)[-2:] in (["billing", "broadband"], ["broadband", "billing"])
    hot = [t for t in tickets if json.loads(t["characteristics"]).get("hot_spot")]
    assert len(hot) > 50
    assert {t["district"] for t in hot} == {"南山区"}
    assert {(datetime.fromisoformat(t["created_at"]) + timedelta(hours=8)).hour for t in hot} <= {20, 21}
    reopened = [t for t in tickets if t["reopen_count"]]
    assert 20 < len(reopened) < len(tickets) // 10 and all(t["status"] in ("closed", "resolved") for t in reopened)
    assert {t["type"] for t in tickets} == {"consultation", "service_request", "fault", "complaint", "suggestion",
                                            "cross_region", "external"}


@pytest.fixture
def demo(session_factory: sessionmaker[Session]):
    return generate(session_factory, subscribers=N, chunk_size=150, with_staff=True, now=FIXED_NOW)


def test_every_history_is_a_path_the_lifecycle_allows(demo, session: Session):
    tickets = {t.id: t for t in session.scalars(select(Ticket))}
    assert len(tickets) == demo.rows["tickets"] >= N // 10
    steps: dict[int, list[TicketEvent]] = {}
    for event in session.scalars(select(TicketEvent).order_by(TicketEvent.id)):
        steps.setdefault(event.ticket_id, []).append(event)
    for ticket_id, ticket in tickets.items():
        events = steps[ticket_id]
        assert events[0].kind == "opened" and events[0].to_status == "intake"
        status = "intake"
        for before, event in zip(events, events[1:], strict=False):
            assert event.at >= before.at, ticket.number
            if event.kind == "status":
                assert event.from_status == status, ticket.number
                assert lifecycle.Status(event.to_status) in lifecycle.allowed_next(status), ticket.number
                status = event.to_status
        assert status == ticket.status, ticket.number
        assert ticket.number == f"TS{(ticket.created_at + timedelta(hours=8)):%Y%m%d}" + ticket.number[10:]


def test_closed_tickets_were_resolved_then_closed_in_order(demo, session: Session):
    closed = session.scalars(select(Ticket).where(Ticket.status == "closed")).all()
    assert len(closed) > len(session.scalars(select(Ticket)).all()) // 2
    for t in closed:
        assert t.created_at <= t.responded_at <= t.resolved_at <= t.closed_at <= FIXED_NOW
    statuses = set(session.scalars(select(Ticket.status)))
    assert {"closed", "cancelled", "resolved", "intake", "dispatched", "investigating", "remedy_proposed"} <= statuses


def _case(session: Session, number: str) -> Ticket:
    subscriber = customers.subscriber_by_number(session, number)
    assert subscriber is not None
    return session.scalars(select(Ticket).where(Ticket.subscriber_id == subscriber.id,
                                                Ticket.created_at > FIXED_NOW - LIVE_SPAN - timedelta(days=5))).one()


def test_the_seed_003_cases_are_where_the_story_says(demo, session: Session):
    pensioner = _case(session, OVERBILLED_PENSIONER.number)
    assert (pensioner.type, pensioner.status, pensioner.category) == ("complaint", "remedy_proposed", "billing")
    refund = session.scalars(select(Remedy).where(Remedy.ticket_id == pensioner.id)).one()
    over = customers.monthly_overcharges(session, pensioner.subscriber_id, product_code="PLAN_19")
    assert refund.kind == "refund" and refund.consent == "proposed"
    assert refund.amount_fen == sum(o.over_fen for o in over) == 1000 * len(over) > 0

    victim = _case(session, SP_OUTBOUND_VICTIM.number)
    assert victim.status == "resolved"
    double = session.scalars(select(Remedy).where(Remedy.ticket_id == victim.id)).one()
    charges = customers.vas_charges(session, victim.subscriber_id, product_code="VAS_GAME")
    assert double.amount_fen == 2 * sum(c.amount_fen for c in charges) > 0
    assert double.consent == "agreed" and double.applied_at is not None

    mover = _case(session, CROSS_REGION.number)
    assert (mover.type, mover.status) == ("cross_region", "dispatched")
    task = session.scalars(select(TicketTask).where(TicketTask.ticket_id == mover.id)).one()
    assert (task.department, task.city, task.status) == ("hall", "济南", "open")
    assert demo.tickets.cases.cross_region == mover.number


def test_only_the_live_tickets_publish_events(demo, session: Session):
    """The bulk history is settled: nothing in the outbox names it; the open ones do."""
    named = {p["ticket_id"] for p in session.scalars(select(OutboxEntry.payload)) if "ticket_id" in p}
    live = set(session.scalars(select(Ticket.id).where(Ticket.created_at >= FIXED_NOW - LIVE_SPAN)))
    assert len(live) >= 6
    assert named == live | {_case(session, SP_OUTBOUND_VICTIM.number).id}


def test_repeats_in_the_database_point_to_an_earlier_ticket_of_the_same_problem(demo, session: Session):
    for link in session.scalars(select(TicketLink)):
        later, earlier = session.get(Ticket, link.from_ticket_id), session.get(Ticket, link.to_ticket_id)
        assert later.is_repeat and later.subscriber_id == earlier.subscriber_id
        assert later.created_at >= earlier.created_at


def test_the_starter_knowledge_base_is_loaded_once(demo, session: Session):
    count = session.scalar(select(func.count()).select_from(Article))
    assert count == demo.tickets.articles > 50
    assert transfer.import_starter(session, actor="system:test", now=datetime.now(UTC)) == 0
