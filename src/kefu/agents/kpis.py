"""Time in each presence state from the append-only log, for sign-in rate, occupancy
and wrap-up time (pure; analytics aggregates these per group and interval)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kefu.agents.presence import Presence


class Change(Protocol):
    previous: str
    state: str
    at: datetime


@dataclass(frozen=True)
class PresenceTimes:
    seconds: dict[str, float]

    def signed_in(self) -> float:
        return sum(v for k, v in self.seconds.items() if k != Presence.SIGNED_OUT)

    def occupancy(self) -> float | None:
        """Talking and wrap-up over the time available for contacts (ready + talking + wrap-up)."""
        busy = self.seconds.get(Presence.TALKING, 0.0) + self.seconds.get(Presence.WRAP_UP, 0.0)
        available = busy + self.seconds.get(Presence.READY, 0.0)
        return busy / available if available else None

    def sign_in_rate(self, scheduled_seconds: float) -> float | None:
        """签入率: time signed in over the time the roster scheduled."""
        return self.signed_in() / scheduled_seconds if scheduled_seconds > 0 else None


def presence_times(changes: Iterable[Change], *, start: datetime, end: datetime,
                   initial: str = Presence.SIGNED_OUT) -> PresenceTimes:
    """Seconds spent in each state within [start, end). `changes` in time order; the state
    before the first change is its `previous` (or `initial` when there is none)."""
    ordered = sorted(changes, key=lambda c: c.at)
    state = ordered[0].previous if ordered else initial
    since = start
    seconds: dict[str, float] = {}
    for change in ordered:
        if change.at <= start:
            state = change.state
            continue
        if change.at >= end:
            break
        seconds[state] = seconds.get(state, 0.0) + (change.at - since) / timedelta(seconds=1)
        state, since = change.state, change.at
    seconds[state] = seconds.get(state, 0.0) + max((end - since) / timedelta(seconds=1), 0.0)
    return PresenceTimes(seconds)
