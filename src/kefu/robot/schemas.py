"""What the robot takes in and gives out."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["app", "wechat", "web", "portal"]
# Longer than a question should be, so a pasted essay gets the robot's "too long" answer, not a 422.
MAX_MESSAGE_CHARS = 20_000


class ConversationStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = "app"


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=MAX_MESSAGE_CHARS)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn_id: int
    verdict: Literal["up", "down"]


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=400)


class Reply(BaseModel):
    """One robot answer. `text` is plain text (render it escaped); `answer_html` is the
    knowledge article's sanitised HTML when the answer came from one."""

    turn_id: int | None = None
    conversation_id: int
    type: str  # answer | unsure | data | question | recommendation | ticket | progress | refused
    #            | login_required | handover | invalid | greeting | closing | fallback
    intent: str
    text: str
    answer_html: str | None = None
    article_id: int | None = None
    confidence: float | None = None
    candidates: list[str] = []
    actions: list[str] = []
    ticket_number: str | None = None
    status: str = "open"


class TurnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    speaker: str
    text: str
    kind: str
    intent: str
    article_id: int | None
    confidence: float | None
    details: dict[str, Any]
    feedback: str | None
    created_at: datetime


class ConversationOut(BaseModel):
    id: int
    channel: str
    status: str
    subscriber_id: int | None
    ticket_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    turns: list[TurnOut] = []


class FailedQuestion(BaseModel):
    text: str
    times: int
    thumbs_down: int
    last_at: datetime
    marked_wrong: int = 0  # by agents reviewing the answers


class MetricsOut(BaseModel):
    since: datetime
    until: datetime
    conversations: int
    customer_messages: int
    faq_questions: int
    confident_answers: int
    hit_rate: float | None = Field(description="share of FAQ questions answered confidently from the knowledge base")
    thumbs_up: int
    thumbs_down: int
    reviewed_right: int = 0
    reviewed_wrong: int = 0
    answer_accuracy: float | None = Field(
        description="right / judged robot answers; an agent's review overrides the customer's thumbs")
    handed_over: int
    self_service_rate: float | None = Field(description="conversations with a question that ended without a human")
    intents: dict[str, int]
    failed_questions: list[FailedQuestion]
    # Questions agents found no article for: what editors should write next.
    knowledge_gaps: list[FailedQuestion] = Field(default_factory=list)


class CorrectionIn(BaseModel):
    """An agent's review of a robot answer: right, or wrong with the article that fits
    (`right_article_id`) or none (`no_article_fits`: a gap for the editors)."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["right", "wrong"]
    right_article_id: int | None = None
    no_article_fits: bool = False
    note: str | None = Field(default=None, max_length=500)


class CorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    turn_id: int
    conversation_id: int
    verdict: str
    question: str
    answered_article_id: int | None
    right_article_id: int | None
    gap: bool
    note: str | None
    by: str
    at: datetime


class ReviewItemOut(BaseModel):
    turn_id: int
    conversation_id: int
    question: str
    answer: str
    kind: str
    article_id: int | None
    article_question: str | None
    confidence: float | None
    feedback: str | None
    created_at: datetime
    correction: CorrectionOut | None
    right_article_question: str | None = None


class ReviewConversationOut(BaseModel):
    id: int
    channel: str
    status: str
    created_at: datetime
    turns: list[TurnOut]
    corrections: list[CorrectionOut]
