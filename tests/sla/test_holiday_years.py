"""Next year's public holidays before chinese-calendar knows them: the service centre enters
the State Council's arrangement, and business time follows it (seed: 节假日顺延)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app as cli
from kefu.sla import service
from kefu.sla.calendar import HOLIDAY_YEARS, BusinessCalendar
from kefu.sla.errors import BadHolidayYear, HolidayDataMissing
from kefu.sla.holidays import parse_holiday_year
from tests.factories.identity import api_client_as

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEXT = HOLIDAY_YEARS[1] + 1  # the first year the installed package does not cover
# An arrangement as a notice gives it (dates relative to the test year so the test keeps
# working when the package learns 2027): New Year's Day, a week of Spring Festival and one
# weekend day worked instead.
FIRST_FRIDAY_OF_FEB = next(date(NEXT, 2, d) for d in range(1, 8) if date(NEXT, 2, d).weekday() == 4)
FESTIVAL = [FIRST_FRIDAY_OF_FEB + timedelta(days=1 + i) for i in range(7)]  # Saturday … next Friday
WORKED_SUNDAY = FESTIVAL[-1] + timedelta(days=2)
ARRANGEMENT = {
    "holidays": {date(NEXT, 1, 1).isoformat(): "元旦", **{d.isoformat(): "春节" for d in FESTIVAL}},
    "workdays": [WORKED_SUNDAY.isoformat()],
    "source": "国务院办公厅关于节假日安排的通知（示例）",
}
BACK_OFFICE = {d: ["08:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")}


def test_a_back_office_task_waits_out_the_festival_and_is_due_on_the_worked_sunday():
    entered = parse_holiday_year(NEXT, ARRANGEMENT["holidays"], ARRANGEMENT["workdays"], known_years=HOLIDAY_YEARS)
    without = BusinessCalendar.weekly_hours("back_office", BACK_OFFICE)
    with pytest.raises(HolidayDataMissing):
        without.spans_on(FESTIVAL[2])
    calendar = BusinessCalendar(without.spec, {NEXT: entered})
    assert calendar.spans_on(FESTIVAL[2]) == ()  # a Monday inside the festival: closed
    assert calendar.spans_on(WORKED_SUNDAY) == ((510, 1050),)  # 调休: Monday's hours
    assert calendar.spans_on(WORKED_SUNDAY - timedelta(days=1)) == ()  # the Saturday stays off

    # Two business hours from Friday 16:30 before the festival: one hour that day, one on the worked Sunday.
    start = datetime.combine(FIRST_FRIDAY_OF_FEB, datetime.min.time().replace(hour=16, minute=30), SHANGHAI)
    due = calendar.add(start, timedelta(hours=2))
    assert due.astimezone(SHANGHAI) == datetime.combine(WORKED_SUNDAY, datetime.min.time().replace(hour=9, minute=30),
                                                         SHANGHAI)


@pytest.mark.parametrize(("holidays", "workdays", "words"), [
    ({}, [], "至少录入一个"),
    ({f"{NEXT}-01-01": ""}, [], "缺少名称"),
    ({f"{NEXT + 1}-01-01": "元旦"}, [], "不在"),
    ({f"{NEXT}-13-01": "元旦"}, [], "格式不对"),
    ({f"{NEXT}-01-01": "元旦"}, [FIRST_FRIDAY_OF_FEB.isoformat()], "须为周六或周日"),
    ({WORKED_SUNDAY.isoformat(): "春节"}, [WORKED_SUNDAY.isoformat()], "既是节假日又是"),
])
def test_an_arrangement_that_cannot_be_right_is_refused(holidays, workdays, words):
    with pytest.raises(BadHolidayYear) as refused:
        parse_holiday_year(NEXT, holidays, workdays, known_years=HOLIDAY_YEARS)
    assert words in refused.value.zh and refused.value.en


def test_an_admin_enters_the_year_over_the_api_and_clocks_use_it(client, session, now):
    api_client_as(client, session, roles=("admin",), now=now)
    saved = client.put(f"/api/v1/sla/holiday-years/{NEXT}", json=ARRANGEMENT)
    assert saved.status_code == 200, saved.text
    assert saved.json()["origin"] == "entered" and saved.json()["workdays"] == [WORKED_SUNDAY.isoformat()]
    listed = client.get("/api/v1/sla/holiday-years").json()
    assert listed["package_years"] == list(HOLIDAY_YEARS) and [y["year"] for y in listed["entered"]] == [NEXT]

    start = datetime.combine(FIRST_FRIDAY_OF_FEB, datetime.min.time().replace(hour=16, minute=30), SHANGHAI)
    due = service.due_at(session, start, timedelta(hours=2), calendar="back_office")
    assert due.astimezone(SHANGHAI).date() == WORKED_SUNDAY

    # The package's own years are authoritative, and a bad date is a clear 422.
    covered = client.put(f"/api/v1/sla/holiday-years/{HOLIDAY_YEARS[1]}", json=ARRANGEMENT)
    assert covered.status_code == 422 and "chinese-calendar" in covered.text
    wrong = client.put(f"/api/v1/sla/holiday-years/{NEXT}", json={"holidays": {"明年元旦": "元旦"}})
    assert wrong.status_code == 422


def test_only_an_admin_or_supervisor_enters_holidays(client, session, now):
    api_client_as(client, session, roles=("agent",), now=now)
    assert client.put(f"/api/v1/sla/holiday-years/{NEXT}", json=ARRANGEMENT).status_code == 403


def test_the_command_line_enters_a_year_from_the_notice_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    notice = tmp_path / "notice.json"
    notice.write_text(__import__("json").dumps(ARRANGEMENT, ensure_ascii=False), encoding="utf-8")
    done = runner.invoke(cli, ["sla", "holidays", "--year", str(NEXT), "--file", str(notice)])
    assert done.exit_code == 0, done.output
    assert str(NEXT) in done.output and "chinese-calendar" in done.output
    notice.write_text('{"holidays": {"x": "y"}}', encoding="utf-8")
    bad = runner.invoke(cli, ["sla", "holidays", "--year", str(NEXT), "--file", str(notice)])
    assert bad.exit_code == 2 and "格式不对" in bad.output
