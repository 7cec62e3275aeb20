"""State shared while the operator is drawn: the random stream, the months, ids, rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.demo.catalogue import Catalogue
from kefu.demo.people import FastRandom

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Column order of the rows each table receives (the writer's INSERT/COPY column list).
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("id", "account_no", "balance_fen", "credit_limit_fen", "points", "auto_debit_bank",
                 "auto_debit_account", "created_at"),
    "subscribers": ("id", "number", "number_reversed", "name", "id_number", "city", "district", "segment", "vip_level",
                    "birth_year", "status", "account_id", "account_manager_id", "service_password_hash",
                    "churn_risk", "joined_on", "created_at"),
    "subscriptions": ("id", "subscriber_id", "product_id", "start_date", "end_date", "order_channel",
                      "ordered_by", "charged_fee_fen"),
    "usage_months": ("id", "subscriber_id", "month", "data_mb", "voice_minutes", "sms"),
    "bills": ("id", "account_id", "subscriber_id", "month", "total_fen", "status", "issued_at"),
    "bill_lines": ("id", "bill_id", "item", "description", "product_id", "amount_fen"),
    "payments": ("id", "account_id", "amount_fen", "channel", "paid_at"),
}
# Parents before children, so foreign keys hold at every statement.
TABLE_ORDER = tuple(COLUMNS)


def sqlite_timestamp(at: datetime) -> str:
    """Naive UTC as SQLAlchemy's SQLite DateTime stores it (string order = time order)."""
    return at.isoformat(" ", "microseconds")


def postgres_timestamp(at: datetime) -> str:
    return at.isoformat(" ") + "+00:00"


@dataclass(frozen=True)
class Month:
    first: date
    last: date
    key: str  # ISO date of the first day, as stored
    issued: datetime  # naive UTC: the bill is issued on the 3rd of the next month, 09:00 in Shanghai
    billed: bool  # False when that bill's issue date is still ahead of `now`
    share: float = 1.0  # the part of the month that has passed: below 1 for the current month


def months_before(now: datetime, count: int) -> list[Month]:
    """The `count` full calendar months (Asia/Shanghai) before the month `now` falls in,
    then that month so far (usage to date, never billed)."""
    today = now.astimezone(SHANGHAI).date()
    current = today.replace(day=1)
    firsts = [current]
    for _ in range(count):
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    firsts.reverse()
    now_naive = now.astimezone(UTC).replace(tzinfo=None)
    result = []
    for start in firsts:
        following = (start + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        issued = datetime(following.year, following.month, 3, 1, 0)
        share = 1.0 if start < current else (today - start).days / ((last - start).days + 1)
        result.append(Month(start, last, start.isoformat(), issued, issued <= now_naive, share))
    return result


@dataclass
class Ids:
    """Next id per table: ids are assigned here, never by the database."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Build:
    seed: int
    rng: FastRandom
    catalogue: Catalogue
    months: list[Month]
    now: datetime  # aware UTC
    ids: Ids
    ts: Callable[[datetime], str]
    # City → account-manager user ids for VIP and government-enterprise lines.
    managers: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=lambda: {t: [] for t in TABLE_ORDER})

    def __post_init__(self) -> None:
        # Read in the hot loops: plain attributes, computed once.
        self.now_naive = self.now.astimezone(UTC).replace(tzinfo=None)
        complete = [m for m in self.months if m.share == 1.0]
        # The generated history: the full months (the current month only gets usage to date).
        self.window_start = complete[0].first
        self.window_end = complete[-1].last
        self.issued_ts = [self.ts(m.issued) for m in self.months]

    def take_rows(self) -> dict[str, list[tuple[object, ...]]]:
        rows, self.rows = self.rows, {t: [] for t in TABLE_ORDER}
        return rows
