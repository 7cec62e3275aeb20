"""Routing API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class QueueIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    expression: str = Field(max_length=500, description='e.g. skills.data >= 2 and language == "en"')
    strategy: str = "longest_idle"
    skill: str | None = None
    group: str | None = None


class QueueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    expression: str
    strategy: str
    skill: str | None
    group_code: str | None


class WorkflowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    version: int
    active: bool
    definition: dict[str, Any]
    created_by: str
    created_at: datetime


class ContactIn(BaseModel):
    channel: str = Field(description="voice | chat | web | app | wechat | email | sms")
    subscriber_id: int | None = None
    ticket_id: int | None = None
    priority: int = Field(default=0, ge=-100, le=100)
    attrs: dict[str, Any] = Field(default_factory=dict, description="segment, vip_level, category, language …")
    context: dict[str, Any] = Field(default_factory=dict)


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    channel: str
    state: str
    subscriber_id: int | None
    ticket_id: int | None
    priority: int
    queue_name: str | None
    agent_id: int | None
    offer_seq: int
    offer_expires_at: datetime | None
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    context: dict[str, Any]
    callback_number: str | None
    not_before: datetime | None
    due_at: datetime | None
    attempts: int
    outcome: str | None


class OfferAnswer(BaseModel):
    offer_seq: int


class TransferIn(BaseModel):
    to_queue: str
    notes: str | None = Field(default=None, max_length=1000)
    callback_number: str | None = Field(default=None, description="registers a callback when no one is free")


class TransferOut(BaseModel):
    kind: str  # online | callback
    contact: ContactOut


class CallbackIn(BaseModel):
    queue: str
    number: str
    origin_id: int | None = None
    context: dict[str, Any] = Field(default_factory=dict)


class CallbackResultIn(BaseModel):
    result: str = Field(description="reached | no_answer")
    note: str | None = Field(default=None, max_length=1000)


class CallbackResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    result: str
    agent_id: int | None
    note: str | None
    at: datetime
