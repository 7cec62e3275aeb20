"""What the knowledge base takes in and gives out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The C4 taxonomy codes (SPEC.md): articles are filed under the same categories as tickets.
CATEGORIES = ("billing", "vas", "mobile_network", "broadband", "plan", "account", "payment",
              "marketing", "attitude", "other")
MAX_QUERY_CHARS = 500

Visibility = Literal["public", "agent"]
Category = Literal["billing", "vas", "mobile_network", "broadband", "plan", "account", "payment",
                   "marketing", "attitude", "other"]


def _clean_list(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


class ArticleIn(BaseModel):
    """A new article (or a whole replacement of its content)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=2, max_length=200)
    answer: str = Field(min_length=1, max_length=20000)
    phrasings: list[str] = Field(default_factory=list, max_length=50)
    category: Category = "other"
    products: list[str] = Field(default_factory=list, max_length=50)
    visibility: Visibility = "public"
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    owner: str = Field(default="", max_length=100)
    owner_contact: str = Field(default="", max_length=200)

    @field_validator("phrasings", "products")
    @classmethod
    def _strip(cls, values: list[str]) -> list[str]:
        cleaned = _clean_list(values)
        if any(len(v) > 200 for v in cleaned):
            raise ValueError("each entry must be at most 200 characters")
        return cleaned

    @field_validator("valid_from", "valid_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2027-01-01T00:00:00+08:00")
        return value

    @model_validator(mode="after")
    def _window(self) -> ArticleIn:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class ArticlePatch(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str | None = Field(default=None, min_length=2, max_length=200)
    answer: str | None = Field(default=None, min_length=1, max_length=20000)
    phrasings: list[str] | None = Field(default=None, max_length=50)
    category: Category | None = None
    products: list[str] | None = Field(default=None, max_length=50)
    visibility: Visibility | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    owner: str | None = Field(default=None, max_length=100)
    owner_contact: str | None = Field(default=None, max_length=200)


class ArticleOut(BaseModel):
    """The working copy, for editors: the answer as written and as it will render."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    question: str
    answer: str
    answer_html: str = ""
    phrasings: list[str]
    category: str
    products: list[str]
    visibility: str
    valid_from: datetime | None
    valid_to: datetime | None
    owner: str
    owner_contact: str
    status: str
    review_note: str
    published_version: int | None
    usage_count: int
    thumbs_up: int
    thumbs_down: int
    resolved_count: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    total: int


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version_no: int
    question: str
    answer: str
    phrasings: list[str]
    category: str
    products: list[str]
    visibility: str
    valid_from: datetime | None
    valid_to: datetime | None
    owner: str
    author: str
    published_by: str
    published_at: datetime
    note: str


class DiffOut(BaseModel):
    article_id: int
    from_version: str
    to_version: str
    diff: str


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000)


class AnswerOut(BaseModel):
    """A published answer as a reader sees it: sanitised HTML and plain text, never raw."""

    article_id: int
    version: int
    question: str
    answer_html: str
    answer_text: str
    category: str
    products: list[str]
    visibility: str
    valid_to: datetime | None


class SearchHitOut(BaseModel):
    article_id: int
    question: str
    snippet: str
    category: str
    visibility: str
    score: float


class SearchOut(BaseModel):
    search_id: int | None
    query: str
    confident: bool
    confidence: float
    hits: list[SearchHitOut]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    search_id: int
    article_id: int
    verdict: Literal["up", "down"] | None = None
    resolved: bool = False


class FailedQuery(BaseModel):
    query: str
    times: int
    thumbs_down: int
    last_at: datetime


class MetricsOut(BaseModel):
    since: datetime
    until: datetime
    searches: int
    hit_rate: float | None
    thumbs_up: int
    thumbs_down: int
    answer_accuracy: float | None
    resolved: int
    failed_queries: list[FailedQuery]


class ImportResult(BaseModel):
    imported: int
    published: bool
