"""Model (or row) → schema conversions. Masking happens here, once, for every view.

Functions read attributes by column name, so an ORM object or a SQL row with those
column names both work (the 360 view passes rows)."""

from __future__ import annotations

from typing import Any

from kefu.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from kefu.customers import schemas
from kefu.customers.models import (
    Account,
    AccountAdjustment,
    Bill,
    Payment,
    Product,
    Subscriber,
    Subscription,
)


def summary(subscriber: Subscriber) -> schemas.SubscriberSummary:
    return schemas.SubscriberSummary(
        id=subscriber.id,
        number_masked=mask_phone(subscriber.number),
        name_masked=mask_name(subscriber.name),
        city=subscriber.city,
        district=subscriber.district,
        segment=subscriber.segment,
        vip_level=subscriber.vip_level,
        status=subscriber.status,
        account_no=subscriber.account.account_no,
        birth_year=subscriber.birth_year,
    )


def profile(subscriber: Subscriber) -> schemas.SubscriberProfile:
    return schemas.SubscriberProfile(
        id=subscriber.id,
        number_masked=mask_phone(subscriber.number),
        name_masked=mask_name(subscriber.name),
        id_number_masked=mask_id_number(subscriber.id_number),
        city=subscriber.city,
        district=subscriber.district,
        segment=subscriber.segment,
        vip_level=subscriber.vip_level,
        status=subscriber.status,
        joined_on=subscriber.joined_on,
        birth_year=subscriber.birth_year,
        churn_risk=subscriber.churn_risk,
        account_manager_id=subscriber.account_manager_id,
    )


def account(acc: Account) -> schemas.AccountView:
    auto_debit = None
    if acc.auto_debit_account:
        auto_debit = f"{acc.auto_debit_bank or ''} {mask_bank_account(acc.auto_debit_account)}".strip()
    return schemas.AccountView(
        account_no=acc.account_no,
        balance_fen=acc.balance_fen,
        credit_limit_fen=acc.credit_limit_fen,
        arrears_fen=max(0, -acc.balance_fen),
        points=acc.points,
        auto_debit_masked=auto_debit,
    )


def product(item: Product, sp_name: str | None) -> schemas.ProductView:
    return schemas.ProductView(
        code=item.code,
        name=item.name,
        kind=item.kind,
        monthly_fee_fen=item.monthly_fee_fen,
        data_mb=item.data_mb,
        voice_minutes=item.voice_minutes,
        sms=item.sms,
        bandwidth_mbps=item.bandwidth_mbps,
        sp_name=sp_name,
    )


def subscription(sub: Subscription, item: Product, sp_name: str | None) -> schemas.SubscriptionView:
    return schemas.SubscriptionView(
        product_code=item.code,
        product_name=item.name,
        kind=item.kind,
        monthly_fee_fen=item.monthly_fee_fen,
        charged_fee_fen=sub.charged_fee_fen,
        start_date=sub.start_date,
        end_date=sub.end_date,
        order_channel=sub.order_channel,
        ordered_by=sub.ordered_by,
        sp_name=sp_name,
    )


def bill(item: Bill) -> schemas.BillView:
    return schemas.BillView(
        id=item.id,
        month=item.month,
        total_fen=item.total_fen,
        status=item.status,
        lines=[
            schemas.BillLineView(item=line.item, description=line.description, amount_fen=line.amount_fen)
            for line in item.lines
        ],
    )


def bills_from_lines(rows: list[Any]) -> list[schemas.BillView]:
    """Bills from one row per line (id, month, total_fen, status, item, description,
    amount_fen), in the rows' order; a row whose item is None is a bill without lines."""
    bills: dict[int, schemas.BillView] = {}
    for row in rows:
        view = bills.get(row.id)
        if view is None:
            view = bills[row.id] = schemas.BillView(
                id=row.id, month=row.month, total_fen=row.total_fen, status=row.status, lines=[]
            )
        if row.item is not None:
            view.lines.append(schemas.BillLineView(item=row.item, description=row.description, amount_fen=row.amount_fen))
    return list(bills.values())


def payment(item: Payment) -> schemas.PaymentView:
    return schemas.PaymentView(amount_fen=item.amount_fen, channel=item.channel, paid_at=item.paid_at)


def adjustment(item: AccountAdjustment) -> schemas.AdjustmentView:
    return schemas.AdjustmentView(
        id=item.id,
        kind=item.kind,
        amount_fen=item.amount_fen,
        data_mb=item.data_mb,
        reason=item.reason,
        reference=item.reference,
        created_at=item.created_at,
    )
