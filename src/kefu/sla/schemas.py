"""SLA in/out models for the API and pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ClockOut(BaseModel):
    id: int
    subject: str = "ticket"  # ticket | callback (ticket_id is then the appointment's contact id)
    ticket_id: int
    target: str
    target_label: str
    cycle: int
    state: str
    policy_code: str
    policy_version: int
    calendar: str
    department: str
    target_seconds: int
    started_at: datetime
    due_at: datetime | None
    warn_at: datetime | None
    # Business time left on the clock's calendar: negative once breached, None when stopped.
    remaining_seconds: int | None
    used_seconds: int
    paused_at: datetime | None
    pause_reason: str | None
    breached_at: datetime | None
    escalation_level: int
    stopped_at: datetime | None
    warning: str | None


class DepartmentRow(BaseModel):
    department: str
    running: int
    paused: int
    due_soon: int
    breached: int


class BoardOut(BaseModel):
    now: datetime
    due_within_minutes: int
    due_soon: list[ClockOut]
    breached: list[ClockOut]
    by_department: list[DepartmentRow]


class TargetIn(BaseModel):
    minutes: Any = Field(description="positive whole minutes of business time")
    calendar: str


class EscalationIn(BaseModel):
    name: str
    role: str
    delay_minutes: Any = 0
    same_department: bool = False


class PolicyIn(BaseModel):
    """A policy as an administrator submits it; the service validates the business rules."""

    code: str = Field(max_length=40)
    name: str = Field(default="", max_length=100)
    match: dict[str, list[str]] = Field(default_factory=dict)
    targets: dict[str, TargetIn]
    warn_share: Any = 0.8
    escalation: list[EscalationIn] = Field(default_factory=list)
    notify_calendar: str = "24x7"
    precedence: int = 0


class PolicyOut(BaseModel):
    id: int
    code: str
    version: int
    name: str
    active: bool
    created_at: datetime
    created_by: str
    superseded_at: datetime | None
    spec: dict[str, Any]


class CalendarIn(BaseModel):
    name: str = Field(max_length=100)
    always_open: bool = False
    timezone: str = "Asia/Shanghai"
    observe_holidays: bool = True
    hours: dict[str, list[str]] = Field(default_factory=dict)
    closures: list[str] = Field(default_factory=list)


class CalendarOut(BaseModel):
    code: str
    name: str
    spec: dict[str, Any]
    updated_at: datetime
    updated_by: str


class HolidayYearIn(BaseModel):
    """A year's arrangement from the State Council notice: {"2027-02-06": "春节", …} and the
    weekend days worked (调休)."""

    holidays: dict[str, str]
    workdays: list[str] = Field(default_factory=list)
    source: str = Field(default="", max_length=200)


class HolidayYearOut(BaseModel):
    year: int
    holidays: dict[str, str]
    workdays: list[str]
    source: str
    updated_at: datetime | None
    updated_by: str
    # "chinese-calendar" for the years the package covers, "entered" for the operator's.
    origin: str
