"""Import and export use cases: all or nothing, every bad row reported by its number."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kefu.knowledge import formats, lifecycle, repository, service
from kefu.knowledge.errors import ImportFailed
from kefu.knowledge.models import Article, ArticleVersion
from kefu.knowledge.schemas import ArticleIn
from kefu.knowledge.search import word_tokens
from kefu.knowledge.text import plain_text, question_key


def _problems(error: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in error.errors()]


def validate_rows(session: Session, rows: list[formats.Row], *, skip_existing: bool = False) -> list[ArticleIn]:
    """Every row checked before anything is written; ImportFailed lists them all. With
    `skip_existing`, a row whose standard question is already stored is left out, not an error."""
    errors: list[dict[str, Any]] = []
    valid: list[ArticleIn] = []
    seen: dict[str, int] = {}
    keys: list[str] = []
    for number, raw in rows:
        try:
            article = ArticleIn.model_validate(raw)
        except ValidationError as exc:
            errors.append({"row": number, "question": str(raw.get("question", ""))[:60], "errors": _problems(exc)})
            continue
        key = question_key(article.question)
        if not key:
            errors.append({"row": number, "question": article.question, "errors": ["question: no words"]})
        elif key in seen:
            errors.append({"row": number, "question": article.question,
                           "errors": [f"question: same standard question as row {seen[key]}"]})
        else:
            seen[key] = number
            keys.append(key)
            valid.append(article)
    existing = repository.existing_keys(session, keys)
    if skip_existing:
        valid = [a for a in valid if question_key(a.question) not in existing]
        existing = {}
    for number, raw in rows:
        key = question_key(str(raw.get("question", "")))
        if key in existing and seen.get(key) == number:
            errors.append({"row": number, "question": raw.get("question"),
                           "errors": [f"question: already in the knowledge base (article {existing[key]})"]})
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e["row"]))
    return valid


def import_articles(
    session: Session, rows: list[formats.Row], *, actor: str, now: datetime, publish: bool = True,
    skip_existing: bool = False,
) -> int:
    """Creates every row as an article — published at once (an operator's bulk load) unless
    `publish` is False, when they wait as drafts for review. Nothing is written if a row is bad.
    Returns how many were created."""
    articles = validate_rows(session, rows, skip_existing=skip_existing)
    if not articles:
        return 0
    created: list[Article] = []
    for data in articles:
        article = Article(
            question_key=question_key(data.question), status=lifecycle.PUBLISHED if publish else lifecycle.DRAFT,
            review_note="", created_by=actor, created_at=now, updated_by=actor, updated_at=now,
            usage_count=0, thumbs_up=0, thumbs_down=0, resolved_count=0,
            published_version=1 if publish else None,
            **data.model_dump(include=set(service.CONTENT_FIELDS)),
        )
        created.append(article)
    session.add_all(created)
    session.flush()
    if publish:
        session.add_all(
            ArticleVersion(
                article_id=a.id, version_no=1, author=actor, published_by=actor, published_at=now, note="导入 import",
                search_words=word_tokens(a.question, a.phrasings, plain_text(a.answer)),
                **{f: getattr(a, f) for f in service.CONTENT_FIELDS if f != "owner_contact"},
            )
            for a in created
        )
        session.flush()
        repository.bump_index(session, now=now)
    return len(created)


def export_articles(session: Session, kind: str) -> str:
    """Every article's working copy (archived ones left out) in `kind` (json, csv, md)."""
    items = [
        {f: getattr(a, f) for f in service.CONTENT_FIELDS}
        for a in repository.all_articles(session)
        if a.status != lifecycle.ARCHIVED
    ]
    return formats.dump(items, kind)


def import_starter(session: Session, *, actor: str, now: datetime) -> int:
    """Loads the starter knowledge base the project ships (data/articles.json), published;
    articles already present are skipped, so it can run on every demo start."""
    text = resources.files("kefu.knowledge").joinpath("data/articles.json").read_text(encoding="utf-8")
    return import_articles(session, formats.parse(text, "json"), actor=actor, now=now, skip_existing=True)
