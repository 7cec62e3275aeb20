"""Refunds, credits and the self-service changes (C1, C2 remedies, C11 portal tasks)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from kefu.core.errors import Conflict, InvalidInput, NotFound
from kefu.core.events import OutboxEntry
from kefu.customers import service
from kefu.customers.errors import (
    InvalidBankAccount,
    InvalidCredit,
    LineStateConflict,
    NotAPlan,
    PlanUnchanged,
    SubscriptionNotFound,
    WeakServicePassword,
)
from kefu.customers.models import Account, ServiceProvider, Subscriber
from tests.factories.customers import (
    add_bill,
    add_subscription,
    create_product,
    create_subscriber,
    months_back,
)


def _events(session, name):
    return [e.payload for e in session.scalars(select(OutboxEntry).where(OutboxEntry.event_type == name))]


def test_overbilled_pensioner_is_refunded_every_month(session, now):
    """Seed 003: a 19-yuan plan billed 29 yuan since 2010 through a staff error."""
    plan19 = create_product(session, code="OLD19", name="19 元套餐", fee_fen=1900)
    pensioner = create_subscriber(
        session, name="陈伯", plan=plan19, charged_fee_fen=2900, plan_start=date(2010, 3, 1),
        joined_on=date(2010, 3, 1), ordered_by="营业员 0312",
    )
    months = [m for m in months_back(now, 240) if m >= date(2010, 3, 1)]
    for month in months:
        add_bill(session, pensioner, month=month, plan=plan19, plan_fee_fen=2900)

    overcharges = service.monthly_overcharges(session, pensioner.id, product_code="OLD19")

    assert len(overcharges) == len(months) == 201
    assert overcharges[0].month == date(2010, 3, 1)
    assert {(o.billed_fen, o.catalogue_fen, o.over_fen) for o in overcharges} == {(2900, 1900, 1000)}
    for overcharge in overcharges:
        service.credit_account(
            session, pensioner.id, kind="refund", amount_fen=overcharge.over_fen,
            reason=f"{overcharge.month:%Y-%m} 套餐费多收", reference="ticket:17", by="user:5:杨倩", now=now,
        )
    account = session.get(Account, pensioner.account_id)
    session.refresh(account)
    assert account.balance_fen == 201 * 1000
    assert len(service.list_adjustments(session, pensioner.id, reference="ticket:17")) == 201
    assert len(_events(session, "AccountCredited")) == 201


def test_bills_at_the_catalogue_fee_are_no_overcharge(session, now):
    plan = create_product(session, code="P59", fee_fen=5900)
    sub = create_subscriber(session, plan=plan)
    add_bill(session, sub, month=date(2026, 10, 1), plan=plan)
    add_bill(session, sub, month=date(2026, 11, 1), plan=plan, plan_fee_fen=4000)  # a discount month
    assert service.monthly_overcharges(session, sub.id) == []


def test_sp_mis_sale_is_unsubscribed_refunded_double_and_flagged(session, now):
    """Seed 003: an SP sold a VAS by outbound call without stating the price."""
    plan = create_product(session, code="P39", fee_fen=3900)
    vas = create_product(session, code="VAS_GAME", kind="vas", fee_fen=1500, name="游戏包", sp="SP_GAME")
    sub = create_subscriber(session, plan=plan)
    add_subscription(session, sub, vas, start_date=date(2026, 8, 10), order_channel="sp_outbound", ordered_by="SP_GAME")
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        add_bill(session, sub, month=month, plan=plan, lines=[("vas_fee", 1500, vas)])
    add_bill(session, sub, month=date(2026, 11, 1), plan=plan)

    charges = service.vas_charges(session, sub.id, product_code="VAS_GAME")
    assert [(c.month, c.amount_fen) for c in charges] == [(date(2026, 9, 1), 1500), (date(2026, 10, 1), 1500)]

    service.end_subscription(session, sub.id, product_code="VAS_GAME", now=now, reason="未告知资费，用户未同意")
    refund = service.credit_account(
        session, sub.id, kind="refund", amount_fen=2 * sum(c.amount_fen for c in charges),
        reason="SP 违规外呼订购，双倍退还", reference="ticket:42", by="user:5:杨倩", now=now,
    )
    service.flag_service_provider(session, "SP_GAME", reason="外呼营销未明确告知收费标准")

    assert refund.amount_fen == 6000 and refund.kind == "refund"
    view = service.customer_360(session, sub.id, now=now)
    game = next(p for p in view.products if p.product_code == "VAS_GAME")
    assert game.end_date == date(2026, 11, 20)
    assert view.account.balance_fen == 6000
    sp = session.scalars(select(ServiceProvider).where(ServiceProvider.code == "SP_GAME")).one()
    assert sp.flagged and "收费标准" in sp.flag_reason
    assert _events(session, "SubscriptionEnded")[0]["product_code"] == "VAS_GAME"
    with pytest.raises(SubscriptionNotFound):
        service.end_subscription(session, sub.id, product_code="VAS_GAME", now=now, reason="again")


@pytest.mark.parametrize(
    ("kind", "amount_fen", "data_mb", "balance", "points"),
    [
        ("bill_credit", 2000, 0, 2000, 0),
        ("refund", 1000, 0, 1000, 0),
        ("voucher", 500, 0, 500, 0),
        ("data_gift", 0, 1024, 0, 0),
        ("points", 300, 0, 0, 300),
    ],
)
def test_credit_kinds_change_the_right_balance(session, now, kind, amount_fen, data_mb, balance, points):
    sub = create_subscriber(session)
    view = service.credit_account(
        session, sub.id, kind=kind, amount_fen=amount_fen, data_mb=data_mb,
        reason="网络故障补偿", reference="ticket:1", by="user:1:a", now=now,
    )
    account = session.get(Account, sub.account_id)
    session.refresh(account)
    assert (account.balance_fen, account.points) == (balance, points)
    assert (view.kind, view.amount_fen, view.data_mb, view.created_at) == (kind, amount_fen, data_mb, now)
    event = _events(session, "AccountCredited")[0]
    assert (event["kind"], event["subscriber_id"], event["adjustment_id"]) == (kind, sub.id, view.id)


@pytest.mark.parametrize(
    ("kind", "amount_fen", "data_mb", "reason"),
    [
        ("cash", 100, 0, "x"),
        ("refund", 0, 0, "x"),
        ("refund", -100, 0, "x"),
        ("refund", 100, 0, "  "),
        ("refund", 100, 50, "x"),
        ("data_gift", 0, 0, "x"),
        ("data_gift", 100, 100, "x"),
        ("bill_credit", 1_000_001, 0, "x"),
    ],
)
def test_bad_credits_are_refused_and_write_nothing(session, now, kind, amount_fen, data_mb, reason):
    sub = create_subscriber(session)
    with pytest.raises(InvalidCredit) as raised:
        service.credit_account(
            session, sub.id, kind=kind, amount_fen=amount_fen, data_mb=data_mb, reason=reason,
            reference=None, by="user:1:a", now=now,
        )
    assert isinstance(raised.value, InvalidInput) and raised.value.zh and raised.value.en
    assert service.list_adjustments(session, sub.id) == []


def test_change_plan_ends_the_old_plan_and_starts_the_new_at_catalogue_fee(session, now):
    old = create_product(session, code="P19", fee_fen=1900)
    create_product(session, code="P59", fee_fen=5900)
    sub = create_subscriber(session, plan=old, charged_fee_fen=2900)

    service.change_plan(session, sub.id, product_code="P59", now=now, by="user:2:b")

    view = service.customer_360(session, sub.id, now=now)
    assert view.plan is not None and view.plan.code == "P59"
    current = next(p for p in view.products if p.product_code == "P59")
    assert (current.charged_fee_fen, current.start_date, current.ordered_by) == (5900, date(2026, 11, 20), "user:2:b")
    assert _events(session, "PlanChanged")[0] | {"at": None} == {
        "subscriber_id": sub.id, "from_product": "P19", "to_product": "P59", "by": "user:2:b", "at": None,
    }
    with pytest.raises(PlanUnchanged):
        service.change_plan(session, sub.id, product_code="P59", now=now, by="x")


def test_change_plan_refuses_unknown_codes_and_non_plans(session, now):
    create_product(session, code="BB100", kind="broadband", fee_fen=5000)
    sub = create_subscriber(session)
    with pytest.raises(NotFound):
        service.change_plan(session, sub.id, product_code="NOPE", now=now, by="x")
    with pytest.raises(NotAPlan):
        service.change_plan(session, sub.id, product_code="BB100", now=now, by="x")


def test_suspend_and_resume_a_line(session, now):
    sub = create_subscriber(session)
    service.suspend_line(session, sub.id, now=now, reason="出国 3 个月", by="self")
    assert session.get(Subscriber, sub.id).status == "suspended"
    with pytest.raises(LineStateConflict) as raised:
        service.suspend_line(session, sub.id, now=now)
    assert isinstance(raised.value, Conflict)
    service.resume_line(session, sub.id, now=now)
    assert session.get(Subscriber, sub.id).status == "active"
    with pytest.raises(LineStateConflict):
        service.resume_line(session, sub.id, now=now)
    assert [e["reason"] for e in _events(session, "LineSuspended")] == ["出国 3 个月"]
    assert len(_events(session, "LineResumed")) == 1


@pytest.mark.parametrize("weak", ["123456", "111111", "654321", "12345", "abcdef", "1234567"])
def test_weak_service_passwords_are_refused(session, now, weak):
    sub = create_subscriber(session)
    with pytest.raises(WeakServicePassword):
        service.set_service_password(session, sub.id, password=weak, now=now)


def test_service_password_is_hashed_and_checked(session, now):
    sub = create_subscriber(session)
    assert not service.check_service_password(session, sub.id, password="802413")
    service.set_service_password(session, sub.id, password="802413", now=now)
    stored = session.get(Subscriber, sub.id).service_password_hash
    assert stored.startswith("$argon2") and "802413" not in stored
    assert service.check_service_password(session, sub.id, password="802413")
    assert not service.check_service_password(session, sub.id, password="802414")


def test_auto_debit_is_stored_and_shown_masked(session, now):
    sub = create_subscriber(session)
    service.set_auto_debit(session, sub.id, bank="工商银行", account_no="6222 0212 3456 7890 123", now=now)
    view = service.customer_360(session, sub.id, now=now)
    assert view.account.auto_debit_masked == "工商银行 ***************0123"
    with pytest.raises(InvalidBankAccount):
        service.set_auto_debit(session, sub.id, bank="工商银行", account_no="12ab", now=now)
    with pytest.raises(InvalidBankAccount):
        service.set_auto_debit(session, sub.id, bank="", account_no="622202123456789", now=now)


def test_credit_to_unknown_subscriber_is_not_found(session, now):
    with pytest.raises(NotFound):
        service.credit_account(
            session, 987654, kind="refund", amount_fen=100, reason="x", reference=None, by="x",
            now=datetime(2026, 1, 1, tzinfo=UTC),
        )
