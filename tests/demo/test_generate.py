"""The demo operator: deterministic, internally consistent, with the seed-003 cases and a
login for every role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kefu.customers.models import (
    Bill,
    BillLine,
    Product,
    ServiceProvider,
    Subscriber,
    Subscription,
    UsageMonth,
)
from kefu.demo.build import COLUMNS
from kefu.demo.characters import CROSS_REGION, OVERBILLED_PENSIONER, SP_OUTBOUND_VICTIM
from kefu.demo.errors import NotEmpty
from kefu.demo.generate import DemoResult, generate, iter_chunks, new_build
from kefu.demo.people import PREFIXES, id_check_digit
from kefu.demo.staff import DEMO_PASSWORD
from kefu.demo.writer import TABLES
from kefu.identity import service as identity
from kefu.identity.models import User, UserRole
from kefu.identity.roles import STAFF_ROLES
from tests.conftest import FIXED_NOW
from tests.factories.customers import create_subscriber

N = 200


def _rows(seed: int, chunk_size: int = 64) -> dict[str, list[tuple[object, ...]]]:
    b = new_build(seed=seed, months=6, now=FIXED_NOW)
    merged: dict[str, list[tuple[object, ...]]] = {}
    for _, rows in iter_chunks(b, N, chunk_size):
        for name, table_rows in rows.items():
            merged.setdefault(name, []).extend(table_rows)
    return merged


def test_same_seed_gives_the_same_operator_whatever_the_chunk_size():
    first, again, other_chunks = _rows(2026), _rows(2026), _rows(2026, chunk_size=37)
    assert first == again == other_chunks
    assert _rows(7)["subscribers"] != first["subscribers"]


def test_the_rows_fill_every_column_of_the_customer_tables():
    for name, columns in COLUMNS.items():
        assert set(columns) == set(TABLES[name].columns.keys()), f"{name}: update demo/build.py COLUMNS"


def test_numbers_are_china_telecom_and_unique_and_id_numbers_carry_their_checksum():
    subscribers = _rows(2026)["subscribers"]
    numbers = [row[1] for row in subscribers]
    assert len(set(numbers)) == N
    assert all(len(n) == 11 and n[:3] in PREFIXES for n in numbers)
    personal = [row[4] for row in subscribers if row[7] != "government_enterprise"]
    assert all(len(i) == 18 and id_check_digit(i[:17]) == i[17] for i in personal)


@pytest.fixture(scope="module")
def demo(engine: Engine) -> Iterator[tuple[sessionmaker[Session], DemoResult]]:
    """One generation for the module, inside a transaction rolled back at the end."""
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield factory, generate(factory, subscribers=N, seed=2026, months=6, now=FIXED_NOW)
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def db(demo: tuple[sessionmaker[Session], DemoResult]) -> Iterator[Session]:
    with demo[0]() as session:
        yield session


def _subscriber(db: Session, number: str) -> Subscriber:
    return db.scalars(select(Subscriber).where(Subscriber.number == number)).one()


def test_the_database_holds_what_the_generator_drew(demo, db):
    factory, result = demo
    drawn = _rows(2026)
    for name in COLUMNS:
        assert db.scalar(select(func.count()).select_from(TABLES[name])) == result.rows[name] == len(drawn[name])
    stored = {(s.number, s.name) for s in db.scalars(select(Subscriber))}
    assert stored == {(row[1], row[3]) for row in drawn["subscribers"]}
    totals = sorted(db.scalars(select(Bill.total_fen)))
    assert totals == sorted(row[4] for row in drawn["bills"])


def test_every_bill_is_the_sum_of_its_lines(db):
    sums = select(BillLine.bill_id, func.sum(BillLine.amount_fen).label("total")).group_by(BillLine.bill_id).subquery()
    mismatched = db.scalar(
        select(func.count()).select_from(Bill).outerjoin(sums, sums.c.bill_id == Bill.id)
        .where(func.coalesce(sums.c.total, 0) != Bill.total_fen)
    )
    assert mismatched == 0
    assert db.scalar(select(func.count()).select_from(Bill)) > 5 * N * 0.9


def test_usage_covers_six_months_and_the_current_month_to_date(db):
    months = list(db.scalars(select(UsageMonth.month).distinct().order_by(UsageMonth.month)))
    assert months == [date(2026, m, 1) for m in range(5, 12)]
    billed = list(db.scalars(select(Bill.month).distinct().order_by(Bill.month)))
    assert billed == months[:-1]


def test_overbilled_pensioner_pays_29_on_the_19_yuan_plan_since_2010(db):
    pensioner = _subscriber(db, OVERBILLED_PENSIONER.number)
    assert pensioner.birth_year is not None and pensioner.birth_year <= 1960
    sub, product = db.execute(
        select(Subscription, Product).join(Product, Product.id == Subscription.product_id)
        .where(Subscription.subscriber_id == pensioner.id, Product.kind == "mobile_plan")
    ).one()
    assert (product.monthly_fee_fen, sub.charged_fee_fen, sub.start_date) == (1900, 2900, date(2010, 6, 12))
    assert set(db.scalars(select(Bill.total_fen).where(Bill.subscriber_id == pensioner.id))) == {2900}


def test_sp_sold_a_game_pack_by_outbound_call(db):
    victim = _subscriber(db, SP_OUTBOUND_VICTIM.number)
    sub, sp = db.execute(
        select(Subscription, ServiceProvider).join(Product, Product.id == Subscription.product_id)
        .join(ServiceProvider, ServiceProvider.id == Product.sp_id).where(Subscription.subscriber_id == victim.id)
    ).one()
    assert sub.order_channel == "sp_outbound" and sub.ordered_by == sp.name
    charged = db.scalars(
        select(BillLine.amount_fen).join(Bill, Bill.id == BillLine.bill_id)
        .where(Bill.subscriber_id == victim.id, BillLine.item == "vas_fee")
    ).all()
    assert charged == [1500] * 4


def test_cross_region_subscriber_is_registered_in_kunming(db):
    assert _subscriber(db, CROSS_REGION.number).city == "昆明"


def test_the_operator_looks_like_one(db):
    segments = dict(db.execute(select(Subscriber.segment, func.count()).group_by(Subscriber.segment)).all())
    assert segments["individual"] > 0.7 * N
    assert {"family", "government_enterprise", "vip"} <= set(segments)
    assert {s.city for s in db.scalars(select(Subscriber))} == {"深圳", "东莞", "昆明"}
    assert db.scalar(select(func.count()).select_from(BillLine).where(BillLine.item == "data_overage")) > 0
    assert db.scalar(select(func.count()).select_from(Bill).where(Bill.status == "unpaid")) > 0


def test_a_login_for_every_role_and_managers_for_vip_and_government_lines(db):
    held = set(db.scalars(select(UserRole.role)))
    assert {role.value for role in STAFF_ROLES} <= held
    assert identity.check_password(db, username="admin", password=DEMO_PASSWORD, now=datetime.now(UTC)).username == "admin"
    managers = set(db.scalars(select(User.id).join(UserRole).where(UserRole.role == "account_manager")))
    looked_after = db.scalars(select(Subscriber).where(Subscriber.segment.in_(("vip", "government_enterprise")))).all()
    assert looked_after and all(s.account_manager_id in managers for s in looked_after)
    assert db.scalar(select(func.count()).select_from(Subscriber).where(
        Subscriber.segment == "individual", Subscriber.account_manager_id.is_not(None))) == 0


def test_generating_again_is_refused_and_new_rows_get_fresh_ids(demo, db):
    factory, _ = demo
    with pytest.raises(NotEmpty):
        generate(factory, subscribers=10, now=FIXED_NOW, with_staff=False)
    # The ids were written explicitly; ordinary inserts afterwards must not collide (PostgreSQL sequences).
    extra = create_subscriber(db, number="13900000001", plan="PLAN_59")
    assert extra.id > N


def test_the_demo_centre_takes_a_web_chat_from_a_demo_subscriber_at_once(demo, db):
    """Seed 004's data seat and the front line are there with the demo agents, so the first
    chat a new user opens is routed to a ready agent instead of "no workflow"."""
    from kefu.agents import service as agents
    from kefu.routing import chat

    assert demo[1].rows["agent_profiles"] == 3
    specialist = agents.agent_for_user(db, db.scalars(select(User.id).where(User.username == "specialist1")).one())
    _, attrs = agents.attributes(db, [specialist.id])[specialist.id]
    assert attrs["skills"]["data"] == 3 and list(attrs["groups"]) == ["data_seat"]
    agent = agents.agent_for_user(db, db.scalars(select(User.id).where(User.username == "agent1")).one())
    agents.change_presence(db, agent, to="signed_in", now=FIXED_NOW)
    agents.change_presence(db, agent, to="ready", now=FIXED_NOW)
    row = chat.start_chat(db, subscriber_id=_subscriber(db, OVERBILLED_PENSIONER.number).id, now=FIXED_NOW)
    assert row.state == "offered" and row.agent_id == agent.id
