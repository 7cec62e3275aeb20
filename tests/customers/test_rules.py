"""Pure customer rules, table-driven, no database."""

from __future__ import annotations

from datetime import date

import pytest

from kefu.customers import rules


@pytest.mark.parametrize(
    ("start", "end", "on", "active"),
    [
        (date(2026, 1, 1), None, date(2026, 1, 1), True),
        (date(2026, 1, 1), None, date(2025, 12, 31), False),
        (date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 31), True),
        (date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1), False),  # end is exclusive
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1), False),
    ],
)
def test_is_active(start, end, on, active):
    assert rules.is_active(start, end, on) is active


@pytest.mark.parametrize(
    ("month", "delta", "expected"),
    [
        (date(2026, 11, 1), -2, date(2026, 9, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 3, 1), -27, date(2023, 12, 1)),
    ],
)
def test_add_months(month, delta, expected):
    assert rules.add_months(month, delta) == expected


@pytest.mark.parametrize(
    ("password", "weak"),
    [("802413", False), ("135790", False), ("123456", True), ("654321", True), ("000000", True),
     ("12345", True), ("1234567", True), ("12a456", True), ("", True)],
)
def test_weak_service_password(password, weak):
    assert rules.weak_service_password(password) is weak


@pytest.mark.parametrize(
    ("kind", "amount", "data", "reason", "ok"),
    [
        ("bill_credit", 100, 0, "补偿", True),
        ("refund", 1_000_000, 0, "退费", True),
        ("refund", 1_000_001, 0, "退费", False),
        ("voucher", 0, 0, "券", False),
        ("data_gift", 0, 1024, "送流量", True),
        ("data_gift", 0, 2_000_000, "送流量", False),
        ("points", 500, 0, "积分", True),
        ("points", 0, 10, "积分", False),
        ("refund", 100, 0, "", False),
        ("gift", 100, 0, "x", False),
    ],
)
def test_credit_problem(kind, amount, data, reason, ok):
    problem = rules.credit_problem(kind, amount_fen=amount, data_mb=data, reason=reason)
    assert (problem is None) is ok
    if problem:
        zh, en = problem
        assert zh and en


@pytest.mark.parametrize(
    ("number", "valid"),
    [("13812341234", True), ("19912341234", True), ("12812341234", False), ("1381234123", False),
     ("075512345678", True), ("02012345678", True), ("abc", False)],
)
def test_valid_number(number, valid):
    assert rules.valid_number(number) is valid


def test_bank_account():
    assert rules.valid_bank_account("工商银行", "6222 0212 3456 7890 123")
    assert not rules.valid_bank_account("工商银行", "62220212")
    assert not rules.valid_bank_account(" ", "622202123456789012")
    assert rules.clean_bank_account("6222-0212 3456") == "622202123456"
