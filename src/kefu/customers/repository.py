"""Every query on the customer tables. Relationships are lazy="raise": what a use case
needs is loaded here, explicitly, in a fixed small number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.orm import Session, joinedload

from kefu.customers.models import (
    Account,
    AccountAdjustment,
    Bill,
    BillLine,
    Payment,
    Product,
    ServiceProvider,
    Subscriber,
    Subscription,
    UsageMonth,
)

# IN lists are chunked so a 100,000-row import never builds one giant statement.
CHUNK = 500


def add(session: Session, *objects: Any) -> None:
    session.add_all(objects)
    session.flush()


_SUBSCRIBER = (
    select(Subscriber).options(joinedload(Subscriber.account)).where(Subscriber.id == bindparam("subscriber_id"))
)

# The 360 view reads plain rows (no ORM instances) through statements built once:
# SQLAlchemy memoizes a statement's cache key, so this path costs a third of the CPU of
# the ORM one. Rows carry the column names the views read.
_PROFILE_ROW = (
    select(
        Subscriber.__table__,
        Account.account_no,
        Account.balance_fen,
        Account.credit_limit_fen,
        Account.points,
        Account.auto_debit_bank,
        Account.auto_debit_account,
    )
    .join(Account, Subscriber.account_id == Account.id)
    .where(Subscriber.id == bindparam("subscriber_id"))
)
_SUBSCRIPTION_ROWS = (
    select(
        Subscription.__table__,
        Product.code,
        Product.name,
        Product.kind,
        Product.monthly_fee_fen,
        Product.data_mb,
        Product.voice_minutes,
        Product.sms,
        Product.bandwidth_mbps,
        ServiceProvider.name.label("sp_name"),
    )
    .join(Product, Subscription.product_id == Product.id)
    .outerjoin(ServiceProvider, Product.sp_id == ServiceProvider.id)
    .where(Subscription.subscriber_id == bindparam("subscriber_id"))
    .order_by(Subscription.start_date.desc(), Subscription.id.desc())
)
_USAGE_ROWS = (
    select(UsageMonth.__table__)
    .where(UsageMonth.subscriber_id == bindparam("subscriber_id"), UsageMonth.month >= bindparam("since"))
    .order_by(UsageMonth.month.desc())
)
_SUBSCRIPTIONS = (
    select(Subscription, Product, ServiceProvider.name)
    .join(Product, Subscription.product_id == Product.id)
    .outerjoin(ServiceProvider, Product.sp_id == ServiceProvider.id)
    .where(Subscription.subscriber_id == bindparam("subscriber_id"))
    .order_by(Subscription.start_date.desc(), Subscription.id.desc())
)


@cache
def _bill_line_rows(limit: int) -> Any:
    last = (
        select(Bill.id).where(Bill.subscriber_id == bindparam("subscriber_id")).order_by(Bill.month.desc()).limit(limit)
    )
    return (
        select(
            Bill.id,
            Bill.month,
            Bill.total_fen,
            Bill.status,
            BillLine.item,
            BillLine.description,
            BillLine.amount_fen,
        )
        .outerjoin(BillLine, BillLine.bill_id == Bill.id)
        .where(Bill.id.in_(last))
        .order_by(Bill.month.desc(), BillLine.id)
    )


@cache
def _payment_rows(limit: int) -> Any:
    return (
        select(Payment.amount_fen, Payment.channel, Payment.paid_at)
        .where(Payment.account_id == bindparam("account_id"))
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
        .limit(limit)
    )


def profile_row(session: Session, subscriber_id: int) -> Row[Any] | None:
    """The subscriber's columns and their account's (account_no, balance_fen, …) in one row."""
    return session.execute(_PROFILE_ROW, {"subscriber_id": subscriber_id}).first()


def subscription_rows(session: Session, subscriber_id: int) -> list[Row[Any]]:
    """Every subscription, newest first: its columns, the product's (code, name, kind,
    monthly_fee_fen, allowances) and sp_name."""
    return list(session.execute(_SUBSCRIPTION_ROWS, {"subscriber_id": subscriber_id}))


def usage_rows(session: Session, subscriber_id: int, since: date) -> list[Row[Any]]:
    return list(session.execute(_USAGE_ROWS, {"subscriber_id": subscriber_id, "since": since}))


def bill_line_rows(session: Session, subscriber_id: int, *, limit: int) -> list[Row[Any]]:
    """One row per line of the last `limit` bills, newest bill first (a bill without
    lines gives one row whose item is None)."""
    return list(session.execute(_bill_line_rows(limit), {"subscriber_id": subscriber_id}))


def payment_rows(session: Session, account_id: int, *, limit: int) -> list[Row[Any]]:
    return list(session.execute(_payment_rows(limit), {"account_id": account_id}))


def subscriber(session: Session, subscriber_id: int) -> Subscriber | None:
    return session.scalar(_SUBSCRIBER, {"subscriber_id": subscriber_id})


_INTAKE_PROFILE = select(
    Subscriber.id, Subscriber.segment, Subscriber.vip_level, Subscriber.city, Subscriber.district, Subscriber.birth_year
).where(Subscriber.id == bindparam("subscriber_id"))


def intake_profile(session: Session, subscriber_id: int) -> Row[Any] | None:
    """(id, segment, vip_level, city, district, birth_year): what intake needs, columns only."""
    return session.execute(_INTAKE_PROFILE, {"subscriber_id": subscriber_id}).first()


def subscriber_by_number(session: Session, number: str) -> Subscriber | None:
    return session.scalar(
        select(Subscriber).options(joinedload(Subscriber.account)).where(Subscriber.number == number)
    )


def _prefix_range(column: Any, prefix: str) -> Any:
    """`column LIKE 'prefix%'` as a range, which uses a plain b-tree index on every dialect
    and collation (LIKE does not on PostgreSQL without text_pattern_ops)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


def subscribers_by_number_prefix(session: Session, prefix: str, *, limit: int) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .options(joinedload(Subscriber.account))
            .where(_prefix_range(Subscriber.number, prefix))
            .order_by(Subscriber.number)
            .limit(limit)
        )
    )


def subscribers_by_number_suffix(session: Session, suffix: str, *, limit: int) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .options(joinedload(Subscriber.account))
            .where(_prefix_range(Subscriber.number_reversed, suffix[::-1]))
            .order_by(Subscriber.number_reversed)
            .limit(limit)
        )
    )


def subscribers_by_name_prefix(session: Session, name: str, *, limit: int) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .options(joinedload(Subscriber.account))
            .where(_prefix_range(Subscriber.name, name))
            .order_by(Subscriber.name, Subscriber.id)
            .limit(limit)
        )
    )


def subscribers_by_account_no(session: Session, account_no: str, *, limit: int) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .join(Account, Subscriber.account_id == Account.id)
            .options(joinedload(Subscriber.account))
            .where(Account.account_no == account_no)
            .order_by(Subscriber.id)
            .limit(limit)
        )
    )


def subscriptions(session: Session, subscriber_id: int) -> list[Row[tuple[Subscription, Product, str | None]]]:
    """Every subscription, current and past, newest first, with its product and the SP's name."""
    return list(session.execute(_SUBSCRIPTIONS, {"subscriber_id": subscriber_id}))


def bill_lines_with_product(
    session: Session, subscriber_id: int, *, item: str, product_code: str | None = None
) -> list[Row[tuple[int, date, int, int]]]:
    """(bill id, month, line amount, catalogue fee) for the subscriber's lines of `item`."""
    query = (
        select(Bill.id, Bill.month, BillLine.amount_fen, Product.monthly_fee_fen)
        .join(BillLine, BillLine.bill_id == Bill.id)
        .join(Product, BillLine.product_id == Product.id)
        .where(Bill.subscriber_id == subscriber_id, BillLine.item == item)
        .order_by(Bill.month, BillLine.id)
    )
    if product_code is not None:
        query = query.where(Product.code == product_code)
    return list(session.execute(query))


def product_by_code(session: Session, code: str) -> Product | None:
    return session.scalar(select(Product).where(Product.code == code))


def products(session: Session, *, kind: str | None = None, active_only: bool = True) -> list[tuple[Product, str | None]]:
    query = (
        select(Product, ServiceProvider.name)
        .outerjoin(ServiceProvider, Product.sp_id == ServiceProvider.id)
        .order_by(Product.kind, Product.monthly_fee_fen, Product.code)
    )
    if kind is not None:
        query = query.where(Product.kind == kind)
    if active_only:
        query = query.where(Product.active.is_(True))
    return [(row[0], row[1]) for row in session.execute(query)]


def products_by_code(session: Session) -> dict[str, Product]:
    return {p.code: p for p in session.scalars(select(Product))}


def service_provider_by_code(session: Session, code: str) -> ServiceProvider | None:
    return session.scalar(select(ServiceProvider).where(ServiceProvider.code == code))


def service_providers_by_code(session: Session) -> dict[str, ServiceProvider]:
    return {sp.code: sp for sp in session.scalars(select(ServiceProvider))}


def sp_name(session: Session, sp_id: int | None) -> str | None:
    if sp_id is None:
        return None
    return session.scalar(select(ServiceProvider.name).where(ServiceProvider.id == sp_id))


def adjustments(session: Session, subscriber_id: int, *, reference: str | None = None) -> list[AccountAdjustment]:
    query = select(AccountAdjustment).where(AccountAdjustment.subscriber_id == subscriber_id)
    if reference is not None:
        query = query.where(AccountAdjustment.reference == reference)
    return list(session.scalars(query.order_by(AccountAdjustment.id)))


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def existing_numbers(session: Session, numbers: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(numbers))):
        found.update(session.scalars(select(Subscriber.number).where(Subscriber.number.in_(chunk))))
    return found


def existing_account_nos(session: Session, account_nos: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(account_nos))):
        found.update(session.scalars(select(Account.account_no).where(Account.account_no.in_(chunk))))
    return found


def bulk_insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT for `rows` (imports: no per-row ORM bookkeeping)."""
    if rows:
        session.execute(insert(model), rows)


def account_ids_by_no(session: Session, account_nos: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(account_nos):
        found.update(
            session.execute(select(Account.account_no, Account.id).where(Account.account_no.in_(chunk))).tuples().all()
        )
    return found


def subscriber_ids_by_number(session: Session, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(numbers):
        found.update(
            session.execute(select(Subscriber.number, Subscriber.id).where(Subscriber.number.in_(chunk))).tuples().all()
        )
    return found
