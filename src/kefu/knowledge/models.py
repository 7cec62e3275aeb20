"""Knowledge-base tables.

An article row is the working copy editors change; every published version is kept,
whole, in kb_article_versions, and search serves the version named by
`published_version` — so an edit under review never changes what customers read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.core.db import Base


class Article(Base):
    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The standard question normalised (case, width, spaces, punctuation): one article per question.
    question_key: Mapped[str] = mapped_column(String(200), unique=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    phrasings: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40), default="other")
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(12), default="public")  # public | agent
    valid_from: Mapped[datetime | None]
    valid_to: Mapped[datetime | None]
    owner: Mapped[str] = mapped_column(String(100), default="")
    # E-mail address or mobile number the expiry reminder goes to.
    owner_contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft|in_review|published|archived
    review_note: Mapped[str] = mapped_column(Text, default="")
    published_version: Mapped[int | None] = mapped_column(Integer)
    usage_count: Mapped[int] = mapped_column(default=0)
    thumbs_up: Mapped[int] = mapped_column(default=0)
    thumbs_down: Mapped[int] = mapped_column(default=0)
    resolved_count: Mapped[int] = mapped_column(default=0)
    # The valid_to a reminder was sent for: moving the end date re-arms the reminder.
    reminded_for: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]

    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", lazy="raise", order_by="ArticleVersion.version_no"
    )

    __table_args__ = (Index("ix_kb_articles_status", "status"),)


class ArticleVersion(Base):
    """One published version, never changed afterwards."""

    __tablename__ = "kb_article_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    version_no: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    phrasings: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40))
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[datetime | None]
    valid_to: Mapped[datetime | None]
    owner: Mapped[str] = mapped_column(String(100), default="")
    author: Mapped[str] = mapped_column(String(100))
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    # search.word_tokens() of this version, so search indexes are built without re-segmenting.
    search_words: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    article: Mapped[Article] = relationship(back_populates="versions", lazy="raise")

    __table_args__ = (UniqueConstraint("article_id", "version_no"),)


class IndexState(Base):
    """One row. `stamp` changes whenever what search serves changes, so every process
    rebuilds its in-memory index on its next search (a counter alone could repeat after
    a rolled-back transaction; a random stamp cannot)."""

    __tablename__ = "kb_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    stamp: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]


class SearchLog(Base):
    """One search a person made, and what they said about the answer."""

    __tablename__ = "kb_search_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    query: Mapped[str] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(12))  # public | agent
    actor: Mapped[str] = mapped_column(String(100), default="")
    result_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    top_article_id: Mapped[int | None] = mapped_column(Integer)
    top_score: Mapped[float] = mapped_column(default=0.0)
    confident: Mapped[bool] = mapped_column(default=False)
    article_id: Mapped[int | None] = mapped_column(Integer)  # the article the feedback is about
    verdict: Mapped[str | None] = mapped_column(String(4))  # up | down
    resolved: Mapped[bool] = mapped_column(default=False)
    feedback_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_kb_search_logs_at", "at"),)
