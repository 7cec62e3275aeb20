"""The admin page for public holidays the installed chinese-calendar does not know yet: the
State Council's notice typed in as one line per holiday (a date or a range, and its name)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.errors import InvalidInput, KefuError
from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.web.rendering import language, render

router = APIRouter(prefix="/admin", include_in_schema=False)
ADMIN = Authorize(Role.ADMIN)


class _Unreadable(InvalidInput):
    default_code = "holiday_line_unreadable"


def _days(text: str) -> list[date]:
    first, _, last = text.replace("～", "~").partition("~")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if last else start
    except ValueError:
        raise _Unreadable(f"日期 “{text}” 格式不对，请写成 2027-02-06 或 2027-02-06~2027-02-12",
                          f"Date '{text}' is malformed; write 2027-02-06 or 2027-02-06~2027-02-12") from None
    if end < start or (end - start).days > 31:
        raise _Unreadable(f"日期范围 “{text}” 不合理", f"Date range '{text}' is not sensible")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def parse_lines(holidays: str, workdays: str) -> tuple[dict[str, str], list[str]]:
    """'2027-02-06~2027-02-12 春节' per line → {date: name}; worked weekends one date per line."""
    named: dict[str, str] = {}
    for line in filter(None, (raw.strip() for raw in holidays.splitlines())):
        when, _, name = line.partition(" ")
        for day in _days(when):
            named[day.isoformat()] = name.strip()
    worked = [day.isoformat() for raw in workdays.replace(",", "\n").splitlines() if raw.strip()
              for day in _days(raw.strip())]
    return named, worked


def _page(request: Request, session, *, status_code: int = 200, **form) -> Response:
    (first, last), entered = sla.holiday_coverage(session)
    return render(request, "admin/holidays.html", status_code=status_code, first=first, last=last,
                  entered=entered, form=form)


@router.get("/holidays")
def holidays(request: Request, session: DbSession, _: Principal = Depends(ADMIN)) -> Response:
    return _page(request, session)


@router.post("/holidays")
def save(request: Request, session: DbSession, now: Now, year: int = Form(...), holidays: str = Form(""),
         workdays: str = Form(""), source: str = Form(""), principal: Principal = Depends(ADMIN)) -> Response:
    try:
        named, worked = parse_lines(holidays, workdays)
        sla.save_holiday_year(session, year, holidays=named, workdays=worked, source=source[:200],
                              by=principal.actor, now=now)
    except KefuError as error:
        message = error.zh if language(request) == "zh" else error.en
        return _page(request, session, status_code=error.status_code, error=message, year=year,
                     holidays=holidays, workdays=workdays, source=source)
    return RedirectResponse(f"/admin/holidays?saved={year}", status_code=303)
