"""Search use cases: the shared in-memory index, search with logs, as-you-type
suggestions, reading an answer, feedback, and the figures editors act on.

Every process keeps the index of the published content it last saw, keyed by the
`kb_index_state.stamp` it was built from; one cheap read per search tells it whether
another process published since. The same rows give the same ranking on any database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.knowledge import lifecycle, repository
from kefu.knowledge.errors import ArticleNotAvailable, ArticleNotFound, InvalidQuery, SearchLogNotFound
from kefu.knowledge.models import Article
from kefu.knowledge.schemas import (
    MAX_QUERY_CHARS,
    AnswerOut,
    FailedQuery,
    FeedbackIn,
    MetricsOut,
    SearchHitOut,
    SearchOut,
)
from kefu.knowledge.search import Doc, Index, PlainIndex, TokenCache, Weights
from kefu.knowledge.text import plain_text, render_html

_KEEP = 4
_indexes: OrderedDict[str, Index] = OrderedDict()
_token_cache: TokenCache = {}
_building: set[str] = set()
_lock = threading.Lock()


def _docs(session: Session) -> list[Doc]:
    return [
        Doc(
            article_id=v.article_id, version=v.version_no, question=v.question, phrasings=tuple(v.phrasings),
            answer_text=plain_text(v.answer), category=v.category, visibility=v.visibility,
            valid_from=v.valid_from, valid_to=v.valid_to, feedback=balance, stored_words=v.search_words,
        )
        for v, balance in repository.live_versions(session)
    ]


def current_index(session: Session) -> Index:
    """The index for what is published now, built (once per process) if it changed.

    While one request builds it, others in the process keep answering from the previous
    index for those few seconds rather than queueing behind the build."""
    stamp = repository.index_stamp(session)
    with _lock:
        index = _indexes.get(stamp)
        if index is not None:
            _indexes.move_to_end(stamp)
            return index
        if stamp in _building and _indexes:
            return next(reversed(_indexes.values()))
        _building.add(stamp)
    try:
        docs = _docs(session)
        index = Index(docs, cache=_token_cache)
        with _lock:
            # Keyed by content, so an unchanged article is not tokenised again; drop the rest.
            live = {(d.article_id, d.version, hash((d.question, d.phrasings, d.answer_text))) for d in docs}
            for key in [k for k in _token_cache if k not in live]:
                del _token_cache[key]
            _indexes[stamp] = index
            while len(_indexes) > _KEEP:
                _indexes.popitem(last=False)
        return index
    finally:
        with _lock:
            _building.discard(stamp)


def forget_indexes() -> None:
    """Drops this process's indexes and token cache (benchmarks measure a cold start)."""
    with _lock:
        _indexes.clear()
        _token_cache.clear()


def plain_index(session: Session) -> PlainIndex:
    """The baseline (plain bm25s, one document per article) over the same articles."""
    return PlainIndex(_docs(session))


def check_query(query: str) -> str:
    text = " ".join(query.split())
    if not text:
        raise InvalidQuery("请输入要查找的问题", "Type the question you are looking for")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(
            f"问题太长（{len(text)} 字），请用一两句话描述，不超过 {MAX_QUERY_CHARS} 字",
            f"The question is too long ({len(text)} characters); describe it in a sentence or two "
            f"(at most {MAX_QUERY_CHARS})",
        )
    return text


def _snippet(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[:size] + "…"


def search(
    session: Session, query: str, *, audience: str, now: datetime, limit: int = 5, actor: str = "",
    log: bool = True,
) -> SearchOut:
    """Ranked published articles this audience may read now; logged for the hit-rate figures."""
    text = check_query(query)
    index = current_index(session)
    hits = index.search(text, audience=audience, now=now, limit=max(1, min(limit, 20)))
    confidence = hits[0].confidence if hits else 0.0
    confident = confidence >= index.weights.confident_at
    out = [
        SearchHitOut(
            article_id=h.article_id, question=doc.question, snippet=_snippet(doc.answer_text),
            category=doc.category, visibility=doc.visibility, score=h.score,
        )
        for h in hits
        for doc in [index.docs[index.by_id[h.article_id]]]
    ]
    search_id = None
    if log:
        search_id = repository.add_search_log(
            session, at=now, query=text[:500], audience=audience, actor=actor[:100],
            result_ids=[h.article_id for h in hits], top_article_id=hits[0].article_id if hits else None,
            top_score=hits[0].score if hits else 0.0, confident=confident, resolved=False,
        )
    return SearchOut(search_id=search_id, query=text, confident=confident, confidence=confidence, hits=out)


def suggest(session: Session, query: str, *, now: datetime, limit: int = 8) -> list[SearchHitOut]:
    """As-you-type suggestions for agents: no log, an empty box gives nothing (not an error)."""
    if not query.strip():
        return []
    return search(session, query, audience="agent", now=now, limit=limit, log=False).hits


def read_answer(session: Session, article_id: int, *, audience: str, now: datetime, count_use: bool = True) -> AnswerOut:
    """The published answer, sanitised, if this audience may read it now; counts the use
    (unless `count_use` is false: a reviewer naming it is not a use)."""
    article = repository.article(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    if article.published_version is None or article.status == lifecycle.ARCHIVED:
        raise ArticleNotAvailable(article_id)
    version = repository.version(session, article_id, article.published_version)
    assert version is not None  # published_version always names a stored version
    expired = (version.valid_from and version.valid_from > now) or (version.valid_to and version.valid_to <= now)
    if expired or (audience != "agent" and version.visibility != "public"):
        raise ArticleNotAvailable(article_id)
    if count_use:
        article.usage_count += 1
        session.flush()
    return AnswerOut(
        article_id=article_id, version=version.version_no, question=version.question,
        answer_html=render_html(version.answer), answer_text=plain_text(version.answer),
        category=version.category, products=list(version.products), visibility=version.visibility,
        valid_to=version.valid_to,
    )


def feedback(session: Session, data: FeedbackIn, *, actor: str, now: datetime) -> None:
    """Thumbs up/down and "this resolved my question" on one search's answer.

    Given again for the same search it replaces the earlier verdict (counted once)."""
    log = repository.search_log(session, data.search_id)
    if log is None or (log.actor and log.actor != actor):
        raise SearchLogNotFound(data.search_id)  # someone else's search looks like no search
    article = repository.article(session, data.article_id)
    if article is None or data.article_id not in log.result_ids:
        raise ArticleNotFound(data.article_id)
    if log.article_id is not None and log.article_id != article.id:
        previous = repository.article(session, log.article_id)
        if previous is not None:
            _count(previous, log.verdict, log.resolved, -1)
        log.verdict, log.resolved = None, False
    _count(article, log.verdict, log.resolved, -1)
    log.article_id, log.verdict, log.resolved, log.feedback_at = article.id, data.verdict, data.resolved, now
    _count(article, data.verdict, data.resolved, +1)
    session.flush()


def agent_correction(
    session: Session, *, wrong_article_id: int | None, right_article_id: int | None, step: int, now: datetime
) -> None:
    """An agent's review of a robot answer reaches the ranking like readers' feedback: the
    wrong article counts a thumbs-down and the right one a thumbs-up in the feedback prior
    (step -1 takes a replaced review back). The index is marked changed at once: reviews
    are few and deliberate, so the next search ranks with them."""
    for article_id, verdict in ((wrong_article_id, "down"), (right_article_id, "up")):
        article = repository.article(session, article_id) if article_id is not None else None
        if article is not None:
            _count(article, verdict, False, step)
    repository.bump_index(session, now=now)
    session.flush()


def published_article(session: Session, article_id: int, *, now: datetime) -> AnswerOut:
    """An article an agent may name as the right answer: published and valid now (any audience)."""
    return read_answer(session, article_id, audience="agent", now=now, count_use=False)


def _count(article: Article, verdict: str | None, resolved: bool, step: int) -> None:
    if verdict == "up":
        article.thumbs_up += step
    elif verdict == "down":
        article.thumbs_down += step
    if resolved:
        article.resolved_count += step


def metrics(session: Session, *, now: datetime, days: int = 30, failed_limit: int = 50) -> MetricsOut:
    """Hit rate (searches with a confident top answer), answer accuracy (thumbs up share) and
    the questions that failed (no confident answer, or a thumbs down), most frequent first."""
    since = now - timedelta(days=days)
    counts = repository.search_counts(session, since=since, until=now + timedelta(seconds=1))
    rated = counts["up"] + counts["down"]
    failed = repository.failed_queries(session, since=since, until=now + timedelta(seconds=1), limit=failed_limit)
    return MetricsOut(
        since=since, until=now, searches=counts["searches"],
        hit_rate=round(counts["confident"] / counts["searches"], 4) if counts["searches"] else None,
        thumbs_up=counts["up"], thumbs_down=counts["down"],
        answer_accuracy=round(counts["up"] / rated, 4) if rated else None,
        resolved=counts["resolved"],
        failed_queries=[FailedQuery(query=q, times=n, thumbs_down=d, last_at=at) for q, n, d, at in failed],
    )


__all__ = ["Weights", "agent_correction", "current_index", "feedback", "published_article", "forget_indexes", "metrics", "plain_index", "read_answer", "search", "suggest"]
