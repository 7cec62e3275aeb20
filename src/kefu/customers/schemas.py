"""What the customers module hands out. Personal data is masked unless the schema's name
says otherwise (RevealedIdentity). Money in fen, dates of months are the month's first day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel


class SubscriberSummary(BaseModel):
    id: int
    number_masked: str
    name_masked: str
    city: str
    district: str
    segment: str
    vip_level: int
    status: str
    account_no: str
    # Intake's urgency rules treat elderly customers as vulnerable (kefu.tickets.classification).
    birth_year: int | None = None


@dataclass(frozen=True)
class IntakeProfile:
    """What opening a ticket weighs about its subscriber (a plain dataclass: it is read on
    every create and never sent out as it is)."""

    id: int
    segment: str
    vip_level: int
    city: str
    district: str
    birth_year: int | None


class SubscriberProfile(BaseModel):
    id: int
    number_masked: str
    name_masked: str
    id_number_masked: str
    city: str
    district: str
    segment: str
    vip_level: int
    status: str
    joined_on: date
    birth_year: int | None
    churn_risk: float
    account_manager_id: int | None


class AccountView(BaseModel):
    account_no: str
    balance_fen: int
    credit_limit_fen: int
    # Owed money: the negative part of the balance.
    arrears_fen: int
    points: int
    auto_debit_masked: str | None


class ProductView(BaseModel):
    code: str
    name: str
    kind: str
    monthly_fee_fen: int
    data_mb: int
    voice_minutes: int
    sms: int
    bandwidth_mbps: int
    sp_name: str | None


class SubscriptionView(BaseModel):
    product_code: str
    product_name: str
    kind: str
    monthly_fee_fen: int  # the catalogue fee
    charged_fee_fen: int  # what the subscriber is actually billed
    start_date: date
    # Exclusive: the subscription is active on days start_date <= d < end_date.
    end_date: date | None
    order_channel: str
    ordered_by: str
    sp_name: str | None


class UsageVsPlan(BaseModel):
    month: date
    data_mb: int
    data_allowance_mb: int
    voice_minutes: int
    voice_allowance: int
    sms: int
    sms_allowance: int


class BillLineView(BaseModel):
    item: str
    description: str
    amount_fen: int


class BillView(BaseModel):
    id: int
    month: date
    total_fen: int
    status: str
    lines: list[BillLineView]


class PaymentView(BaseModel):
    amount_fen: int
    channel: str
    paid_at: datetime


class Customer360(BaseModel):
    """Everything an agent sees when a contact arrives; newest first in every list."""

    subscriber: SubscriberProfile
    account: AccountView
    plan: ProductView | None
    products: list[SubscriptionView]
    usage: list[UsageVsPlan]
    bills: list[BillView]
    payments: list[PaymentView]


class RevealedIdentity(BaseModel):
    number: str
    name: str
    id_number: str


class Overcharge(BaseModel):
    month: date
    bill_id: int
    billed_fen: int
    catalogue_fen: int
    over_fen: int


class Charge(BaseModel):
    month: date
    bill_id: int
    amount_fen: int


class AdjustmentView(BaseModel):
    id: int
    kind: str
    amount_fen: int
    data_mb: int
    reason: str
    reference: str | None
    created_at: datetime


class ImportReport(BaseModel):
    """What an import wrote (it writes everything or nothing)."""

    kind: str  # subscribers | catalogue
    created: int
    updated: int
