"""Agent API shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SkillIn(BaseModel):
    name: str = Field(max_length=40)
    label_zh: str | None = Field(default=None, max_length=60)


class SkillOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    label_zh: str


class AgentIn(BaseModel):
    user_id: int
    employee_no: str = Field(min_length=1, max_length=20)
    display_name: str = Field(min_length=1, max_length=60)
    skills: dict[str, int] | str = Field(default_factory=dict, description='e.g. "data:3, gsm:2"')
    language: str = "zh"
    voice: int = 1
    chat: int = 3
    email: int = 5
    wrap_up_seconds: int = Field(default=15, ge=0, le=600)
    groups: list[str] = Field(default_factory=list)


class AgentPatch(BaseModel):
    skills: dict[str, int] | str | None = None
    language: str | None = None
    voice: int | None = None
    chat: int | None = None
    email: int | None = None


class AgentOut(BaseModel):
    id: int
    user_id: int
    employee_no: str
    display_name: str
    language: str
    skills: dict[str, int]
    capacity: dict[str, int]
    wrap_up_seconds: int
    presence: str
    presence_reason: str | None
    presence_since: datetime


class GroupIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=60)
    hours: str = Field(default="00:00-24:00", description="e.g. 09:00-22:00")
    weekdays: str = Field(default="0123456", description="0 = Monday")


class GroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    hours: str
    weekdays: str


class PresenceIn(BaseModel):
    state: str
    reason: str | None = Field(default=None, max_length=60)


class PresenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    previous: str
    state: str
    reason: str | None
    at: datetime
