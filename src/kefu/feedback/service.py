"""Satisfaction ratings: a customer rates a handled ticket once, on the five-point
满意度 scale Chinese operators survey with. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.core.errors import InvalidInput
from kefu.feedback.models import SatisfactionRating
from kefu.identity.roles import Principal
from kefu.tickets import service as tickets

# 1 … 5 as operators' return-visit surveys word it; 4 and 5 count as 满意.
SCALE: dict[int, str] = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
SATISFIED_FROM = 4
COMMENT_MAX = 400
CHANNELS = ("web", "app", "wechat", "sms", "hotline", "hall")


class BadScore(InvalidInput):
    default_code = "bad_score"

    def __init__(self, score: object) -> None:
        super().__init__("请选择 1 到 5 分的评价（5 分为非常满意）",
                         "Pick a score from 1 to 5 (5 is very satisfied)", score=str(score)[:20])


class BadChannel(InvalidInput):
    default_code = "bad_channel"

    def __init__(self, channel: str) -> None:
        super().__init__(f"未知的评价渠道“{channel[:20]}”", f"Unknown rating channel '{channel[:20]}'",
                         allowed=list(CHANNELS))


@dataclass(frozen=True)
class Rating:
    ticket_id: int
    subscriber_id: int
    score: int
    label: str  # Chinese msgid
    satisfied: bool
    comment: str
    channel: str
    created_at: datetime


def _out(row: SatisfactionRating) -> Rating:
    return Rating(ticket_id=row.ticket_id, subscriber_id=row.subscriber_id, score=row.score,
                  label=SCALE[row.score], satisfied=row.score >= SATISFIED_FROM, comment=row.comment,
                  channel=row.channel, created_at=row.created_at)


def _row(session: Session, ticket_id: int) -> SatisfactionRating | None:
    return session.scalar(select(SatisfactionRating).where(SatisfactionRating.ticket_id == ticket_id))


def rate_ticket(
    session: Session, ticket_id: int, *, score: int, comment: str = "", channel: str, by: Principal, now: datetime
) -> tuple[Rating, bool]:
    """Stores the rating and writes it into the ticket's history; returns (rating, created).

    One rating per ticket: rating again (a double submit, a second tab) answers the first
    rating unchanged. A subscriber rates only their own ticket (others are 404, as in the
    ticket service), and only once it is handled (resolved, in return visit or closed)."""
    if score not in SCALE:
        raise BadScore(score)
    if channel not in CHANNELS:
        raise BadChannel(channel)
    existing = _row(session, ticket_id)
    ticket = tickets.get_ticket(session, ticket_id, viewer=by, fresh=True)  # scope check before answering
    if existing is not None:
        return _out(existing), False
    text = comment.strip()[:COMMENT_MAX]
    row = SatisfactionRating(ticket_id=ticket_id, subscriber_id=ticket.subscriber_id, score=score, comment=text,
                             channel=channel, created_by=by.actor, created_at=now)
    try:
        with session.begin_nested():  # two tabs at once: the unique ticket_id lets one rating in
            session.add(row)
            session.flush()
    except IntegrityError:
        first = _row(session, ticket_id)
        if first is None:
            raise
        return _out(first), False
    tickets.record_satisfaction(session, ticket_id, score=score, label=SCALE[score], comment=text, by=by, now=now)
    return _out(row), True


def rating_of_ticket(session: Session, ticket_id: int) -> Rating | None:
    row = _row(session, ticket_id)
    return _out(row) if row else None
