"""Business calendars: due times and elapsed business time across weekends, Spring
Festival, National Day and adjusted working days (调休). Dates checked against
chinese_calendar: 2025-05-31..06-02 Dragon Boat holiday, 2025-10-11 and 2026-02-14 are
调休 Saturdays, 2026-02-15..23 Spring Festival, 2025-10-01..08 National Day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from kefu.sla.calendar import HOLIDAY_YEARS, WEEKDAYS, BusinessCalendar, CalendarSpec, due_at, elapsed
from kefu.sla.errors import BadCalendar, HolidayDataMissing

SH = ZoneInfo("Asia/Shanghai")
SPECIALIST = BusinessCalendar.weekly_hours("specialist", {d: ["09:00-22:00"] for d in WEEKDAYS})
WEEKDAYS_9_22 = BusinessCalendar.weekly_hours("weekdays", {d: ["09:00-22:00"] for d in WEEKDAYS[:5]})
BACK_OFFICE = BusinessCalendar.weekly_hours("back_office", {d: ["08:30-17:30"] for d in WEEKDAYS[:5]})
HALL = BusinessCalendar.weekly_hours("hall", {d: ["09:00-20:00"] for d in WEEKDAYS})
NATURAL_DAYS = BusinessCalendar.weekly_hours("natural", {d: ["00:00-24:00"] for d in WEEKDAYS})
ALWAYS = BusinessCalendar.twenty_four_seven()


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_the_dates_used_here_are_what_chinese_calendar_says():
    assert chinese_calendar.is_workday(date(2026, 11, 20)) and date(2026, 11, 20).weekday() == 4
    assert chinese_calendar.get_holiday_detail(date(2025, 5, 31)) == (True, "Dragon Boat Festival")
    assert chinese_calendar.is_workday(date(2025, 5, 30))
    assert chinese_calendar.is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and date(2026, 2, 14).weekday() == 5
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 17))[1] == "Spring Festival"


@pytest.mark.parametrize(
    ("calendar", "start", "target", "expected"),
    [
        # Friday 21:50 under 9:00–22:00 every day: 10 minutes left, 5 more on Saturday.
        (SPECIALIST, sh(2026, 11, 20, 21, 50), timedelta(minutes=15), sh(2026, 11, 21, 9, 5)),
        # Same, but Saturday starts the Dragon Boat holiday (31 May – 2 June 2025).
        (SPECIALIST, sh(2025, 5, 30, 21, 50), timedelta(minutes=15), sh(2025, 6, 3, 9, 5)),
        # Weekday-only hours: an ordinary Saturday is closed, Monday 9:05 …
        (WEEKDAYS_9_22, sh(2026, 11, 20, 21, 50), timedelta(minutes=15), sh(2026, 11, 23, 9, 5)),
        # … but a 调休 Saturday is a working day.
        (WEEKDAYS_9_22, sh(2025, 10, 10, 21, 50), timedelta(minutes=15), sh(2025, 10, 11, 9, 5)),
        (BACK_OFFICE, sh(2026, 2, 13, 17, 20), timedelta(minutes=30), sh(2026, 2, 14, 8, 50)),
        # Spring Festival 2026: closed 15–23 February, open again Tuesday 24th.
        (BACK_OFFICE, sh(2026, 2, 14, 17, 0), timedelta(hours=1), sh(2026, 2, 24, 9, 0)),
        # National Day 2025: 1–8 October closed; 24 h of natural days from 30 Sept 12:00.
        (NATURAL_DAYS, sh(2025, 9, 30, 12, 0), timedelta(hours=24), sh(2025, 10, 9, 12, 0)),
        # Exactly at closing time: the next opening.
        (SPECIALIST, sh(2026, 11, 20, 22, 0), timedelta(minutes=15), sh(2026, 11, 21, 9, 15)),
        (SPECIALIST, sh(2026, 11, 20, 21, 45), timedelta(minutes=15), sh(2026, 11, 20, 22, 0)),
        # Before opening: the clock starts at opening.
        (HALL, sh(2026, 11, 18, 7, 0), timedelta(hours=12), sh(2026, 11, 19, 10, 0)),
        (ALWAYS, sh(2025, 10, 1, 3, 0), timedelta(hours=72), sh(2025, 10, 4, 3, 0)),
    ],
)
def test_due_at(calendar, start, target, expected):
    assert due_at(start, target, calendar) == expected
    assert due_at(start, target, calendar).tzinfo is not None
    assert elapsed(start, due_at(start, target, calendar), calendar) == target


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        (SPECIALIST, sh(2026, 11, 20, 21, 0), sh(2026, 11, 21, 10, 0), timedelta(hours=2)),
        (BACK_OFFICE, sh(2026, 11, 20, 17, 0), sh(2026, 11, 23, 9, 30), timedelta(hours=1, minutes=30)),
        (BACK_OFFICE, sh(2025, 9, 30, 9, 0), sh(2025, 10, 9, 9, 0), timedelta(hours=9)),  # 8.5 h + 0.5 h
        (SPECIALIST, sh(2026, 11, 21, 10, 0), sh(2026, 11, 20, 21, 0), timedelta(0)),
        (ALWAYS, sh(2026, 1, 1), sh(2026, 1, 2, 6), timedelta(hours=30)),
    ],
)
def test_elapsed(calendar, start, end, expected):
    assert elapsed(start, end, calendar) == expected


def test_remaining_is_negative_business_time_after_the_due_time():
    assert SPECIALIST.remaining(sh(2026, 11, 20, 21, 0), sh(2026, 11, 21, 10, 0)) == timedelta(hours=2)
    assert SPECIALIST.remaining(sh(2026, 11, 21, 10, 0), sh(2026, 11, 20, 21, 0)) == -timedelta(hours=2)


def test_custom_closures_and_calendars_that_ignore_holidays():
    closed = BusinessCalendar.weekly_hours("hall_x", {d: ["09:00-20:00"] for d in WEEKDAYS},
                                           closures=[date(2026, 11, 21)])
    assert due_at(sh(2026, 11, 20, 19, 30), timedelta(hours=1), closed) == sh(2026, 11, 22, 9, 30)
    open_on_holidays = BusinessCalendar.weekly_hours("hotline", {d: ["09:00-22:00"] for d in WEEKDAYS},
                                                     observe_holidays=False)
    assert due_at(sh(2025, 5, 30, 21, 50), timedelta(minutes=15), open_on_holidays) == sh(2025, 5, 31, 9, 5)


def test_time_zone_is_the_calendars_own():
    urumqi = BusinessCalendar.weekly_hours("xj", {d: ["10:00-19:00"] for d in WEEKDAYS}, timezone="Asia/Urumqi",
                                           observe_holidays=False)
    start = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 06:00 in Urumqi
    assert due_at(start, timedelta(hours=1), urumqi) == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def test_outside_the_holiday_data_years_the_error_says_what_to_do():
    with pytest.raises(HolidayDataMissing) as caught:
        due_at(sh(HOLIDAY_YEARS[1] + 1, 3, 2, 10), timedelta(hours=1), BACK_OFFICE)
    assert "chinese-calendar" in caught.value.zh and "upgrade" in caught.value.en
    assert due_at(sh(2031, 3, 2, 10), timedelta(hours=1), ALWAYS) == sh(2031, 3, 2, 11)


@pytest.mark.parametrize(
    ("hours", "fragment"),
    [
        ({"mon": ["09:00-12:00", "11:00-14:00"]}, "overlap"),
        ({"mon": ["12:00-12:00"]}, "empty"),
        ({"mon": ["18:00-09:00"]}, "empty"),
        ({"mon": ["9-12"]}, "malformed"),
        ({"mon": ["09:00-25:00"]}, "not valid"),
        ({"funday": ["09:00-12:00"]}, "Unknown weekdays"),
        ({}, "never open"),
    ],
)
def test_bad_service_hours_are_refused_with_a_bilingual_message(hours, fragment):
    with pytest.raises(BadCalendar) as caught:
        CalendarSpec.from_dict("x", {"hours": hours})
    assert fragment in caught.value.en
    assert caught.value.zh and caught.value.zh != caught.value.en


def test_spec_round_trips():
    spec = CalendarSpec.from_dict("b", {"hours": {"mon": ["08:30-12:00", "13:00-17:30"]}, "closures": ["2026-12-31"]})
    assert CalendarSpec.from_dict("b", spec.to_dict()) == spec
    assert CalendarSpec.from_dict("a", {"always_open": True}).to_dict()["always_open"] is True


def _reference_due_at(start: datetime, target: timedelta, calendar: BusinessCalendar) -> datetime:
    """Walks day by day through the calendar's spans: slow, obviously right."""
    remaining, day = target, start.astimezone(calendar.tz).date()
    while True:
        for a, b in calendar.spans_on(day):
            opens = datetime.combine(day, datetime.min.time(), calendar.tz) + timedelta(minutes=a)
            closes = datetime.combine(day, datetime.min.time(), calendar.tz) + timedelta(minutes=b)
            if closes <= start:
                continue
            begin = max(opens, start)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += timedelta(days=1)


def test_due_at_agrees_with_a_day_by_day_walk_across_years_and_holidays():
    import random

    rng = random.Random(20251001)
    calendars = [SPECIALIST, WEEKDAYS_9_22, BACK_OFFICE, HALL, NATURAL_DAYS]
    first = datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(1500):
        start = first + timedelta(seconds=rng.randrange(int(timedelta(days=700).total_seconds())))
        target = timedelta(minutes=rng.choice([1, 15, 60, 600, 24 * 60, 72 * 60, 200 * 60]))
        calendar = rng.choice(calendars)
        assert due_at(start, target, calendar) == _reference_due_at(start, target, calendar), (start, target,
                                                                                              calendar.code)
