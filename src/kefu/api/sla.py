"""SLA API: a ticket's clocks with business time left, the SLA board, and the
administration of business calendars and versioned policies (admin, supervisor)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.sla import service
from kefu.sla.schemas import (
    BoardOut,
    CalendarIn,
    CalendarOut,
    ClockOut,
    HolidayYearIn,
    HolidayYearOut,
    PolicyIn,
    PolicyOut,
)

router = APIRouter(prefix="/api/v1", tags=["sla"])

READ = Authorize(*STAFF)
BOARD = Authorize(Role.SUPERVISOR, Role.ANALYST, Role.COMPLAINT_HANDLER, Role.SPECIALIST, Role.ACCOUNT_MANAGER)
ADMIN = Authorize(Role.ADMIN, Role.SUPERVISOR)


@router.get("/tickets/{ticket_id}/clocks", response_model=list[ClockOut])
def ticket_clocks(ticket_id: int, session: DbSession, now: Now, _: Principal = Depends(READ)) -> list[ClockOut]:
    """Every SLA clock of the ticket: state, due time, business time used and left."""
    return service.ticket_clocks(session, ticket_id, now=now)


@router.get("/sla/board", response_model=BoardOut)
def board(
    session: DbSession, now: Now, _: Principal = Depends(BOARD),
    within_minutes: int = Query(60, ge=1, le=7 * 24 * 60), department: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=200),
) -> BoardOut:
    """Clocks due within `within_minutes`, breached clocks still open, counts per department."""
    return service.board(session, now=now, within=timedelta(minutes=within_minutes), department=department,
                         limit=limit)


@router.get("/sla/policies", response_model=list[PolicyOut])
def list_policies(session: DbSession, now: Now, _: Principal = Depends(BOARD)) -> list[PolicyOut]:
    return service.list_policies(session, now=now)


@router.get("/sla/policies/{code}", response_model=list[PolicyOut])
def policy_versions(code: str, session: DbSession, _: Principal = Depends(BOARD)) -> list[PolicyOut]:
    """Every version of a policy, oldest first (clocks name the version they run on)."""
    return service.policy_versions(session, code)


@router.post("/sla/policies", response_model=PolicyOut, status_code=201)
def create_policy(body: PolicyIn, session: DbSession, now: Now, principal: Principal = Depends(ADMIN)) -> PolicyOut:
    return service.create_policy(session, body.model_dump(), by=principal.actor, now=now)


@router.put("/sla/policies/{code}", response_model=PolicyOut)
def update_policy(code: str, body: PolicyIn, session: DbSession, now: Now,
                  principal: Principal = Depends(ADMIN)) -> PolicyOut:
    """Saves a new version; running clocks keep the version they started with."""
    return service.update_policy(session, code, body.model_dump(), by=principal.actor, now=now)


@router.delete("/sla/policies/{code}", status_code=204)
def deactivate_policy(code: str, session: DbSession, now: Now, principal: Principal = Depends(ADMIN)) -> Response:
    service.deactivate_policy(session, code, by=principal.actor, now=now)
    return Response(status_code=204)


@router.get("/sla/calendars", response_model=list[CalendarOut])
def list_calendars(session: DbSession, now: Now, _: Principal = Depends(BOARD)) -> list[CalendarOut]:
    return service.list_calendars(session, now=now)


@router.put("/sla/calendars/{code}", response_model=CalendarOut)
def save_calendar(code: str, body: CalendarIn, session: DbSession, now: Now,
                  principal: Principal = Depends(ADMIN)) -> CalendarOut:
    """Creates or replaces a business calendar (service hours, holidays, closures)."""
    spec = body.model_dump(exclude={"name"})
    return service.save_calendar(session, code, name=body.name, spec=spec, by=principal.actor, now=now)


@router.get("/sla/holiday-years", response_model=dict[str, Any])
def holiday_years(session: DbSession, _: Principal = Depends(BOARD)) -> dict[str, Any]:
    """Which years' holidays the clocks know: the package's range and the operator's years."""
    (first, last), entered = service.holiday_coverage(session)
    return {"package_years": [first, last], "entered": [y.model_dump(mode="json") for y in entered]}


@router.put("/sla/holiday-years/{year}", response_model=HolidayYearOut)
def save_holiday_year(year: int, body: HolidayYearIn, session: DbSession, now: Now,
                      principal: Principal = Depends(ADMIN)) -> HolidayYearOut:
    """Enters a year's public holidays and 调休 from the State Council notice, for a year the
    installed chinese-calendar does not cover yet."""
    return service.save_holiday_year(session, year, holidays=body.holidays, workdays=body.workdays,
                                     source=body.source, by=principal.actor, now=now)
