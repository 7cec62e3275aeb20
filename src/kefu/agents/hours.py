"""Service hours of a group as a weekly timetable in the centre's time zone (pure).

A deliberately small model: the same opening hours on the chosen weekdays, e.g. the
Dongguan data seat's 9:00-22:00 seven days a week. Public-holiday calendars live in
sla/; routing takes any object with `is_open(at)` and `next_open(at)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.agents.errors import InvalidHours

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class WeeklyHours:
    """Open from `opens` to `closes` (local time) on `weekdays` (0 = Monday).

    `closes` <= `opens` means the span runs past midnight; 00:00-24:00 is always open.
    """

    opens: time = time(0, 0)
    closes: time | None = None  # None: until midnight
    weekdays: frozenset[int] = frozenset(range(7))
    tz: str = "Asia/Shanghai"

    @classmethod
    def parse(cls, text: str, *, weekdays: frozenset[int] | None = None, tz: str = "Asia/Shanghai") -> WeeklyHours:
        """`"09:00-22:00"`; `"00:00-24:00"` is round the clock."""
        match = _SPAN.match(text)
        if not match:
            raise InvalidHours(text)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise InvalidHours(text)
        closes = None if h2 == 24 else time(h2, m2)
        if closes == time(h1, m1):
            raise InvalidHours(text)
        return cls(opens=time(h1, m1), closes=closes, weekdays=weekdays or frozenset(range(7)), tz=tz)

    def label(self) -> str:
        closes = "24:00" if self.closes is None else self.closes.strftime("%H:%M")
        return f"{self.opens.strftime('%H:%M')}-{closes}"

    def _spans(self, day: datetime) -> tuple[datetime, datetime]:
        """The opening span that starts on the local date of `day`."""
        start = day.replace(hour=self.opens.hour, minute=self.opens.minute, second=0, microsecond=0)
        if self.closes is None:
            end = start.replace(hour=0, minute=0) + timedelta(days=1)
        else:
            end = day.replace(hour=self.closes.hour, minute=self.closes.minute, second=0, microsecond=0)
            if end <= start:
                end += timedelta(days=1)
        return start, end

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(ZoneInfo(self.tz))
        for back in (0, 1):  # a span that started yesterday may still be running
            day = local - timedelta(days=back)
            if day.weekday() not in self.weekdays:
                continue
            start, end = self._spans(day)
            if start <= local < end:
                return True
        return False

    def next_open(self, at: datetime) -> datetime:
        """`at` itself if open, else the next opening instant (UTC)."""
        if self.is_open(at):
            return at
        local = at.astimezone(ZoneInfo(self.tz))
        for ahead in range(0, 8):
            day = local + timedelta(days=ahead)
            if day.weekday() not in self.weekdays:
                continue
            start, _ = self._spans(day)
            if start >= local:
                return start.astimezone(UTC)
        raise InvalidHours(self.label())


ALWAYS = WeeklyHours()
