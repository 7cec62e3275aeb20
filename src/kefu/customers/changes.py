"""Use cases that change a line or an account: credits and refunds, plan changes,
unsubscribing, 报停/复机, service password, bank auto-debit (托收), flagging an SP.

Re-exported by service.py. They flush and record events; the edge commits."""

from __future__ import annotations

from datetime import date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.events import record
from kefu.customers import repository, rules, schemas, views
from kefu.customers.errors import (
    InvalidBankAccount,
    InvalidCredit,
    LineStateConflict,
    NotAPlan,
    PlanUnchanged,
    ProductNotFound,
    ServiceProviderNotFound,
    SubscriberNotFound,
    SubscriptionNotFound,
    WeakServicePassword,
)
from kefu.customers.events import AccountCredited, LineResumed, LineSuspended, PlanChanged, SubscriptionEnded
from kefu.customers.models import Account, AccountAdjustment, Subscriber, Subscription

_hasher = PasswordHasher()


def _load(session: Session, subscriber_id: int) -> Subscriber:
    subscriber = repository.subscriber(session, subscriber_id)
    if subscriber is None:
        raise SubscriberNotFound(subscriber_id)
    return subscriber


def _today(now: datetime) -> date:
    return local(now).date()


def credit_account(
    session: Session,
    subscriber_id: int,
    *,
    kind: str,
    amount_fen: int = 0,
    data_mb: int = 0,
    reason: str,
    reference: str | None,
    by: str,
    now: datetime,
) -> schemas.AdjustmentView:
    """Writes a compensation or refund to the subscriber's account and records AccountCredited.

    bill_credit, refund and voucher raise the balance by `amount_fen`; data_gift gives
    `data_mb`; points adds `amount_fen` points. Raises InvalidCredit on a bad amount.
    Not idempotent: a caller retrying must look at list_adjustments(reference=...) first.
    """
    problem = rules.credit_problem(kind, amount_fen=amount_fen, data_mb=data_mb, reason=reason)
    if problem is not None:
        raise InvalidCredit(*problem)
    if reference is not None and len(reference) > 60:
        raise InvalidCredit("关联单号过长（最多 60 个字符）", "The reference is too long (60 characters at most)")
    subscriber = _load(session, subscriber_id)
    account = subscriber.account
    # SQL-side increments: two agents crediting the same account at once both count.
    if kind in rules.MONEY_KINDS:
        account.balance_fen = Account.balance_fen + amount_fen  # type: ignore[assignment]
    elif kind == "points":
        account.points = Account.points + amount_fen  # type: ignore[assignment]
    adjustment = AccountAdjustment(
        account_id=account.id,
        subscriber_id=subscriber.id,
        kind=kind,
        amount_fen=amount_fen,
        data_mb=data_mb,
        reason=reason.strip()[:400],
        reference=reference,
        created_by=by[:100],
        created_at=now,
    )
    repository.add(session, adjustment)
    record(
        session,
        AccountCredited(
            adjustment_id=adjustment.id,
            subscriber_id=subscriber.id,
            account_id=account.id,
            kind=kind,
            amount_fen=amount_fen,
            data_mb=data_mb,
            reference=reference,
            by=by,
            at=now,
        ),
        now=now,
    )
    return views.adjustment(adjustment)


def list_adjustments(
    session: Session, subscriber_id: int, *, reference: str | None = None
) -> list[schemas.AdjustmentView]:
    """The subscriber's credits and refunds, oldest first; only those of `reference` if given."""
    return [views.adjustment(a) for a in repository.adjustments(session, subscriber_id, reference=reference)]


def _active(session: Session, subscriber_id: int, today: date) -> list[tuple[Subscription, str, str]]:
    """(subscription, product code, product kind) of the subscriptions active today."""
    return [
        (sub, product.code, product.kind)
        for sub, product, _ in repository.subscriptions(session, subscriber_id)
        if rules.is_active(sub.start_date, sub.end_date, today)
    ]


def end_subscription(session: Session, subscriber_id: int, *, product_code: str, now: datetime, reason: str) -> None:
    """Unsubscribes (退订) from today; raises SubscriptionNotFound if not subscribed."""
    subscriber = _load(session, subscriber_id)
    today = _today(now)
    ending = [sub for sub, code, _ in _active(session, subscriber.id, today) if code == product_code]
    if not ending:
        raise SubscriptionNotFound(product_code)
    for sub in ending:
        sub.end_date = today
    session.flush()
    record(
        session,
        SubscriptionEnded(subscriber_id=subscriber.id, product_code=product_code, reason=reason, at=now),
        now=now,
    )


def change_plan(
    session: Session,
    subscriber_id: int,
    *,
    product_code: str,
    now: datetime,
    by: str,
    channel: str = "hotline",
) -> None:
    """Moves the line to another mobile plan from today, charged at the catalogue fee."""
    subscriber = _load(session, subscriber_id)
    if subscriber.status == "cancelled":
        raise LineStateConflict("该号码已销户，不能变更套餐", "The line is cancelled; its plan cannot change")
    product = repository.product_by_code(session, product_code)
    if product is None:
        raise ProductNotFound(product_code)
    if product.kind != "mobile_plan" or not product.active:
        raise NotAPlan(product_code)
    today = _today(now)
    current = [(sub, code) for sub, code, kind in _active(session, subscriber.id, today) if kind == "mobile_plan"]
    if any(code == product_code for _, code in current):
        raise PlanUnchanged(product_code)
    for sub, _ in current:
        sub.end_date = today
    repository.add(
        session,
        Subscription(
            subscriber_id=subscriber.id,
            product_id=product.id,
            start_date=today,
            order_channel=channel,
            ordered_by=by[:60],
            charged_fee_fen=product.monthly_fee_fen,
        ),
    )
    record(
        session,
        PlanChanged(
            subscriber_id=subscriber.id,
            from_product=current[0][1] if current else None,
            to_product=product_code,
            by=by,
            at=now,
        ),
        now=now,
    )


def suspend_line(
    session: Session, subscriber_id: int, *, now: datetime, reason: str = "用户申请报停", by: str = "self"
) -> None:
    """报停: an active line becomes suspended. Raises LineStateConflict otherwise."""
    subscriber = _load(session, subscriber_id)
    if subscriber.status != "active":
        raise LineStateConflict(
            f"号码当前状态为 {subscriber.status}，只有正常使用的号码可以报停",
            f"The line is {subscriber.status}; only an active line can be suspended",
        )
    subscriber.status = "suspended"
    session.flush()
    record(session, LineSuspended(subscriber_id=subscriber.id, reason=reason, by=by, at=now), now=now)


def resume_line(session: Session, subscriber_id: int, *, now: datetime, by: str = "self") -> None:
    """复机: a suspended line becomes active again. Raises LineStateConflict otherwise."""
    subscriber = _load(session, subscriber_id)
    if subscriber.status != "suspended":
        raise LineStateConflict(
            f"号码当前状态为 {subscriber.status}，只有已报停的号码可以复机",
            f"The line is {subscriber.status}; only a suspended line can be resumed",
        )
    subscriber.status = "active"
    session.flush()
    record(session, LineResumed(subscriber_id=subscriber.id, by=by, at=now), now=now)


def set_service_password(session: Session, subscriber_id: int, *, password: str, now: datetime) -> None:
    """Sets the 6-digit service password (argon2-hashed); refuses weak ones."""
    if rules.weak_service_password(password):
        raise WeakServicePassword()
    subscriber = _load(session, subscriber_id)
    subscriber.service_password_hash = _hasher.hash(password)
    session.flush()


def check_service_password(session: Session, subscriber_id: int, *, password: str) -> bool:
    """True when `password` is the subscriber's service password (False when none is set)."""
    subscriber = _load(session, subscriber_id)
    if not subscriber.service_password_hash:
        return False
    try:
        return _hasher.verify(subscriber.service_password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_auto_debit(session: Session, subscriber_id: int, *, bank: str, account_no: str, now: datetime) -> None:
    """Bank auto-debit (托收) of the subscriber's bills from `account_no` at `bank`."""
    if not rules.valid_bank_account(bank, account_no):
        raise InvalidBankAccount()
    subscriber = _load(session, subscriber_id)
    subscriber.account.auto_debit_bank = bank.strip()
    subscriber.account.auto_debit_account = rules.clean_bank_account(account_no)
    session.flush()


def flag_service_provider(session: Session, sp_code: str, *, reason: str) -> None:
    """Marks an SP as mis-selling (seed 003: outbound sales without stating the price)."""
    sp = repository.service_provider_by_code(session, sp_code)
    if sp is None:
        raise ServiceProviderNotFound(sp_code)
    sp.flagged = True
    sp.flag_reason = reason.strip()[:400]
    session.flush()
