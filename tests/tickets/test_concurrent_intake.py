"""Many agents opening tickets at the same moment on PostgreSQL: every ticket gets its own
number (the day's counter is incremented in its own short transaction, so intakes do not
queue behind each other's commit), and two retries of one request with the same
Idempotency-Key make one ticket, never two.

These tests commit for real (threads need their own connections) and delete every row
they made afterwards. PostgreSQL only."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.core.events import OutboxEntry
from kefu.customers.models import Account, Subscriber
from kefu.identity.models import ApiToken, User, UserRole
from kefu.tickets import service
from kefu.tickets.errors import RequestInProgress
from kefu.tickets.models import IdempotencyKey, Ticket, TicketEvent, TicketLink
from kefu.tickets.schemas import TicketCreate
from tests.factories.customers import create_subscriber
from tests.factories.tickets import staff


@pytest.fixture
def committed(engine, database_url, now):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent intake with real row locks needs PostgreSQL")
    with Session(engine, expire_on_commit=False) as session:
        customer = create_subscriber(session, name="周敏", district="南山区")
        agent = staff(session, now=now, username="zhou.concurrent", display_name="周并发")
        session.commit()
    yield engine, customer.id, agent
    with Session(engine) as session:
        ids = list(session.scalars(select(Ticket.id).where(Ticket.subscriber_id == customer.id)))
        session.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(ids)))
        session.execute(delete(TicketLink).where(TicketLink.from_ticket_id.in_(ids)))
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.ticket_id.in_(ids)))
        for entry in session.scalars(select(OutboxEntry)):
            if entry.payload.get("ticket_id") in ids:
                session.delete(entry)
        session.flush()
        session.execute(delete(Ticket).where(Ticket.id.in_(ids)))
        session.execute(delete(Subscriber).where(Subscriber.id == customer.id))
        session.execute(delete(Account).where(Account.id == customer.account_id))
        session.execute(delete(ApiToken).where(ApiToken.user_id == agent.user_id))
        session.execute(delete(UserRole).where(UserRole.user_id == agent.user_id))
        session.execute(delete(User).where(User.id == agent.user_id))
        session.commit()


def _together(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - returned to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_tickets_opened_at_the_same_moment_get_distinct_numbers(committed, now):
    engine, subscriber_id, agent = committed
    factory = make_sessionmaker(engine)

    def open_one(i: int) -> str:
        with unit_of_work(factory) as session:
            body = TicketCreate(type="consultation", subscriber_id=subscriber_id, channel="hotline",
                                core_demand=f"咨询套餐变更 {i}")
            ticket, _ = service.open_ticket(session, body, by=agent, now=now + timedelta(milliseconds=i))
            return ticket.number

    numbers = _together(12, open_one)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 12
    assert all(n.startswith("TS20261120") and len(n) == 16 for n in numbers)


def test_two_retries_with_one_key_make_one_ticket(committed, now):
    engine, subscriber_id, agent = committed
    factory = make_sessionmaker(engine)
    body = TicketCreate(type="complaint", subscriber_id=subscriber_id, channel="app", core_demand="宽带断网三天",
                        category="broadband")

    def open_twice(_i: int) -> int:
        with unit_of_work(factory) as session:
            ticket, _ = service.open_ticket(session, body, by=agent, now=now, idempotency_key="retry-7f3a")
            return ticket.id

    outcomes = _together(4, open_twice)
    ids = {o for o in outcomes if isinstance(o, int)}
    assert len(ids) == 1, outcomes
    assert all(isinstance(o, int | RequestInProgress) for o in outcomes), outcomes
    with Session(engine) as session:
        assert session.scalars(select(Ticket.id).where(Ticket.subscriber_id == subscriber_id)).all() == list(ids)
