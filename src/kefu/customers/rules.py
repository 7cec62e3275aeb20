"""Pure customer rules: no session, no clock. Table-tested in tests/customers/test_rules.py."""

from __future__ import annotations

import re
from datetime import date

MONEY_KINDS = frozenset({"bill_credit", "refund", "voucher"})
ADJUSTMENT_KINDS = MONEY_KINDS | {"data_gift", "points"}
# One adjustment above this needs a second look: 10,000 yuan, 1 TB of data, 1,000,000 points.
MAX_AMOUNT_FEN = 1_000_000
MAX_DATA_MB = 1_048_576
MAX_POINTS = 1_000_000
SEGMENTS = ("individual", "family", "government_enterprise", "vip")
PRODUCT_KINDS = ("mobile_plan", "broadband", "vas")


def is_active(start: date, end: date | None, on: date) -> bool:
    """A subscription is active on days start <= d < end (end exclusive, None = open)."""
    return start <= on and (end is None or on < end)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + (month.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def credit_problem(kind: str, *, amount_fen: int, data_mb: int, reason: str) -> tuple[str, str] | None:
    """Why an adjustment is refused, as (zh, en), or None when it is acceptable.

    Money kinds carry `amount_fen`; data_gift carries `data_mb`; points carries the number
    of points in `amount_fen`.
    """
    if kind not in ADJUSTMENT_KINDS:
        kinds = ", ".join(sorted(ADJUSTMENT_KINDS))
        return f"未知的补偿类型 {kind}，可选：{kinds}", f"Unknown adjustment kind {kind}; use one of {kinds}"
    if not reason.strip():
        return "请填写补偿原因", "Give the reason for the adjustment"
    if amount_fen < 0 or data_mb < 0:
        return "金额和流量不能为负数", "Amounts must not be negative"
    if kind == "data_gift":
        if data_mb <= 0 or amount_fen:
            return "赠送流量须填写大于 0 的流量（MB），不填金额", "A data gift needs data_mb > 0 and no amount"
        if data_mb > MAX_DATA_MB:
            return "单次赠送流量超过上限 1TB，请分次处理或找主管审批", "A data gift above 1 TB needs approval"
        return None
    if data_mb:
        return "只有赠送流量可以填写流量", "Only a data gift carries data_mb"
    if amount_fen <= 0:
        return "金额须大于 0", "The amount must be greater than 0"
    if kind == "points":
        if amount_fen > MAX_POINTS:
            return "单次赠送积分超过上限，请找主管审批", "Too many points at once; ask a supervisor"
        return None
    if amount_fen > MAX_AMOUNT_FEN:
        return "单笔金额超过 10000 元上限，请找主管审批", "An amount above 10,000 yuan needs a supervisor's approval"
    return None


def weak_service_password(password: str) -> bool:
    """Service passwords are 6 digits; all-equal and consecutive runs are refused."""
    if not re.fullmatch(r"\d{6}", password):
        return True
    digits = [int(c) for c in password]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def valid_bank_account(bank: str, account_no: str) -> bool:
    cleaned = re.sub(r"[\s-]", "", account_no)
    return bool(bank.strip()) and len(bank.strip()) <= 40 and re.fullmatch(r"\d{12,19}", cleaned) is not None


def clean_bank_account(account_no: str) -> str:
    return re.sub(r"[\s-]", "", account_no)


NUMBER_RE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")


def valid_number(number: str) -> bool:
    """A mainland mobile number (11 digits, 13x–19x) or a fixed line with area code."""
    return NUMBER_RE.fullmatch(number) is not None
