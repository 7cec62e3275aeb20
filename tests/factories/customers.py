"""Subscribers, products, bills and usage for tests.

Each factory adds rows, flushes and commits (a savepoint inside the test's rolled-back
transaction), so API calls made afterwards through the app see them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.customers.models import (
    Account,
    Bill,
    BillLine,
    Payment,
    Product,
    ServiceProvider,
    Subscriber,
    Subscription,
    UsageMonth,
)

_numbers = itertools.count(1)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def _next(prefix: str, width: int) -> str:
    return f"{prefix}{next(_numbers):0{width}d}"


def create_service_provider(session: Session, *, code: str = "SP001", name: str = "某某信息技术有限公司") -> ServiceProvider:
    existing = session.scalar(select(ServiceProvider).where(ServiceProvider.code == code))
    if existing is not None:
        return existing
    sp = ServiceProvider(code=code, name=name, flagged=False)
    session.add(sp)
    session.commit()
    return sp


def create_product(
    session: Session,
    *,
    code: str,
    kind: str = "mobile_plan",
    fee_fen: int = 5900,
    name: str | None = None,
    data_mb: int = 0,
    voice_minutes: int = 0,
    sms: int = 0,
    bandwidth_mbps: int = 0,
    sp: ServiceProvider | str | None = None,
    active: bool = True,
    description: str = "",
) -> Product:
    """A catalogue entry. `sp` (a ServiceProvider or an SP code) for value-added services."""
    if isinstance(sp, str):
        sp = create_service_provider(session, code=sp, name=f"{sp} 信息服务")
    product = Product(
        code=code,
        name=name or code,
        kind=kind,
        monthly_fee_fen=fee_fen,
        data_mb=data_mb,
        voice_minutes=voice_minutes,
        sms=sms,
        bandwidth_mbps=bandwidth_mbps,
        sp_id=sp.id if sp is not None else None,
        active=active,
        description=description,
    )
    session.add(product)
    session.commit()
    return product


def _product(session: Session, product: Product | str) -> Product:
    if isinstance(product, Product):
        return product
    found = session.scalar(select(Product).where(Product.code == product))
    if found is None:
        raise LookupError(f"no product {product}: create_product first")
    return found


def create_subscriber(
    session: Session,
    *,
    number: str | None = None,
    name: str = "张三",
    plan: Product | str | None = None,
    charged_fee_fen: int | None = None,
    plan_start: date = date(2020, 1, 1),
    ordered_by: str = "self",
    order_channel: str = "hall",
    id_number: str = "440105198001011234",
    city: str = "深圳",
    district: str = "福田区",
    segment: str = "individual",
    vip_level: int = 0,
    birth_year: int | None = 1980,
    status: str = "active",
    joined_on: date = date(2020, 1, 1),
    account_no: str | None = None,
    balance_fen: int = 0,
    credit_limit_fen: int = 0,
    points: int = 0,
    account_manager_id: int | None = None,
    churn_risk: float = 0.0,
    created_at: datetime = CREATED,
) -> Subscriber:
    """A subscriber with an account and, when `plan` is given, a subscription to it.

    `charged_fee_fen` defaults to the plan's catalogue fee; set it higher to model a
    staff error (seed 003: a 19-yuan plan charged 29).
    """
    account = Account(
        account_no=account_no or _next("A", 10),
        balance_fen=balance_fen,
        credit_limit_fen=credit_limit_fen,
        points=points,
        created_at=created_at,
    )
    session.add(account)
    session.flush()
    subscriber = Subscriber(
        number=number or _next("139", 8),
        name=name,
        id_number=id_number,
        city=city,
        district=district,
        segment=segment,
        vip_level=vip_level,
        birth_year=birth_year,
        status=status,
        account_id=account.id,
        account_manager_id=account_manager_id,
        churn_risk=churn_risk,
        joined_on=joined_on,
        created_at=created_at,
    )
    session.add(subscriber)
    session.flush()
    if plan is not None:
        add_subscription(
            session,
            subscriber,
            plan,
            start_date=plan_start,
            charged_fee_fen=charged_fee_fen,
            ordered_by=ordered_by,
            order_channel=order_channel,
        )
    session.commit()
    return subscriber


def add_subscription(
    session: Session,
    subscriber: Subscriber,
    product: Product | str,
    *,
    start_date: date = date(2020, 1, 1),
    end_date: date | None = None,
    charged_fee_fen: int | None = None,
    order_channel: str = "hall",
    ordered_by: str = "self",
) -> Subscription:
    product = _product(session, product)
    subscription = Subscription(
        subscriber_id=subscriber.id,
        product_id=product.id,
        start_date=start_date,
        end_date=end_date,
        order_channel=order_channel,
        ordered_by=ordered_by,
        charged_fee_fen=product.monthly_fee_fen if charged_fee_fen is None else charged_fee_fen,
    )
    session.add(subscription)
    session.commit()
    return subscription


def add_bill(
    session: Session,
    subscriber: Subscriber,
    *,
    month: date,
    lines: list[tuple[str, int, Product | str | None]] | None = None,
    plan: Product | str | None = None,
    plan_fee_fen: int | None = None,
    status: str = "paid",
    issued_at: datetime | None = None,
) -> Bill:
    """A bill for `month` (first day). `lines` are (item, amount_fen, product-or-code);
    or give `plan` (and optionally `plan_fee_fen`) for a single plan_fee line."""
    month = month.replace(day=1)
    items: list[tuple[str, int, Product | None]] = []
    if plan is not None:
        product = _product(session, plan)
        items.append(("plan_fee", product.monthly_fee_fen if plan_fee_fen is None else plan_fee_fen, product))
    for item, amount, line_product in lines or []:
        items.append((item, amount, _product(session, line_product) if line_product is not None else None))
    bill = Bill(
        account_id=subscriber.account_id,
        subscriber_id=subscriber.id,
        month=month,
        total_fen=sum(amount for _, amount, _ in items),
        status=status,
        issued_at=issued_at or datetime(month.year, month.month, 1, tzinfo=UTC),
    )
    session.add(bill)
    session.flush()
    for item, amount, line_product in items:
        session.add(
            BillLine(
                bill_id=bill.id,
                item=item,
                description=line_product.name if line_product is not None else item,
                product_id=line_product.id if line_product is not None else None,
                amount_fen=amount,
            )
        )
    session.commit()
    return bill


def add_usage(
    session: Session, subscriber: Subscriber, *, month: date, data_mb: int = 0, voice_minutes: int = 0, sms: int = 0
) -> UsageMonth:
    usage = UsageMonth(
        subscriber_id=subscriber.id, month=month.replace(day=1), data_mb=data_mb, voice_minutes=voice_minutes, sms=sms
    )
    session.add(usage)
    session.commit()
    return usage


def add_payment(
    session: Session, subscriber: Subscriber, *, amount_fen: int, paid_at: datetime, channel: str = "wechat"
) -> Payment:
    payment = Payment(account_id=subscriber.account_id, amount_fen=amount_fen, channel=channel, paid_at=paid_at)
    session.add(payment)
    session.commit()
    return payment


def months_back(now: datetime | date, count: int) -> list[date]:
    """The first days of the `count` months up to and including `now`'s month, oldest first."""
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))
