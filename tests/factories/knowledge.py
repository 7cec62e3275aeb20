"""Knowledge-base articles for tests."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources

from sqlalchemy.orm import Session

from kefu.knowledge import formats, service, transfer
from kefu.knowledge.models import Article
from kefu.knowledge.schemas import ArticleIn


def create_article(
    session: Session, *, question: str, answer: str = "答案", now: datetime, phrasings: tuple[str, ...] = (),
    publish: bool = True, actor: str = "user:1:editor", reviewer: str = "user:2:supervisor", **fields: object,
) -> Article:
    """A draft, or (publish=True) an article taken through review and published as version 1."""
    article = service.create(
        session, ArticleIn(question=question, answer=answer, phrasings=list(phrasings), **fields), actor=actor, now=now
    )
    if publish:
        service.submit(session, article, actor=actor, now=now)
        service.publish(session, article, actor=reviewer, now=now)
    return article


def load_starter_kb(session: Session, *, now: datetime) -> int:
    """The knowledge base the project ships (src/kefu/knowledge/data/articles.json), published."""
    text = resources.files("kefu.knowledge").joinpath("data/articles.json").read_text(encoding="utf-8")
    return transfer.import_articles(session, formats.parse(text, "json"), actor="test", now=now)


def starter_questions() -> list[str]:
    text = resources.files("kefu.knowledge").joinpath("data/articles.json").read_text(encoding="utf-8")
    return [a["question"] for a in json.loads(text)]
