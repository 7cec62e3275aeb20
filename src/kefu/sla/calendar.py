"""Business calendars: when a service group is open, and business-time arithmetic.

Pure: no session, no clock. China's public holidays and adjusted working days (调休)
come from the `chinese-calendar` package, never from a hand-typed list; for a year the
package does not know yet, from the arrangement the operator entered (kefu.sla.holidays). Days are
turned into UTC open intervals once and cached per date, so `due_at` is a short loop.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from kefu.sla.errors import BadCalendar, HolidayDataMissing
from kefu.sla.holidays import HolidayYear

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
ZERO = timedelta(0)
# A calendar closed for this many years in a row is an error, not a long wait.
_MAX_SEARCH_YEARS = 3
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

# The years the installed chinese-calendar knows; outside them a holiday-aware calendar refuses.
HOLIDAY_YEARS = (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)

Span = tuple[int, int]  # minutes since local midnight, [open, close), close may be 1440


def parse_span(text: str, *, where: str) -> Span:
    """'09:00-22:00' → (540, 1320); '00:00-24:00' is the whole day."""
    match = _SPAN.match(text)
    if not match:
        raise BadCalendar(
            f"{where} 的营业时间 “{text}” 格式不对，请写成 09:00-22:00",
            f"Service hours '{text}' on {where} are malformed; write them like 09:00-22:00",
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise BadCalendar(
            f"{where} 的营业时间 “{text}” 不是有效时刻", f"Service hours '{text}' on {where} are not valid times"
        )
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise BadCalendar(
            f"{where} 的营业时间 “{text}” 为空：结束时间须晚于开始时间",
            f"Service hours '{text}' on {where} are empty: the end must be after the start",
        )
    return start, end


def _check_no_overlap(spans: Sequence[Span], *, where: str) -> tuple[Span, ...]:
    ordered = tuple(sorted(spans))
    for (_, end), (start, _) in zip(ordered, ordered[1:], strict=False):
        if start < end:
            raise BadCalendar(
                f"{where} 的营业时间段相互重叠，请合并或调整",
                f"Service hours on {where} overlap; merge or adjust them",
            )
    return ordered


@dataclass(frozen=True)
class CalendarSpec:
    """What an administrator edits. `weekly[i]` are the spans of weekday i (0 = Monday)."""

    code: str
    weekly: tuple[tuple[Span, ...], ...]
    timezone: str = "Asia/Shanghai"
    observe_holidays: bool = True
    closures: frozenset[date] = frozenset()
    always_open: bool = False

    @staticmethod
    def from_dict(code: str, data: Mapping[str, Any]) -> CalendarSpec:
        """Validates a stored/submitted calendar: {"always_open": bool, "timezone": str,
        "observe_holidays": bool, "hours": {"mon": ["09:00-22:00"], …}, "closures": ["2026-12-31"]}."""
        tz = str(data.get("timezone") or "Asia/Shanghai")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadCalendar(f"未知时区 {tz}", f"Unknown time zone {tz}") from None
        closures = frozenset(_parse_date(d) for d in data.get("closures") or ())
        if data.get("always_open"):
            # With closures it is a 00:00-24:00 week that can be closed on given dates.
            whole_week = tuple(((0, 1440),) for _ in WEEKDAYS)
            return CalendarSpec(code, whole_week, tz, observe_holidays=False, closures=closures,
                                always_open=not closures)
        hours = data.get("hours") or {}
        unknown = set(hours) - set(WEEKDAYS)
        if unknown:
            raise BadCalendar(
                f"营业时间中有未知的星期：{', '.join(sorted(unknown))}（请用 mon…sun）",
                f"Unknown weekdays in service hours: {', '.join(sorted(unknown))} (use mon…sun)",
            )
        weekly = []
        for i, day in enumerate(WEEKDAYS):
            spans = [parse_span(s, where=WEEKDAY_ZH[i]) for s in hours.get(day) or ()]
            weekly.append(_check_no_overlap(spans, where=WEEKDAY_ZH[i]))
        if not any(weekly):
            raise BadCalendar(
                "日历没有任何营业时间，时效永远不会到期；请至少设置一天", "The calendar is never open; set hours on at least one day"
            )
        return CalendarSpec(code, tuple(weekly), tz, bool(data.get("observe_holidays", True)), closures)

    def to_dict(self) -> dict[str, Any]:
        def fmt(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        data: dict[str, Any] = {"timezone": self.timezone, "closures": sorted(d.isoformat() for d in self.closures)}
        if self.always_open or (self.weekly == tuple(((0, 1440),) for _ in WEEKDAYS) and not self.observe_holidays):
            return data | {"always_open": True}
        data["observe_holidays"] = self.observe_holidays
        data["hours"] = {
            day: [f"{fmt(a)}-{fmt(b)}" for a, b in spans] for day, spans in zip(WEEKDAYS, self.weekly, strict=True)
        }
        return data


def _parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadCalendar(f"停业日期 “{value}” 格式不对，请写成 2026-12-31", f"Closure date '{value}' is malformed; write 2026-12-31") from None


class BusinessCalendar:
    """Business-time arithmetic over a CalendarSpec. Immutable apart from its per-date cache."""

    def __init__(self, spec: CalendarSpec, extra_years: Mapping[int, HolidayYear] | None = None) -> None:
        self.spec = spec
        # Years beyond the package, as the operator entered them (kefu.sla.holidays).
        self.extra_years = dict(extra_years or {})
        self.code = spec.code
        self.tz = ZoneInfo(spec.timezone)
        self.always_open = spec.always_open
        self._days: dict[int, tuple[tuple[int, int], ...]] = {}
        self._local_day_of_hour: dict[int, tuple[int, int]] = {}
        self._years: dict[int, tuple[int, list[int], int]] = {}

    @staticmethod
    def twenty_four_seven(code: str = "24x7", timezone: str = "Asia/Shanghai") -> BusinessCalendar:
        return BusinessCalendar(CalendarSpec.from_dict(code, {"always_open": True, "timezone": timezone}))

    @staticmethod
    def weekly_hours(
        code: str, hours: Mapping[str, Iterable[str]], *, observe_holidays: bool = True,
        closures: Iterable[date] = (), timezone: str = "Asia/Shanghai",
    ) -> BusinessCalendar:
        data = {"hours": {k: list(v) for k, v in hours.items()}, "observe_holidays": observe_holidays,
                "closures": list(closures), "timezone": timezone}
        return BusinessCalendar(CalendarSpec.from_dict(code, data))

    # --- what a day looks like -----------------------------------------------------------

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The local opening spans of one date, after holidays, 调休 and closures."""
        spec = self.spec
        if day in spec.closures:
            return ()
        if spec.always_open:
            return ((0, 1440),)
        weekday = day.weekday()
        if not spec.observe_holidays:
            return spec.weekly[weekday]
        if HOLIDAY_YEARS[0] <= day.year <= HOLIDAY_YEARS[1]:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        elif day.year in self.extra_years:
            on_holiday, name = self.extra_years[day.year].day(day)
        else:
            raise HolidayDataMissing(day.year, HOLIDAY_YEARS, calendar=self.code)
        if on_holiday and name is not None:
            return ()  # a statutory holiday, including the weekend days inside it
        if weekday >= 5 and not on_holiday:
            return spec.weekly[0]  # 调休: an adjusted working day keeps Monday's hours
        return spec.weekly[weekday]

    def _intervals(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """UTC microsecond intervals of a local date (by ordinal), cached."""
        cached = self._days.get(ordinal)
        if cached is not None:
            return cached
        day = date.fromordinal(ordinal)
        out = []
        for start, end in self.spans_on(day):
            opens = datetime.combine(day, time(), self.tz) + timedelta(minutes=start)
            closes = datetime.combine(day, time(), self.tz) + timedelta(minutes=end)
            # Re-localise so a DST jump inside the span is honoured (none in Asia/Shanghai).
            out.append(((opens.astimezone(UTC) - _EPOCH) // _US, (closes.astimezone(UTC) - _EPOCH) // _US))
        intervals = tuple(out)
        self._days[ordinal] = intervals
        return intervals

    def _local_day(self, t: int, at: datetime) -> tuple[int, int]:
        """(ordinal, year) of the local date of the instant `t` (UTC µs), cached per UTC hour:
        a UTC hour never spans two local dates when the offset is whole hours; other zones
        skip the cache."""
        hour = t // 3_600_000_000
        found = self._local_day_of_hour.get(hour)
        if found is None:
            local = at.astimezone(self.tz)
            found = (local.toordinal(), local.year)
            offset = local.utcoffset()
            if offset is not None and offset % timedelta(hours=1) == ZERO:
                self._local_day_of_hour[hour] = found
        return found

    def _year(self, year: int) -> tuple[int, list[int], int]:
        """(first ordinal, cumulative open µs at the end of each day, total) of a local year,
        built once: a due time is then a binary search, however long the target."""
        table = self._years.get(year)
        if table is None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            ends, total = [], 0
            for ordinal in range(first, last + 1):
                for opens, closes in self._intervals(ordinal):
                    total += closes - opens
                ends.append(total)
            table = (first, ends, total)
            self._years[year] = table
        return table

    def _position(self, t: int, at: datetime) -> tuple[int, int]:
        """(year, open µs from the start of that local year up to `t`)."""
        ordinal, year = self._local_day(t, at)
        first, ends, _ = self._year(year)
        k = ordinal - first
        before = ends[k - 1] if k else 0
        for opens, closes in self._intervals(ordinal):
            if closes <= t:
                before += closes - opens
            elif opens < t:
                before += t - opens
        return year, before

    def is_open(self, at: datetime) -> bool:
        if self.always_open:
            return True
        t = (at - _EPOCH) // _US
        return any(a <= t < b for a, b in self._intervals(self._local_day(t, at)[0]))

    # --- arithmetic ------------------------------------------------------------------------

    def add(self, start: datetime, target: timedelta) -> datetime:
        """The instant when `target` of open time has passed since `start` (for a zero
        target: `start` if open, else the next opening)."""
        if self.always_open and target >= ZERO:
            return start + target
        remaining = target // _US
        if remaining <= 0:
            if remaining < 0:
                raise ValueError("target must not be negative")
            return self._next_open((start - _EPOCH) // _US, start)
        t = (start - _EPOCH) // _US
        # The hot path: cached lookups inlined (this runs for every clock scheduled).
        ordinal, year = self._local_day_of_hour.get(t // 3_600_000_000) or self._local_day(t, start)
        # Most targets end on the day they start: walk that day's intervals first.
        for opens, closes in self._days.get(ordinal) or self._intervals(ordinal):
            if closes <= t:
                continue
            begin = opens if opens > t else t
            if remaining <= closes - begin:
                return _EPOCH + timedelta(0, 0, begin + remaining)
            remaining -= closes - begin
        # The rest is a binary search in the year's cumulative open time.
        first, ends, total = self._year(year)
        goal = ends[ordinal - first] + remaining
        for _ in range(_MAX_SEARCH_YEARS):
            if goal <= total:
                break
            goal -= total
            year += 1
            first, ends, total = self._year(year)
        else:
            raise self._never_open()
        k = bisect_left(ends, goal)
        need = goal - (ends[k - 1] if k else 0)
        for opens, closes in self._intervals(first + k):
            if need <= closes - opens:
                return _EPOCH + timedelta(0, 0, opens + need)
            need -= closes - opens
        raise AssertionError("cumulative table and intervals disagree")  # pragma: no cover

    def _next_open(self, t: int, at: datetime) -> datetime:
        ordinal = self._local_day(t, at)[0]
        for _ in range(_MAX_SEARCH_YEARS * 366):
            for opens, closes in self._intervals(ordinal):
                if closes > t:
                    return _EPOCH + timedelta(0, 0, max(opens, t))
            ordinal += 1
        raise self._never_open()

    def _never_open(self) -> BadCalendar:
        return BadCalendar(
            f"日历 {self.code} 在 {_MAX_SEARCH_YEARS} 年内都不营业，无法计算到期时间",
            f"Calendar {self.code} is closed for {_MAX_SEARCH_YEARS} years; no due time can be computed",
        )

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between `start` and `end` (zero when end is not after start)."""
        if end <= start:
            return ZERO
        if self.always_open:
            return end - start
        year0, before0 = self._position((start - _EPOCH) // _US, start)
        year1, before1 = self._position((end - _EPOCH) // _US, end)
        total = before1 - before0 + sum(self._year(y)[2] for y in range(year0, year1))
        return timedelta(microseconds=total)

    def remaining(self, now: datetime, due: datetime) -> timedelta:
        """Business time left until `due`; negative business time once it has passed."""
        return self.elapsed(now, due) if due >= now else -self.elapsed(due, now)

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when open, else the next opening instant."""
        return self.add(at, ZERO)


def due_at(start: datetime, target: timedelta, calendar: BusinessCalendar) -> datetime:
    """When a clock started at `start` with `target` of business time falls due."""
    return calendar.add(start, target)


def elapsed(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time between two instants."""
    return calendar.elapsed(start, end)
