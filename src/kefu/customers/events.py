"""Events the customers module publishes. Tickets, outreach and analytics react to them;
this module knows nothing of who listens (see wiring.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event


@dataclass(frozen=True)
class AccountCredited(Event):
    """Money, data, a voucher or points given to an account (a compensation or refund)."""

    adjustment_id: int
    subscriber_id: int
    account_id: int
    kind: str  # bill_credit | refund | data_gift | voucher | points
    amount_fen: int
    data_mb: int
    reference: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class PlanChanged(Event):
    subscriber_id: int
    from_product: str | None
    to_product: str
    by: str
    at: datetime


@dataclass(frozen=True)
class SubscriptionEnded(Event):
    subscriber_id: int
    product_code: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class LineSuspended(Event):
    subscriber_id: int
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class LineResumed(Event):
    subscriber_id: int
    by: str
    at: datetime
