"""Article use cases: write, review, publish, withdraw, versions and diffs.

Who may do what is the entrypoint's business (kb_editor writes, supervisor/admin review
and publish); these functions take the `actor` to record. They flush, never commit.
"""

from __future__ import annotations

import difflib
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.knowledge import lifecycle, repository
from kefu.knowledge.errors import ArticleNotFound, DuplicateQuestion, InvalidArticle, VersionNotFound
from kefu.knowledge.models import Article, ArticleVersion
from kefu.knowledge.schemas import ArticleIn, ArticlePatch
from kefu.knowledge.search import word_tokens
from kefu.knowledge.text import plain_text, question_key

CONTENT_FIELDS = ("question", "answer", "phrasings", "category", "products", "visibility",
                  "valid_from", "valid_to", "owner", "owner_contact")


def get(session: Session, article_id: int) -> Article:
    found = repository.article(session, article_id)
    if found is None:
        raise ArticleNotFound(article_id)
    return found


def list_articles(
    session: Session, *, status: str | None = None, category: str | None = None, text: str | None = None,
    offset: int = 0, limit: int = 50,
) -> tuple[list[Article], int]:
    return repository.list_articles(session, status=status, category=category, text=text, offset=offset, limit=limit)


def _check_unique(session: Session, question: str, *, article_id: int | None) -> str:
    key = question_key(question)
    if not key:
        raise InvalidArticle("标准问题不能只有标点或空格", "The standard question needs some words, not only punctuation")
    existing = repository.article_by_key(session, key)
    if existing is not None and existing.id != article_id:
        raise DuplicateQuestion(question, existing.id)
    return key


def create(session: Session, data: ArticleIn, *, actor: str, now: datetime) -> Article:
    """A new draft. Duplicate standard question → DuplicateQuestion (409)."""
    key = _check_unique(session, data.question, article_id=None)
    article = Article(
        question_key=key, status=lifecycle.DRAFT, review_note="", created_by=actor, created_at=now,
        updated_by=actor, updated_at=now, usage_count=0, thumbs_up=0, thumbs_down=0, resolved_count=0,
        **data.model_dump(include=set(CONTENT_FIELDS)),
    )
    session.add(article)
    session.flush()
    return article


def update(session: Session, article: Article, patch: ArticlePatch, *, actor: str, now: datetime) -> Article:
    """Changes the working copy; it becomes a draft again (the published version still serves)."""
    changes = patch.model_dump(exclude_unset=True)
    merged = {f: getattr(article, f) for f in CONTENT_FIELDS} | changes
    for name in ("question", "answer", "owner", "owner_contact"):
        if merged[name] is None:
            merged[name] = getattr(article, name)
    data = ArticleIn.model_validate(merged)  # the whole article must still be valid
    article.question_key = _check_unique(session, data.question, article_id=article.id)
    article.status = lifecycle.next_status(article.status, "edited")
    for name in CONTENT_FIELDS:
        setattr(article, name, getattr(data, name))
    article.updated_by, article.updated_at = actor, now
    session.flush()
    return article


def submit(session: Session, article: Article, *, actor: str, now: datetime) -> Article:
    article.status = lifecycle.next_status(article.status, "submitted")
    article.updated_by, article.updated_at = actor, now
    session.flush()
    return article


def publish(session: Session, article: Article, *, actor: str, now: datetime, note: str = "") -> ArticleVersion:
    """Approves the draft under review: a new version, kept for ever, serves readers at once."""
    article.status = lifecycle.next_status(article.status, "published")
    return _publish_version(session, article, actor=actor, now=now, note=note)


def _publish_version(session: Session, article: Article, *, actor: str, now: datetime, note: str) -> ArticleVersion:
    number = repository.last_version_no(session, article.id) + 1
    version = ArticleVersion(
        article_id=article.id, version_no=number, author=article.updated_by, published_by=actor,
        published_at=now, note=note,
        search_words=word_tokens(article.question, article.phrasings, plain_text(article.answer)),
        **{f: getattr(article, f) for f in CONTENT_FIELDS if f != "owner_contact"},
    )
    session.add(version)
    article.published_version = number
    article.review_note = note
    article.updated_at = now
    session.flush()
    repository.bump_index(session, now=now)
    return version


def reject(session: Session, article: Article, *, actor: str, now: datetime, note: str) -> Article:
    """Sends the draft back to its editor with the reviewer's note."""
    article.status = lifecycle.next_status(article.status, "rejected")
    article.review_note = note
    article.updated_by, article.updated_at = actor, now
    session.flush()
    return article


def archive(session: Session, article: Article, *, actor: str, now: datetime) -> Article:
    """Withdraws the article from search; its versions stay for the record."""
    was_live = article.published_version is not None
    article.status = lifecycle.next_status(article.status, "archived")
    # Nothing is live any more: restoring it means a new draft, reviewed and published again.
    article.published_version = None
    article.updated_by, article.updated_at = actor, now
    session.flush()
    if was_live:
        repository.bump_index(session, now=now)
    return article


def versions(session: Session, article: Article) -> list[ArticleVersion]:
    return repository.versions(session, article.id)


def _as_lines(source: Article | ArticleVersion) -> list[str]:
    def when(at: datetime | None) -> str:
        return at.isoformat() if at else "-"

    lines = [
        f"标准问题: {source.question}",
        *[f"相似问法: {p}" for p in source.phrasings],
        f"分类: {source.category}",
        f"产品: {', '.join(source.products) or '-'}",
        f"可见范围: {source.visibility}",
        f"有效期: {when(source.valid_from)} ~ {when(source.valid_to)}",
        f"负责人: {source.owner or '-'}",
        "答案:",
        *source.answer.splitlines(),
    ]
    return [line + "\n" for line in lines]


def diff(session: Session, article: Article, *, from_version: int, to_version: int | None) -> str:
    """A unified diff between two published versions, or a version and the working copy (None)."""
    old = repository.version(session, article.id, from_version)
    if old is None:
        raise VersionNotFound(article.id, from_version)
    if to_version is None:
        new: Article | ArticleVersion = article
        to_label = "draft"
    else:
        found = repository.version(session, article.id, to_version)
        if found is None:
            raise VersionNotFound(article.id, to_version)
        new, to_label = found, f"v{to_version}"
    return "".join(
        difflib.unified_diff(_as_lines(old), _as_lines(new), fromfile=f"v{from_version}", tofile=to_label)
    )
