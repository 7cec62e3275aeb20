"""SLA tables: calendars, versioned policies, clocks, escalation steps and stored results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class SlaCalendar(Base):
    __tablename__ = "sla_calendars"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100), default="system")


class SlaHolidayYear(Base):
    """A year's public holidays and 调休 as the operator entered them, for years the
    chinese-calendar package does not cover yet; `source` names the State Council notice."""

    __tablename__ = "sla_holiday_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[dict[str, str]] = mapped_column(JSON)  # "2027-02-06": "春节"
    workdays: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))


class SlaPolicy(Base):
    """One version of a policy. Rows are never edited: a change is a new version."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    superseded_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("code", "version"), Index("ix_sla_policies_active", "active", "code"))


class SlaClock(Base):
    """One target of one ticket (a reopened ticket's resolve clock is a new cycle).

    `next_check_at` is the earliest of the pending warning, breach and escalation
    instants, so the worker finds what is due with one index range scan."""

    __tablename__ = "sla_clocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What is timed: a ticket, or a routing callback appointment (ticket_id then holds the
    # appointment's contact id and target is "callback", so the unique key never collides).
    subject: Mapped[str] = mapped_column(String(12), default="ticket", server_default="ticket")
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    target: Mapped[str] = mapped_column(String(20))  # respond | feedback | resolve | return_visit | callback
    cycle: Mapped[int] = mapped_column(default=1)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))
    policy_code: Mapped[str] = mapped_column(String(40))
    policy_version: Mapped[int]
    calendar_code: Mapped[str] = mapped_column(String(40))
    notify_calendar: Mapped[str] = mapped_column(String(40))
    target_seconds: Mapped[int]
    warn_share: Mapped[float] = mapped_column(Float, default=0.8)
    ticket_type: Mapped[str] = mapped_column(String(30))
    segment: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10))
    department: Mapped[str] = mapped_column(String(40))
    # running | paused | met | breached | cancelled
    state: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime]
    running_since: Mapped[datetime | None]
    consumed_us: Mapped[int] = mapped_column(BigInteger, default=0)  # business time used before running_since
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None]
    warn_at: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(default=0)
    next_escalation_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    last_event_at: Mapped[datetime]
    # Why this clock is not what the policy alone would give (no policy matched, no holiday data).
    warning: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("ticket_id", "target", "cycle"),
        Index("ix_sla_clocks_next_check_at", "next_check_at"),
        Index("ix_sla_clocks_state_due_at", "state", "due_at"),
        # The board's counts per department and state read this index only, and one
        # department's breached list its due order (bench/web_pages.py). Department first, so
        # the planner never takes it for "all open clocks" where ticket_id or due_at serve better.
        Index("ix_sla_clocks_department_state_open", "department", "state", "stopped_at", "due_at"),
    )


class SlaEscalation(Base):
    """A warning (level 0) or escalation step done for a clock: at most once per level."""

    __tablename__ = "sla_escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clocks.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    recipients: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("clock_id", "level"),)


class SlaResult(Base):
    """The outcome of a clock, written when it happens, so reports never recompute history."""

    __tablename__ = "sla_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clocks.id", ondelete="CASCADE"), unique=True)
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    target: Mapped[str] = mapped_column(String(20))
    policy_code: Mapped[str] = mapped_column(String(40))
    policy_version: Mapped[int]
    department: Mapped[str] = mapped_column(String(40))
    segment: Mapped[str] = mapped_column(String(30))
    ticket_type: Mapped[str] = mapped_column(String(30))
    result: Mapped[str] = mapped_column(String(10))  # met | breached
    target_seconds: Mapped[int]
    business_seconds: Mapped[int]
    started_at: Mapped[datetime]
    breached_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime]

    __table_args__ = (Index("ix_sla_results_finished", "finished_at", "department"),)
