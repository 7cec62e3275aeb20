"""Callback appointments 预约登记回呼: when they are due and how urgent they are (pure).

Seed 004 (Dongguan data-service seat): when every specialist is busy the front-line
agent registers an appointment that the seat returns within 1 hour; one registered
outside the seat's hours (22:00-9:00) is returned after 9:00 — within 1 hour of opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from kefu.routing.errors import InvalidCallbackNumber


class Hours(Protocol):
    def is_open(self, at: datetime) -> bool: ...

    def next_open(self, at: datetime) -> datetime: ...


class CallbackResult(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    RETRIED = "retried"
    DONE = "done"


@dataclass(frozen=True)
class CallbackPolicy:
    within: timedelta = timedelta(hours=1)
    retry_delay: timedelta = timedelta(minutes=10)
    max_attempts: int = 3
    # Below live callers at first, so a free specialist takes the caller on the line ...
    base_priority: int = -10
    # ... then (time before due, priority added): level with live calls half an hour
    # before due (its older place wins), ahead of them in the last ten minutes.
    boosts: tuple[tuple[timedelta, int], ...] = ((timedelta(minutes=30), 10), (timedelta(minutes=10), 30))


# On the durable queue the boosts follow the appointment's SLA clock: level with live
# callers once it warns (its older place wins), ahead of them once it is due.
SLA_STAGE_BOOST = {"warned": 10, "breached": 30}


@dataclass(frozen=True)
class Appointment:
    not_before: datetime
    due_at: datetime


def appointment(registered_at: datetime, hours: Hours | None, policy: CallbackPolicy) -> Appointment:
    """Due within `policy.within` of the group being open: now if open, else its next opening."""
    opens = registered_at if hours is None or hours.is_open(registered_at) else hours.next_open(registered_at)
    return Appointment(not_before=opens, due_at=opens + policy.within)


def priority_boost(now: datetime, due_at: datetime, policy: CallbackPolicy) -> int:
    """The priority added at `now`; overdue appointments get the largest boost."""
    left = due_at - now
    boost = 0
    for before, added in policy.boosts:
        if left <= before:
            boost = max(boost, added)
    return boost


def boost_times(due_at: datetime, policy: CallbackPolicy) -> list[datetime]:
    """When the boost changes, for the engine's timers."""
    return sorted(due_at - before for before, _ in policy.boosts)


def retry_at(now: datetime, hours: Hours | None, policy: CallbackPolicy) -> datetime:
    at = now + policy.retry_delay
    return at if hours is None or hours.is_open(at) else hours.next_open(at)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_FIXED = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalize_number(number: str) -> str:
    """A callable Chinese number: 11-digit mobile or fixed line with area code (+86 and
    separators stripped). Raises InvalidCallbackNumber."""
    digits = re.sub(r"[\s\-()]", "", number or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if _MOBILE.match(digits) or _FIXED.match(digits):
        return digits
    raise InvalidCallbackNumber(number)
