"""An administrator types next year's holiday notice into the admin page; the SLA calendars use it."""

from __future__ import annotations

from datetime import date

from kefu.sla.calendar import HOLIDAY_YEARS
from kefu.sla.models import SlaHolidayYear
from tests.factories.web import HTML, login_staff

NEXT = HOLIDAY_YEARS[1] + 1


def test_an_admin_enters_the_notice_with_ranges_and_sees_it_listed(client, session, now):
    csrf = login_staff(client, session, roles=("admin",), now=now)
    page = client.get("/admin/holidays", headers=HTML)
    assert page.status_code == 200 and f"{HOLIDAY_YEARS[0]}–{HOLIDAY_YEARS[1]}" in page.text
    sunday = next(date(NEXT, 2, d) for d in range(8, 15) if date(NEXT, 2, d).weekday() == 6)
    saved = client.post("/admin/holidays", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf, "year": str(NEXT), "source": "国办发明电（示例）",
        "holidays": f"{NEXT}-01-01 元旦\n{NEXT}-02-01~{NEXT}-02-07 春节\n", "workdays": sunday.isoformat()})
    assert saved.status_code == 303, saved.text
    row = session.get(SlaHolidayYear, NEXT)
    assert len(row.holidays) == 8 and row.holidays[f"{NEXT}-02-03"] == "春节" and row.workdays == [sunday.isoformat()]
    assert "国办发明电（示例）" in client.get("/admin/holidays", headers=HTML).text


def test_a_line_that_cannot_be_read_keeps_what_was_typed_and_says_why(client, session, now):
    csrf = login_staff(client, session, roles=("admin",), now=now)
    typed = f"{NEXT}-02-30 春节"
    answer = client.post("/admin/holidays", headers=HTML, data={"csrf_token": csrf, "year": str(NEXT), "holidays": typed})
    assert answer.status_code == 422
    assert "格式不对" in answer.text and typed in answer.text
    assert session.get(SlaHolidayYear, NEXT) is None


def test_only_administrators_reach_the_page(client, session, now):
    login_staff(client, session, roles=("supervisor",), now=now)
    assert client.get("/admin/holidays", headers=HTML).status_code == 403
