"""The admin page for public holidays the installed chinese-calendar does not know yet: the
State Council's notice typed in as one line per holiday (a date or a range, and its name)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.errors import KefuError
from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.sla.holidays import parse_notice_lines
from kefu.web.rendering import language, render

router = APIRouter(prefix="/admin", include_in_schema=False)
ADMIN = Authorize(Role.ADMIN)


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
        named, worked = parse_notice_lines(holidays, workdays)
        sla.save_holiday_year(session, year, holidays=named, workdays=worked, source=source[:200],
                              by=principal.actor, now=now)
    except KefuError as error:
        message = error.zh if language(request) == "zh" else error.en
        return _page(request, session, status_code=error.status_code, error=message, year=year,
                     holidays=holidays, workdays=workdays, source=source)
    return RedirectResponse(f"/admin/holidays?saved={year}", status_code=303)
