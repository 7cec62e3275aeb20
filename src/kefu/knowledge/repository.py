"""Every query on the knowledge-base tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from kefu.knowledge.models import Article, ArticleVersion, IndexState, SearchLog


def article(session: Session, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def article_by_key(session: Session, key: str) -> Article | None:
    return session.scalars(select(Article).where(Article.question_key == key)).first()


def existing_keys(session: Session, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(select(Article.question_key, Article.id).where(Article.question_key.in_(chunk)))
        found.update({key: article_id for key, article_id in rows})
    return found


def list_articles(
    session: Session, *, status: str | None, category: str | None, text: str | None, offset: int, limit: int
) -> tuple[list[Article], int]:
    query = select(Article)
    if status:
        query = query.where(Article.status == status)
    if category:
        query = query.where(Article.category == category)
    if text:
        query = query.where(or_(Article.question.contains(text, autoescape=True), Article.owner == text))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Article.id).offset(offset).limit(limit))
    return list(rows), total


def all_articles(session: Session) -> list[Article]:
    return list(session.scalars(select(Article).order_by(Article.id)))


def versions(session: Session, article_id: int) -> list[ArticleVersion]:
    return list(
        session.scalars(
            select(ArticleVersion).where(ArticleVersion.article_id == article_id).order_by(ArticleVersion.version_no)
        )
    )


def version(session: Session, article_id: int, version_no: int) -> ArticleVersion | None:
    return session.scalars(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article_id, ArticleVersion.version_no == version_no
        )
    ).first()


def last_version_no(session: Session, article_id: int) -> int:
    return session.scalar(
        select(func.coalesce(func.max(ArticleVersion.version_no), 0)).where(ArticleVersion.article_id == article_id)
    ) or 0


def live_versions(session: Session) -> list[tuple[ArticleVersion, int]]:
    """The published version of every article not withdrawn, with its feedback balance."""
    query = (
        select(ArticleVersion, Article.thumbs_up + Article.resolved_count - Article.thumbs_down)
        .join(Article, (Article.id == ArticleVersion.article_id)
              & (ArticleVersion.version_no == Article.published_version))
        .where(Article.status != "archived")
        .order_by(ArticleVersion.article_id)
    )
    return [(row[0], int(row[1] or 0)) for row in session.execute(query)]


# Built once: these two run on every search, so they skip building and keying a statement.
_STAMP = select(IndexState.__table__.c.stamp).where(IndexState.__table__.c.id == 1)
_LOG = SearchLog.__table__.insert().returning(SearchLog.__table__.c.id)


def index_stamp(session: Session) -> str:
    return session.connection().execute(_STAMP).scalar() or "none"


def index_changed_at(session: Session) -> datetime | None:
    return session.scalar(select(IndexState.changed_at).where(IndexState.id == 1))


def feedback_since(session: Session, since: datetime) -> bool:
    return session.scalar(select(SearchLog.id).where(SearchLog.feedback_at > since).limit(1)) is not None


def bump_index(session: Session, *, now: datetime) -> None:
    """Tells every process that published content changed (they rebuild on next search)."""
    stamp = uuid.uuid4().hex
    updated = session.execute(
        update(IndexState).where(IndexState.id == 1)
        .values(version=IndexState.version + 1, stamp=stamp, changed_at=now)
    ).rowcount
    if not updated:
        session.add(IndexState(id=1, version=1, stamp=stamp, changed_at=now))
    session.flush()


def expiring(session: Session, *, now: datetime, until: datetime, lock: bool) -> list[Article]:
    """Published articles whose end date falls in [now, until) and whose owner was not yet told."""
    query = (
        select(Article)
        .where(
            Article.status == "published",
            Article.valid_to.is_not(None),
            Article.valid_to >= now,
            Article.valid_to < until,
            or_(Article.reminded_for.is_(None), Article.reminded_for != Article.valid_to),
        )
        .order_by(Article.id)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def add_search_log(session: Session, **values: object) -> int:
    """One INSERT … RETURNING id, without the unit-of-work bookkeeping: it runs on every search."""
    return int(session.connection().execute(_LOG, values).scalar_one())


def search_log(session: Session, search_id: int) -> SearchLog | None:
    return session.get(SearchLog, search_id)


def search_counts(session: Session, *, since: datetime, until: datetime) -> dict[str, int]:
    window = (SearchLog.at >= since) & (SearchLog.at < until)
    row = session.execute(
        select(
            func.count(),
            func.count().filter(SearchLog.confident.is_(True)),
            func.count().filter(SearchLog.verdict == "up"),
            func.count().filter(SearchLog.verdict == "down"),
            func.count().filter(SearchLog.resolved.is_(True)),
        ).where(window)
    ).one()
    return {"searches": row[0], "confident": row[1], "up": row[2], "down": row[3], "resolved": row[4]}


def failed_queries(session: Session, *, since: datetime, until: datetime, limit: int) -> list[tuple[str, int, int, datetime]]:
    """(query, times, thumbs down, last asked) for searches with no confident hit or a thumbs down."""
    failed = (SearchLog.confident.is_(False)) | (SearchLog.verdict == "down")
    down = func.count().filter(SearchLog.verdict == "down")
    query = (
        select(SearchLog.query, func.count(), down, func.max(SearchLog.at))
        .where(SearchLog.at >= since, SearchLog.at < until, failed)
        .group_by(SearchLog.query)
        .order_by(func.count().desc(), func.max(SearchLog.at).desc(), SearchLog.query)
        .limit(limit)
    )
    return [(q, int(n), int(d), at) for q, n, d, at in session.execute(query)]
