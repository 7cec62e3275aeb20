"""Repeat complaints 重复投诉: the earlier ticket a new one repeats (same subscriber, same
category or similar text, within the window or still open), and what that does to the
new ticket — flagged, priority raised, escalated — with its history rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.tickets import changes, classification, lifecycle, repository
from kefu.tickets.models import Ticket

# Types that are about a problem the customer has; a consultation is not a repeat complaint.
REPEATABLE_TYPES = {"complaint", "fault", "external"}


@dataclass(frozen=True)
class Repeat:
    """The earlier ticket a new one repeats, and why."""

    previous_id: int
    previous_number: str
    earlier_count: int
    matched: str  # category | similar_text
    score: float | None
    window_days: int

    @property
    def reason(self) -> str:
        what = "同类问题" if self.matched == "category" else f"相似问题（文本相似度 {self.score:.2f}）"
        return f"重复投诉：{self.window_days} 天内{what}已有工单 {self.previous_number}"


def find(
    session: Session, ticket: Ticket, *, now: datetime, window: timedelta, text: str | None = None,
    similarity: float = 1.0,
) -> Repeat | None:
    """Same subscriber, within the window or still open, and the same category — or, with
    `text`, a text at least `similarity` alike in any category: a repeat complaint."""
    open_statuses = [s.value for s in lifecycle.OPEN_STATUSES]
    exclude_id = ticket.id if ticket.id is not None else None
    if text is None:
        earlier = repository.earlier_same_problem(
            session, subscriber_id=ticket.subscriber_id, category=ticket.category or "", since=now - window,
            open_statuses=open_statuses, exclude_id=exclude_id,
        )
    else:
        earlier = repository.subscriber_recent(
            session, subscriber_id=ticket.subscriber_id, since=now - window, open_statuses=open_statuses,
            exclude_id=exclude_id,
        )
    earlier = [t for t in earlier if t.type in REPEATABLE_TYPES and t.status not in ("cancelled", "rejected")]
    matched, score = "category", None
    if text is not None:
        same = [t for t in earlier if ticket.category is not None and t.category == ticket.category]
        if not same and earlier:
            candidates = [(t.id, classification.ticket_text(t.core_demand, t.description)) for t in earlier]
            best = classification.similar_ids(text, candidates, threshold=similarity, top=1)
            if best:
                same = [t for t in earlier if t.id == best[0][0]]
                matched, score = "similar_text", best[0][1]
        earlier = same
    if not earlier:
        return None
    return Repeat(earlier[0].id, earlier[0].number, len(earlier), matched, score, window.days)


def escalate(ticket: Ticket, repeat: Repeat, *, by: str, now: datetime) -> list[dict[str, Any]]:
    """Flags a new ticket as a repeat, raises its priority and escalates it; its history rows."""
    ticket.is_repeat = True
    ticket.priority = lifecycle.raised_priority(ticket.priority)
    detected = changes.entry(
        0, kind="repeat_detected", by=by, now=now, reason=repeat.reason,
        repeat_of=repeat.previous_id, repeat_of_number=repeat.previous_number, earlier_count=repeat.earlier_count,
        **({"matched": repeat.matched, "similarity": repeat.score} if repeat.matched != "category" else {}),
    )
    ticket.escalation_level = max(ticket.escalation_level or 0, 1)
    ticket.priority = lifecycle.priority_for_level(ticket.priority, ticket.escalation_level)
    escalated = changes.entry(0, kind="escalated", by=by, now=now, reason=repeat.reason, level=ticket.escalation_level)
    return [detected, escalated]
