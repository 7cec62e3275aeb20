"""Periodic jobs of the knowledge base."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.core.outbound import enqueue
from kefu.knowledge import repository

REMIND_DAYS = 7


def remind_expiring(session: Session, now: datetime, *, days: int = REMIND_DAYS) -> int:
    """Tells each owner, once per end date, that a published article stops being shown
    within `days`. Safe to run twice and from two workers (rows locked, skip-locked on
    PostgreSQL; `reminded_for` records the end date already announced). Articles without
    an owner contact are marked too — nobody to send to — and stay visible in the list."""
    lock = session.get_bind().dialect.name == "postgresql"
    sent = 0
    for article in repository.expiring(session, now=now, until=now + timedelta(days=days), lock=lock):
        assert article.valid_to is not None
        contact = article.owner_contact.strip()
        if contact:
            ends = local(article.valid_to).strftime("%Y-%m-%d %H:%M")
            enqueue(
                session,
                channel="email" if "@" in contact else "sms",
                recipient=contact,
                subject=f"知识条目即将到期：{article.question[:40]}",
                body=(
                    f"您负责的知识条目 {article.id}“{article.question}”将于 {ends} 失效，届时客户和坐席将搜不到它。"
                    "如仍适用，请更新有效期并提交审核；如已不适用，请下线或替换。"
                ),
                purpose="kb_expiry",
                now=now,
            )
            sent += 1
        article.reminded_for = article.valid_to
    session.flush()
    return sent


def refresh_feedback(session: Session, now: datetime) -> int:
    """Lets readers' feedback reach the ranking: if anyone rated an answer since the index
    last changed, mark it changed so every process rebuilds with the new feedback prior
    (tokens are cached, so that rebuild is cheap). Running it twice changes nothing more."""
    changed_at = repository.index_changed_at(session)
    if changed_at is None or not repository.feedback_since(session, changed_at):
        return 0
    repository.bump_index(session, now=now)
    return 1
