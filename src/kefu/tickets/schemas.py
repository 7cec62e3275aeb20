"""Ticket request and response models (API and pages share them)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Priority = Literal["low", "normal", "high", "urgent"]
Emotion = Literal["calm", "anxious", "angry"]
Track = Literal["service_compliance", "technical"]
Visibility = Literal["internal", "customer"]


class Versioned(BaseModel):
    """Writes may carry the version the caller read; a stale one gets 409."""

    version: int | None = Field(default=None, description="the ticket version you read (optimistic lock)")


# --- requests ---------------------------------------------------------------------------


class TicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="consultation | service_request | fault | complaint | suggestion | cross_region | external")
    subscriber_id: int
    channel: str = Field(description="hotline | app | wechat | web | hall | email | sms | 12315 | miit")
    core_demand: str = Field(min_length=1, max_length=400)
    description: str = Field(default="", max_length=20_000)
    emotion: Emotion = "calm"
    emotion_intensity: int = Field(default=0, ge=0, le=5)
    category: str | None = None
    root_cause: str | None = None
    department: str | None = None
    priority: Priority | None = None
    characteristics: dict[str, Any] = Field(default_factory=dict)
    classification_source: Literal["agent", "manual", "rules", "model"] | None = None
    classification_model: str | None = Field(default=None, max_length=60)

    @field_validator("characteristics")
    @classmethod
    def _small_map(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 50 or len(json.dumps(value, ensure_ascii=False)) > 10_000:
            raise ValueError("characteristics: at most 50 fields and 10,000 characters")
        return value


class Reclassify(Versioned):
    """The agent's correction of the category (and department / root cause)."""

    category: str
    department: str | None = Field(default=None, description="default: the category's department")
    root_cause: str | None = None
    reason: str | None = Field(default=None, max_length=400)
    redispatch: bool = Field(default=True, description="send a new task when an automatic one was cancelled")


class Accept(Versioned):
    note: str | None = None


class DispatchTask(Versioned):
    department: str
    city: str | None = Field(default=None, max_length=40, description="another city's unit (cross-region)")
    assignee_id: int | None = None
    instructions: str = Field(default="", max_length=4000)
    due_at: datetime | None = None


class TaskUpdate(BaseModel):
    note: str = Field(default="", max_length=4000)
    visibility: Visibility = "internal"


class TaskComplete(BaseModel):
    result: str = Field(min_length=1, max_length=4000)


class FindingCreate(Versioned):
    track: Track
    summary: str = Field(min_length=1, max_length=4000)
    evidence: str = Field(default="", max_length=20_000)
    attachment_ids: list[int] = Field(default_factory=list)
    task_id: int | None = None


class RemedyCreate(Versioned):
    kind: Literal["bill_credit", "data_gift", "voucher", "refund", "plan_change", "bandwidth_upgrade", "unsubscribe"]
    description: str = Field(default="", max_length=400)
    # bill_credit and voucher: a goodwill amount; data_gift: megabytes.
    amount_fen: int | None = Field(default=None, gt=0)
    data_mb: int | None = Field(default=None, gt=0)
    # refund: computed from the bills, never typed — overcharges (plan billed above the
    # catalogue price) or vas_charges (SP charges, times `multiplier`: 2 = double).
    basis: Literal["overcharges", "vas_charges"] | None = None
    product_code: str | None = Field(default=None, description="the product billed wrongly / the target product")
    multiplier: int = Field(default=1, ge=1, le=3)


class Consent(Versioned):
    agreed: bool
    note: str | None = Field(default=None, max_length=400)


class Resolve(Versioned):
    resolution: str | None = Field(default=None, max_length=4000, description="required when no remedy was agreed")


class ReturnVisit(Versioned):
    outcome: Literal["satisfied", "unsatisfied", "unreachable"]
    note: str | None = Field(default=None, max_length=4000)


class Reason(Versioned):
    reason: str = Field(min_length=1, max_length=400)


class Cancel(Reason):
    reject: bool = Field(default=False, description="reject (not ours / invalid) rather than cancel")


class Escalate(Versioned):
    level: int = Field(ge=1, le=3)
    reason: str = Field(min_length=1, max_length=400)


class NoteCreate(Versioned):
    text: str = Field(min_length=1, max_length=20_000)
    visibility: Visibility = "internal"


class CoordinatorTransfer(Versioned):
    coordinator_id: int
    reason: str = Field(default="", max_length=400)


class LinkCreate(Versioned):
    to_ticket_id: int
    kind: Literal["duplicate", "related", "repeat_of"]


class Merge(Versioned):
    into_ticket_id: int
    reason: str = Field(default="", max_length=400)


class Split(Versioned):
    core_demand: str = Field(min_length=1, max_length=400)
    description: str = Field(default="", max_length=20_000)
    category: str | None = None
    department: str | None = None
    type: str | None = None


class ProblemCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    root_cause: str = Field(min_length=1, max_length=4000)
    root_cause_class: str | None = None
    category: str | None = None
    service_provider_code: str | None = Field(default=None, description="flags this SP as mis-selling")
    owner_id: int | None = None
    ticket_ids: list[int] = Field(default_factory=list)


class ProblemLink(BaseModel):
    ticket_ids: list[int] = Field(min_length=1)


class ProblemProgress(BaseModel):
    status: Literal["rectifying", "rectified"]
    note: str = Field(min_length=1, max_length=4000)


# --- responses --------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TicketSummary(_Out):
    id: int
    number: str
    type: str
    subscriber_id: int
    channel: str
    core_demand: str
    category: str | None
    department: str | None
    priority: str
    status: str
    owner_id: int | None
    is_repeat: bool
    escalation_level: int
    created_at: datetime
    updated_at: datetime
    version: int


class EventView(_Out):
    id: int
    at: datetime
    kind: str
    actor: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    visibility: str
    detail: dict[str, Any]


class TaskView(_Out):
    id: int
    department: str
    city: str | None
    assignee_id: int | None
    instructions: str
    status: str
    result: str | None
    due_at: datetime | None
    created_by: str
    created_at: datetime
    accepted_at: datetime | None
    done_at: datetime | None


class FindingView(_Out):
    id: int
    track: str
    summary: str
    evidence: str
    attachment_ids: list[int]
    task_id: int | None
    created_by: str
    created_at: datetime


class RemedyView(_Out):
    id: int
    kind: str
    remedy_class: str
    description: str
    amount_fen: int
    data_mb: int
    basis: dict[str, Any]
    consent: str
    consent_by: str | None
    consent_at: datetime | None
    consent_note: str | None
    applied_at: datetime | None
    applied_by: str | None
    applied_reference: str | None
    proposed_by: str
    proposed_at: datetime


class LinkView(_Out):
    id: int
    from_ticket_id: int
    to_ticket_id: int
    kind: str
    created_by: str
    created_at: datetime


class AttachmentView(_Out):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    visibility: str
    uploaded_by: str
    uploaded_at: datetime


class TicketDetail(TicketSummary):
    description: str
    emotion: str
    emotion_intensity: int
    root_cause: str | None
    coordinator_id: int | None
    characteristics: dict[str, Any]
    reopen_count: int
    waiting_reason: str | None
    waiting_since: datetime | None
    resolution: str | None
    cancel_reason: str | None
    classification_source: str | None
    classification_model: str | None
    urgency: str | None = None
    classification_confidence: float | None = None
    classification: dict[str, Any] = Field(
        default={}, description="the intake classifier's answer: hint, evidence, keywords, suggestions, its category"
    )
    district: str | None = None
    created_by: str
    updated_by: str
    responded_at: datetime | None
    first_feedback_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    allowed_next: list[str] = []
    needs_coordinator: bool = False
    history: list[EventView] = []
    tasks: list[TaskView] = []
    findings: list[FindingView] = []
    remedies: list[RemedyView] = []
    links: list[LinkView] = []
    attachments: list[AttachmentView] = []
    repeat_chain: list[TicketSummary] = Field(default=[], description="earlier tickets this one repeats, oldest first")
    problem_ids: list[int] = []


class TicketPage(BaseModel):
    items: list[TicketSummary]
    total: int
    total_capped: bool = Field(description="true when more than 1,000 match; total is then 1000")
    offset: int
    limit: int


class ProblemView(_Out):
    id: int
    title: str
    root_cause: str
    root_cause_class: str | None
    category: str | None
    service_provider_code: str | None
    status: str
    owner_id: int | None
    rectification: str | None
    history: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    updated_at: datetime
    rectified_at: datetime | None
    ticket_ids: list[int] = []


# Intake suggestions live in intake_schemas.py; re-exported so callers keep one import.
from kefu.tickets.intake_schemas import (  # noqa: E402, F401
    CategorySuggestion,
    EvidenceView,
    IntakeSuggest,
    IntakeSuggestion,
    SimilarOpen,
    SimilarTicket,
)
