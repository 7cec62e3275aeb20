"""Holiday arrangements entered by the operator for years the chinese-calendar package does
not know yet. The State Council publishes next year's holidays and 调休 each November or
December; a service centre enters them here rather than wait for a package release. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from kefu.sla.errors import BadHolidayYear


@dataclass(frozen=True)
class HolidayYear:
    year: int
    holidays: Mapping[date, str]  # statutory days off, including the weekend days inside them
    workdays: frozenset[date]  # 调休: weekend days worked instead

    def day(self, day: date) -> tuple[bool, str | None]:
        """(is a day off, holiday name) in the shape chinese_calendar.get_holiday_detail gives."""
        if day in self.holidays:
            return True, self.holidays[day]
        if day in self.workdays:
            return False, None
        return day.weekday() >= 5, None


def _date_in(year: int, value: str, *, what: str) -> date:
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadHolidayYear(f"{what}日期 “{value}” 格式不对，请写成 {year}-01-01",
                             f"Date '{value}' is malformed; write {year}-01-01") from None
    if day.year != year:
        raise BadHolidayYear(f"日期 {day} 不在 {year} 年内", f"Date {day} is not in {year}")
    return day


def parse_holiday_year(year: int, holidays: Mapping[str, str], workdays: Iterable[str],
                       *, known_years: tuple[int, int]) -> HolidayYear:
    """Checks an arrangement: dates inside the year, every holiday named, 调休 only on
    weekends, no date both, and never a year the package already knows (it is authoritative)."""
    lo, hi = known_years
    if lo <= year <= hi:
        raise BadHolidayYear(f"{year} 年的节假日由 chinese-calendar 提供（{lo}–{hi} 年），不能手工覆盖",
                             f"The holidays of {year} come from chinese-calendar ({lo}–{hi}) and cannot be overridden")
    if not 2000 <= year <= 2100:
        raise BadHolidayYear(f"年份 {year} 不合理", f"Year {year} is out of range")
    if not holidays:
        raise BadHolidayYear("请至少录入一个法定节假日", "Enter at least one public holiday")
    days_off: dict[date, str] = {}
    for value, name in holidays.items():
        if not str(name or "").strip():
            raise BadHolidayYear(f"节假日 {value} 缺少名称（如 春节）", f"Holiday {value} needs a name (e.g. Spring Festival)")
        days_off[_date_in(year, value, what="节假日")] = str(name).strip()[:20]
    worked = frozenset(_date_in(year, value, what="调休上班") for value in workdays)
    weekdays = sorted(d for d in worked if d.weekday() < 5)
    if weekdays:
        raise BadHolidayYear(f"调休上班日须为周六或周日：{weekdays[0]} 是工作日",
                             f"Adjusted working days must be weekends: {weekdays[0]} is a weekday")
    both = sorted(worked & days_off.keys())
    if both:
        raise BadHolidayYear(f"{both[0]} 不能既是节假日又是调休上班日",
                             f"{both[0]} cannot be both a holiday and an adjusted working day")
    return HolidayYear(year, days_off, worked)


def _days(text: str) -> list[date]:
    first, _, last = text.replace("～", "~").partition("~")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if last else start
    except ValueError:
        raise BadHolidayYear(f"日期 “{text}” 格式不对，请写成 2027-02-06 或 2027-02-06~2027-02-12",
                             f"Date '{text}' is malformed; write 2027-02-06 or 2027-02-06~2027-02-12") from None
    if end < start or (end - start).days > 31:
        raise BadHolidayYear(f"日期范围 “{text}” 不合理", f"Date range '{text}' is not sensible")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def parse_notice_lines(holidays: str, workdays: str) -> tuple[dict[str, str], list[str]]:
    """A notice as typed: '2027-02-06~2027-02-12 春节' per line → {date: name}; the worked
    weekends one date per line (or comma-separated)."""
    named: dict[str, str] = {}
    for line in filter(None, (raw.strip() for raw in holidays.splitlines())):
        when, _, name = line.partition(" ")
        for day in _days(when):
            named[day.isoformat()] = name.strip()
    worked = [day.isoformat() for raw in workdays.replace(",", "\n").splitlines() if raw.strip()
              for day in _days(raw.strip())]
    return named, worked
