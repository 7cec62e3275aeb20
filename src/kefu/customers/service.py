"""Customer use cases. Reads live here; changes to lines and accounts live in changes.py
and are re-exported, so callers use `kefu.customers.service` for everything.

Services flush and record events; they never commit (the edge does)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.audit import audit
from kefu.core.clock import local
from kefu.customers import repository, rules, schemas, views
from kefu.customers.changes import (
    change_plan,
    check_service_password,
    credit_account,
    end_subscription,
    flag_service_provider,
    list_adjustments,
    resume_line,
    set_auto_debit,
    set_service_password,
    suspend_line,
)
from kefu.customers.errors import SubscriberNotFound
from kefu.customers.importing_service import import_catalogue, import_subscribers
from kefu.customers.models import Subscriber

__all__ = [
    "change_plan",
    "check_service_password",
    "credit_account",
    "customer_360",
    "end_subscription",
    "flag_service_provider",
    "get_subscriber",
    "import_catalogue",
    "import_subscribers",
    "list_adjustments",
    "list_products",
    "monthly_overcharges",
    "resume_line",
    "reveal_identity",
    "search_subscribers",
    "set_auto_debit",
    "set_service_password",
    "subscriber_by_number",
    "suspend_line",
    "vas_charges",
]

USAGE_MONTHS = 3
RECENT_BILLS = 6
RECENT_PAYMENTS = 6
MAX_SEARCH = 100


def _load(session: Session, subscriber_id: int) -> Subscriber:
    subscriber = repository.subscriber(session, subscriber_id)
    if subscriber is None:
        raise SubscriberNotFound(subscriber_id)
    return subscriber


def get_subscriber(session: Session, subscriber_id: int) -> schemas.SubscriberSummary:
    """The masked summary; raises SubscriberNotFound."""
    return views.summary(_load(session, subscriber_id))


def intake_profile(session: Session, subscriber_id: int) -> schemas.IntakeProfile:
    """Who a new ticket is for, as intake weighs it (segment, VIP level, place, birth
    year): no personal data, so nothing to mask. Raises SubscriberNotFound."""
    row = repository.intake_profile(session, subscriber_id)
    if row is None:
        raise SubscriberNotFound(subscriber_id)
    return schemas.IntakeProfile(*row)


def subscriber_by_number(session: Session, number: str) -> schemas.SubscriberSummary | None:
    found = repository.subscriber_by_number(session, re.sub(r"[\s-]", "", number))
    return views.summary(found) if found is not None else None


def search_subscribers(session: Session, query: str, *, limit: int = 20) -> list[schemas.SubscriberSummary]:
    """Finds subscribers by full number, number prefix, number suffix (e.g. the last four
    digits), account number or name (exact or prefix). Exact matches come first.

    Every branch is an index range scan, so it stays fast on millions of subscribers.
    """
    text = query.strip()
    limit = max(1, min(limit, MAX_SEARCH))
    if not text:
        return []
    found: dict[int, Subscriber] = {}

    def take(rows: list[Subscriber]) -> None:
        for row in rows:
            if len(found) < limit:
                found.setdefault(row.id, row)

    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit():
        take(repository.subscribers_by_account_no(session, digits, limit=limit))
        if len(digits) >= 3:
            take(repository.subscribers_by_number_prefix(session, digits, limit=limit))
        if 3 <= len(digits) <= 8:
            take(repository.subscribers_by_number_suffix(session, digits, limit=limit))
    else:
        take(repository.subscribers_by_account_no(session, text, limit=limit))
        take(repository.subscribers_by_name_prefix(session, text, limit=limit))
    return [views.summary(row) for row in found.values()]


def _today(now: datetime) -> date:
    return local(now).date()


def _plan_for_month(plans: list[Any], month: date) -> Any | None:
    """The mobile plan in force during `month` (the latest started one overlapping it)."""
    month_end = rules.add_months(month, 1)
    for row in plans:  # newest start first
        if row.start_date < month_end and (row.end_date is None or row.end_date > month):
            return row
    return None


def customer_360(session: Session, subscriber_id: int, *, now: datetime) -> schemas.Customer360:
    """What the agent sees when a contact arrives, personal data masked.

    Five indexed queries whatever the history: subscriber+account, subscriptions+products,
    usage, bills with their lines, payments.
    """
    profile = repository.profile_row(session, subscriber_id)
    if profile is None:
        raise SubscriberNotFound(subscriber_id)
    today = _today(now)
    this_month = rules.month_start(today)
    subscriptions = repository.subscription_rows(session, subscriber_id)
    usage = repository.usage_rows(session, subscriber_id, rules.add_months(this_month, 1 - USAGE_MONTHS))
    bill_lines = repository.bill_line_rows(session, subscriber_id, limit=RECENT_BILLS)
    payments = repository.payment_rows(session, profile.account_id, limit=RECENT_PAYMENTS)

    mobile_plans = [row for row in subscriptions if row.kind == "mobile_plan"]
    current_plan = next(
        (row for row in mobile_plans if rules.is_active(row.start_date, row.end_date, today)), None
    )
    # Active first; within each group newest start first (the query's order, kept by a stable sort).
    products = sorted(subscriptions, key=lambda row: not rules.is_active(row.start_date, row.end_date, today))
    usage_views = []
    for month in usage:
        plan = _plan_for_month(mobile_plans, month.month)
        usage_views.append(
            schemas.UsageVsPlan(
                month=month.month,
                data_mb=month.data_mb,
                data_allowance_mb=plan.data_mb if plan else 0,
                voice_minutes=month.voice_minutes,
                voice_allowance=plan.voice_minutes if plan else 0,
                sms=month.sms,
                sms_allowance=plan.sms if plan else 0,
            )
        )
    return schemas.Customer360(
        subscriber=views.profile(profile),
        account=views.account(profile),
        plan=views.product(current_plan, current_plan.sp_name) if current_plan else None,
        products=[views.subscription(row, row, row.sp_name) for row in products],
        usage=usage_views,
        bills=views.bills_from_lines(bill_lines),
        payments=[views.payment(payment) for payment in payments],
    )


def reveal_identity(session: Session, subscriber_id: int, *, actor: str, now: datetime) -> schemas.RevealedIdentity:
    """The unmasked number, name and ID number. The caller has checked the role; this
    always writes an audit entry (action "unmask") in the same transaction."""
    subscriber = _load(session, subscriber_id)
    audit(
        session,
        actor=actor,
        action="unmask",
        target_type="subscriber",
        target_id=subscriber.id,
        now=now,
        fields=["number", "name", "id_number"],
    )
    session.flush()
    return schemas.RevealedIdentity(number=subscriber.number, name=subscriber.name, id_number=subscriber.id_number)


def monthly_overcharges(
    session: Session, subscriber_id: int, *, product_code: str | None = None
) -> list[schemas.Overcharge]:
    """Every bill whose plan fee was above the plan's catalogue fee, oldest first
    (seed 003: a 19-yuan plan billed 29 yuan a month since 2010)."""
    _load(session, subscriber_id)
    out = []
    for bill_id, month, billed, catalogue in repository.bill_lines_with_product(
        session, subscriber_id, item="plan_fee", product_code=product_code
    ):
        if billed > catalogue:
            out.append(
                schemas.Overcharge(
                    month=month, bill_id=bill_id, billed_fen=billed, catalogue_fen=catalogue, over_fen=billed - catalogue
                )
            )
    return out


def vas_charges(session: Session, subscriber_id: int, *, product_code: str) -> list[schemas.Charge]:
    """What each bill charged for one value-added service, oldest first."""
    _load(session, subscriber_id)
    return [
        schemas.Charge(month=month, bill_id=bill_id, amount_fen=amount)
        for bill_id, month, amount, _ in repository.bill_lines_with_product(
            session, subscriber_id, item="vas_fee", product_code=product_code
        )
    ]


def list_products(session: Session, *, kind: str | None = None) -> list[schemas.ProductView]:
    """The products on sale, by kind then fee."""
    return [views.product(product, sp_name) for product, sp_name in repository.products(session, kind=kind)]
