"""Presence changes, service hours and skills (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.agents.errors import BreakNeedsReason, InvalidHours, InvalidPresenceChange, InvalidSkills
from kefu.agents.hours import WeeklyHours
from kefu.agents.presence import Presence, ensure_transition
from kefu.agents.skills import format_skills, parse_skills

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("signed_out", "signed_in"), ("signed_in", "ready"), ("ready", "talking"), ("talking", "wrap_up"),
     ("wrap_up", "ready"), ("ready", "signed_out"), ("break", "ready")],
)
def test_allowed_presence_changes(current, wanted):
    assert ensure_transition(current, wanted) is Presence(wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("signed_out", "ready"), ("signed_out", "talking"), ("talking", "signed_out"), ("talking", "break"),
     ("signed_in", "wrap_up")],
)
def test_impossible_presence_changes_are_a_409(current, wanted):
    with pytest.raises(InvalidPresenceChange) as caught:
        ensure_transition(current, wanted)
    assert caught.value.status_code == 409 and caught.value.zh


def test_a_break_needs_a_reason():
    with pytest.raises(BreakNeedsReason):
        ensure_transition("ready", "break")
    assert ensure_transition("ready", "break", reason="就餐") is Presence.BREAK


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def test_the_data_seat_is_open_from_nine_to_ten_at_night():
    hours = WeeklyHours.parse("09:00-22:00")
    assert not hours.is_open(local(23, 8, 59))
    assert hours.is_open(local(23, 9))
    assert hours.is_open(local(23, 21, 59))
    assert not hours.is_open(local(23, 22))
    assert hours.next_open(local(23, 23, 30)) == local(24, 9).astimezone(UTC)
    assert hours.next_open(local(24, 3)) == local(24, 9).astimezone(UTC)
    assert hours.next_open(local(24, 10)) == local(24, 10)


def test_weekday_only_hours_skip_the_weekend():
    hours = WeeklyHours.parse("08:30-17:30", weekdays=frozenset(range(5)))
    friday_evening = local(27, 18)
    assert hours.next_open(friday_evening) == local(30, 8, 30).astimezone(UTC)


def test_overnight_and_round_the_clock_hours():
    night = WeeklyHours.parse("20:00-08:00")
    assert night.is_open(local(23, 23)) and night.is_open(local(24, 7)) and not night.is_open(local(24, 12))
    assert WeeklyHours.parse("00:00-24:00").is_open(local(23, 3))


@pytest.mark.parametrize("text", ["9-22", "25:00-26:00", "09:00-09:00", "nine to ten"])
def test_bad_hours_are_refused(text):
    with pytest.raises(InvalidHours):
        WeeklyHours.parse(text)


def test_skills_are_read_with_levels():
    assert parse_skills("data:3, gsm:2，complaint english") == {"data": 3, "gsm": 2, "complaint": 1, "english": 1}
    assert format_skills({"gsm": 2, "data": 3}) == "data:3, gsm:2"


@pytest.mark.parametrize("text", ["data:9", "data:x", "数据:2", "Data-1:2"])
def test_bad_skills_are_refused(text):
    with pytest.raises(InvalidSkills):
        parse_skills(text)


def test_presence_times_give_occupancy_and_sign_in_rate():
    from dataclasses import dataclass
    from datetime import timedelta

    from kefu.agents.kpis import presence_times

    @dataclass
    class Entry:
        previous: str
        state: str
        at: datetime

    t0 = local(23, 9)
    log = [
        Entry("signed_out", "signed_in", t0 - timedelta(minutes=5)),
        Entry("signed_in", "ready", t0),
        Entry("ready", "talking", t0 + timedelta(minutes=10)),
        Entry("talking", "wrap_up", t0 + timedelta(minutes=40)),
        Entry("wrap_up", "ready", t0 + timedelta(minutes=45)),
        Entry("ready", "break", t0 + timedelta(minutes=50)),
        Entry("break", "signed_out", t0 + timedelta(minutes=80)),
    ]
    times = presence_times(log, start=t0, end=t0 + timedelta(hours=2))
    assert times.seconds == {"ready": 900.0, "talking": 1800.0, "wrap_up": 300.0, "break": 1800.0,
                             "signed_out": 2400.0}
    assert times.occupancy() == pytest.approx(2100 / 3000)
    assert times.sign_in_rate(scheduled_seconds=7200) == pytest.approx(4800 / 7200)
