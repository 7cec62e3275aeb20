"""Customer tables. Money is integer fen (分): 19 yuan = 1900."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kefu.core.db import Base


class ServiceProvider(Base):
    """An SP selling value-added services; flagged when it mis-sells."""

    __tablename__ = "service_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str | None] = mapped_column(String(400))


class Product(Base):
    """Catalogue entry: a mobile plan, a broadband product or a value-added service."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # mobile_plan | broadband | vas
    monthly_fee_fen: Mapped[int]
    data_mb: Mapped[int] = mapped_column(default=0)
    voice_minutes: Mapped[int] = mapped_column(default=0)
    sms: Mapped[int] = mapped_column(default=0)
    bandwidth_mbps: Mapped[int] = mapped_column(default=0)
    sp_id: Mapped[int | None] = mapped_column(ForeignKey("service_providers.id"))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(400), default="")


class Account(Base):
    """The billing account: balance, credit limit, points, bank auto-debit (托收)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    # Positive balance is prepaid money; negative is arrears.
    balance_fen: Mapped[int] = mapped_column(default=0)
    credit_limit_fen: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    auto_debit_bank: Mapped[str | None] = mapped_column(String(40))
    auto_debit_account: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


def _reversed_number(context: Any) -> str:
    return str(context.get_current_parameters()["number"])[::-1]


class Subscriber(Base):
    """A line (number) and the person or organisation holding it."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # The number reversed, indexed: "last four digits" becomes an index range scan on
    # both SQLite and PostgreSQL instead of a LIKE '%1234' over every row.
    number_reversed: Mapped[str] = mapped_column(
        String(20), index=True, default=_reversed_number
    )
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(30))
    city: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(30))
    # individual | family | government_enterprise | vip
    segment: Mapped[str] = mapped_column(String(30), default="individual")
    vip_level: Mapped[int] = mapped_column(default=0)  # 0 none, 1 silver … 3 diamond
    birth_year: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|suspended|cancelled
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # A staff user's id (identity.users); not a foreign key so modules stay independent.
    account_manager_id: Mapped[int | None] = mapped_column(Integer, index=True)
    service_password_hash: Mapped[str | None] = mapped_column(String(200))
    churn_risk: Mapped[float] = mapped_column(default=0.0)
    joined_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]

    account: Mapped[Account] = relationship(lazy="raise")

    __table_args__ = (Index("ix_subscribers_name", "name"), Index("ix_subscribers_city", "city", "district"))

    @validates("number")
    def _keep_reversed(self, _key: str, number: str) -> str:
        self.number_reversed = number[::-1]
        return number


class Subscription(Base):
    """A product a subscriber has, since when, and who sold it through which channel."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # hall | hotline | app | web | wechat | outbound_call | sp_outbound | sms
    order_channel: Mapped[str] = mapped_column(String(20))
    ordered_by: Mapped[str] = mapped_column(String(60))  # staff name, "self", or the SP
    # Price actually charged per month; differs from the catalogue when someone erred.
    charged_fee_fen: Mapped[int]

    product: Mapped[Product] = relationship(lazy="raise")

    __table_args__ = (Index("ix_subscriptions_subscriber", "subscriber_id", "start_date"),)


class UsageMonth(Base):
    __tablename__ = "usage_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    data_mb: Mapped[int] = mapped_column(default=0)
    voice_minutes: Mapped[int] = mapped_column(default=0)
    sms: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("subscriber_id", "month"),)


class Bill(Base):
    __tablename__ = "bills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    month: Mapped[date] = mapped_column(Date)
    total_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="unpaid")  # unpaid | paid
    issued_at: Mapped[datetime]

    lines: Mapped[list[BillLine]] = relationship(lazy="raise", order_by="BillLine.id")

    __table_args__ = (UniqueConstraint("subscriber_id", "month"),)


class BillLine(Base):
    __tablename__ = "bill_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    # plan_fee | broadband_fee | vas_fee | data_overage | voice_overage | other
    item: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(120))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    amount_fen: Mapped[int]


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount_fen: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))  # hall | app | wechat | alipay | bank | auto_debit
    paid_at: Mapped[datetime]

    __table_args__ = (Index("ix_payments_account", "account_id", "paid_at"),)


class AccountAdjustment(Base):
    """A credit or refund written to an account, with what caused it (e.g. a ticket)."""

    __tablename__ = "account_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    kind: Mapped[str] = mapped_column(String(20))  # bill_credit | refund | data_gift | voucher | points
    amount_fen: Mapped[int] = mapped_column(default=0)
    data_mb: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(400))
    reference: Mapped[str | None] = mapped_column(String(60))  # e.g. "ticket:123"
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
