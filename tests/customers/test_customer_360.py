"""The 360 view, search and unmasking (C1)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from kefu.core.audit import AuditEntry
from kefu.customers import service
from kefu.customers.errors import SubscriberNotFound
from tests.factories.customers import (
    add_bill,
    add_payment,
    add_subscription,
    add_usage,
    create_product,
    create_subscriber,
    months_back,
)


@pytest.fixture
def plan(session):
    return create_product(
        session, code="TY59", name="天翼畅享 59 元", fee_fen=5900, data_mb=30720, voice_minutes=500, sms=100
    )


def test_360_shows_identity_masked_plan_usage_bills_and_payments(session, plan, now):
    music = create_product(session, code="VAS_MUSIC", kind="vas", fee_fen=1000, name="爱音乐", sp="SP_MUSIC")
    sub = create_subscriber(
        session, number="13812341234", name="王建国", id_number="440105195801011234", plan=plan,
        segment="vip", vip_level=2, balance_fen=-3500, credit_limit_fen=10000, points=820,
        account_manager_id=7, churn_risk=0.42,
    )
    add_subscription(session, sub, music, start_date=date(2026, 3, 1), order_channel="sp_outbound", ordered_by="SP_MUSIC")
    for month in months_back(now, 8):
        add_bill(session, sub, month=month, plan=plan, lines=[("vas_fee", 1000, music)])
    for index, month in enumerate(months_back(now, 5)):
        add_usage(session, sub, month=month, data_mb=1000 * (index + 1), voice_minutes=100, sms=5)
    for day in range(1, 9):
        add_payment(session, sub, amount_fen=6900, paid_at=datetime(2026, day, 5, tzinfo=UTC))

    view = service.customer_360(session, sub.id, now=now)

    assert view.subscriber.number_masked == "138****1234"
    assert view.subscriber.name_masked == "王**"
    assert view.subscriber.id_number_masked == "4401**********1234"
    assert "13812341234" not in view.model_dump_json() and "王建国" not in view.model_dump_json()
    assert (view.subscriber.segment, view.subscriber.vip_level, view.subscriber.account_manager_id) == ("vip", 2, 7)
    assert view.subscriber.churn_risk == pytest.approx(0.42)
    assert view.account.arrears_fen == 3500 and view.account.points == 820
    assert view.plan is not None and view.plan.code == "TY59"
    vas = next(p for p in view.products if p.product_code == "VAS_MUSIC")
    assert (vas.order_channel, vas.ordered_by, vas.sp_name) == ("sp_outbound", "SP_MUSIC", "SP_MUSIC 信息服务")
    assert [u.month for u in view.usage] == [date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1)]
    assert view.usage[0].data_mb == 5000 and view.usage[0].data_allowance_mb == 30720
    assert len(view.bills) == 6 and view.bills[0].month == date(2026, 11, 1)
    assert {line.item for line in view.bills[0].lines} == {"plan_fee", "vas_fee"}
    assert view.bills[0].total_fen == 6900
    assert len(view.payments) == 6 and view.payments[0].paid_at.month == 8


def test_360_usage_is_measured_against_the_plan_in_force_that_month(session, plan, now):
    small = create_product(session, code="TY19", fee_fen=1900, data_mb=1024)
    sub = create_subscriber(session, plan=small, plan_start=date(2020, 1, 1))
    service.change_plan(session, sub.id, product_code="TY59", now=datetime(2026, 10, 15, 2, tzinfo=UTC), by="agent")
    add_usage(session, sub, month=date(2026, 9, 1), data_mb=900)
    add_usage(session, sub, month=date(2026, 11, 1), data_mb=9000)

    view = service.customer_360(session, sub.id, now=now)

    allowances = {u.month: u.data_allowance_mb for u in view.usage}
    assert allowances == {date(2026, 9, 1): 1024, date(2026, 11, 1): 30720}
    assert view.plan is not None and view.plan.code == "TY59"
    assert [p.product_code for p in view.products] == ["TY59", "TY19"]
    assert view.products[1].end_date == date(2026, 10, 15)


def test_360_of_unknown_subscriber_is_not_found(session, now):
    with pytest.raises(SubscriberNotFound) as raised:
        service.customer_360(session, 999_999, now=now)
    assert raised.value.status_code == 404 and "找不到用户" in raised.value.zh


def test_360_takes_a_fixed_number_of_queries_whatever_the_history(session, plan, now, engine):
    sub = create_subscriber(session, plan=plan)
    for month in months_back(now, 24):
        add_bill(session, sub, month=month, plan=plan)
        add_usage(session, sub, month=month, data_mb=10)
    subscriber_id = sub.id
    statements = []

    from sqlalchemy import event

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        session.expire_all()
        service.customer_360(session, subscriber_id, now=now)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 5, [s.split("FROM")[1][:40] for s in statements]


def test_search_finds_by_full_number_prefix_last_four_digits_name_and_account(session, plan):
    a = create_subscriber(session, number="13812345678", name="李小龙", account_no="8800123", plan=plan)
    b = create_subscriber(session, number="13998765678", name="李四", plan=plan)
    c = create_subscriber(session, number="18900001111", name="赵六", plan=plan)

    def ids(query):
        return [s.id for s in service.search_subscribers(session, query)]

    assert ids("13812345678") == [a.id]
    assert ids("138 1234 5678") == [a.id]
    assert ids("1381") == [a.id]
    assert set(ids("5678")) == {a.id, b.id}
    assert ids("1111") == [c.id]
    assert set(ids("李")) == {a.id, b.id}
    assert ids("李四") == [b.id]
    assert ids("8800123") == [a.id]
    assert ids("   ") == []
    found = service.search_subscribers(session, "13812345678")[0]
    assert found.number_masked == "138****5678" and found.name_masked == "李**" and found.account_no == "8800123"


def test_search_respects_the_limit(session, plan):
    for i in range(5):
        create_subscriber(session, number=f"1370000000{i}", plan=plan)
    assert len(service.search_subscribers(session, "137", limit=3)) == 3


def test_subscriber_by_number(session, plan):
    sub = create_subscriber(session, number="13511112222", plan=plan)
    assert service.subscriber_by_number(session, "13511112222").id == sub.id
    assert service.subscriber_by_number(session, "13500000000") is None
    assert service.get_subscriber(session, sub.id).number_masked == "135****2222"


def test_reveal_identity_is_audited(session, plan, now):
    sub = create_subscriber(session, number="13812341234", name="王建国", id_number="440105195801011234", plan=plan)

    revealed = service.reveal_identity(session, sub.id, actor="user:3:刘洋", now=now)

    assert (revealed.number, revealed.name, revealed.id_number) == ("13812341234", "王建国", "440105195801011234")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.target_id == str(sub.id))).one()
    assert (entry.action, entry.actor, entry.target_type, entry.at) == ("unmask", "user:3:刘洋", "subscriber", now)


def test_reveal_of_unknown_subscriber_writes_no_audit(session, now):
    with pytest.raises(SubscriberNotFound):
        service.reveal_identity(session, 424242, actor="user:1:x", now=now)
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.target_id == "424242")) == 0


def test_list_products_by_kind(session, plan):
    create_product(session, code="BB300", kind="broadband", fee_fen=9900, bandwidth_mbps=300)
    create_product(session, code="OLD", fee_fen=100, active=False)
    assert [p.code for p in service.list_products(session, kind="broadband")] == ["BB300"]
    codes = [p.code for p in service.list_products(session)]
    assert "TY59" in codes and "OLD" not in codes
