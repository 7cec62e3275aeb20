"""Intake suggestion models: what the agent typed, and what the classifier suggests."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class IntakeSuggest(BaseModel):
    """What the agent has typed so far (core demand and description)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=20_000)
    subscriber_id: int | None = None


class EvidenceView(BaseModel):
    kind: str
    label: str
    words: list[str]


class CategorySuggestion(BaseModel):
    category: str
    category_name: str
    department: str
    department_name: str
    confidence: float


class SimilarTicket(BaseModel):
    id: int
    number: str
    core_demand: str
    status: str
    created_at: datetime
    score: float


class SimilarOpen(BaseModel):
    count: int = Field(description="similar open tickets of the category in the district in the period")
    category: str
    district: str | None
    days: int
    message: str
    message_en: str
    items: list[SimilarTicket] = Field(default=[], description="the most similar, at most 5")


class IntakeSuggestion(BaseModel):
    category: str
    category_name: str
    department: str
    department_name: str
    root_cause: str
    emotion: str
    emotion_intensity: float
    urgency: str
    urgency_score: float
    priority: str = Field(default="normal", description="the priority the ticket would open with (segment, emotion, "
                                                         "raised by the urgency)")
    hint: str
    hint_en: str
    evidence: list[EvidenceView]
    keywords: list[str]
    confidence: float
    auto_dispatch: bool = Field(description="would be categorised and dispatched automatically")
    threshold: float
    suggestions: list[CategorySuggestion]
    rejected: str | None = Field(default=None, description="empty | no_text | binary | not_text")
    truncated: bool = False
    model_version: str
    similar: SimilarOpen | None = None
