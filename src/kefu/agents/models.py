"""Agent tables: profiles linked to staff users (by plain id — identity is a sibling
module), skills with levels, groups (seats) with service hours, and the append-only
presence log every KPI (sign-in rate, occupancy, wrap-up time) is computed from."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.core.db import Base


class Skill(Base):
    """The catalogue of skills a queue expression may name."""

    __tablename__ = "agent_skill_catalogue"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(60))


class AgentProfile(Base):
    __tablename__ = "agent_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, unique=True)
    employee_no: Mapped[str] = mapped_column(String(20), unique=True)  # 工号
    display_name: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(10), default="zh")
    capacity_voice: Mapped[int] = mapped_column(default=1)
    capacity_chat: Mapped[int] = mapped_column(default=3)
    capacity_email: Mapped[int] = mapped_column(default=5)
    # 整理: after a contact the agent is given this long before routing makes them ready.
    wrap_up_seconds: Mapped[int] = mapped_column(default=15)
    presence: Mapped[str] = mapped_column(String(20), default="signed_out")
    presence_reason: Mapped[str | None] = mapped_column(String(60))
    presence_since: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # A fresh token whenever skills, language or groups change: routing keeps each agent's
    # queue memberships between dispatch ticks and recomputes them only when it changes.
    attrs_stamp: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex, server_default="")

    def touch_attrs(self) -> None:
        self.attrs_stamp = uuid.uuid4().hex

    skills: Mapped[list[AgentSkill]] = relationship(lazy="raise", cascade="all, delete-orphan")
    memberships: Mapped[list[AgentGroupMember]] = relationship(lazy="raise", cascade="all, delete-orphan")

    def skill_levels(self) -> dict[str, int]:
        return {s.skill: s.level for s in self.skills}

    def capacity(self) -> dict[str, int]:
        return {"voice": self.capacity_voice, "chat": self.capacity_chat, "email": self.capacity_email}


class AgentSkill(Base):
    __tablename__ = "agent_skills"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent_profiles.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(ForeignKey("agent_skill_catalogue.name"), primary_key=True)
    level: Mapped[int]


class AgentGroup(Base):
    """A seat/group (数据业务专席, 投诉专席 …) with its service hours."""

    __tablename__ = "agent_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    hours: Mapped[str] = mapped_column(String(20), default="00:00-24:00")
    weekdays: Mapped[str] = mapped_column(String(7), default="0123456")
    tz: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    created_at: Mapped[datetime]


class AgentGroupMember(Base):
    __tablename__ = "agent_group_members"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agent_profiles.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("agent_groups.id", ondelete="CASCADE"), primary_key=True)


class PresenceLog(Base):
    """Append-only: one row per presence change, never updated."""

    __tablename__ = "agent_presence_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent_profiles.id", ondelete="CASCADE"))
    previous: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60))
    at: Mapped[datetime]

    __table_args__ = (Index("ix_agent_presence_log_agent_at", "agent_id", "at"),)
