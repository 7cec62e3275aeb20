"""Suggestions for the ticket form while the agent types: the classifier's category,
department, emotion, urgency and hint, the top three categories, and the similar open
tickets of that category in the subscriber's district ("3 similar open complaints in
南山区 this week"). Reads only; called every few keystrokes, so it stays cheap: one
subscriber lookup, one indexed query, one similarity pass over at most 300 short texts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.tickets import classification, lifecycle, repository, taxonomy
from kefu.tickets.classification import IntakeNlp
from kefu.tickets.schemas import (
    CategorySuggestion,
    EvidenceView,
    IntakeSuggestion,
    SimilarOpen,
    SimilarTicket,
)

SIMILAR_SHOWN = 5
SIMILAR_CANDIDATES = 300
# Looser than the repeat-complaint threshold: these are shown to the agent, not acted on.
SIMILAR_THRESHOLD = 0.25


def suggest(
    session: Session, text: str, *, now: datetime, nlp: IntakeNlp, subscriber_id: int | None = None,
    ticket_type: str | None = None,
) -> IntakeSuggestion:
    """Never fails on the text: empty, emoji-only or junk text comes back as `other` with
    confidence 0 and `rejected` set. An unknown subscriber is SubscriberNotFound."""
    who = classification.customer(session, subscriber_id, now=now) if subscriber_id is not None else None
    result = classification.classify(text, who, nlp)
    similar = None
    if who is not None and result.rejected is None:
        similar = _similar_open(session, text, category=result.category, district=who.district, now=now,
                                days=nlp.similar_days)
    return IntakeSuggestion(
        category=result.category,
        category_name=result.category_name,
        department=result.department,
        department_name=taxonomy.DEPARTMENTS.get(result.department, result.department),
        root_cause=result.root_cause,
        emotion=result.emotion,
        emotion_intensity=result.emotion_intensity,
        urgency=result.urgency,
        urgency_score=round(result.urgency_score, 3),
        # What the ticket would open with: the form applies it like the category (the agent may override).
        priority=classification.urgency_priority(classification.opening_priority(
            ticket_type, who.segment if who else None, result.emotion,
            classification.intensity_0_5(result.emotion_intensity)), result.urgency),
        hint=result.hint,
        hint_en=result.hint_en,
        evidence=[EvidenceView(kind=e.kind, label=e.label, words=list(e.words)) for e in result.evidence],
        keywords=list(result.keywords),
        confidence=result.confidence,
        auto_dispatch=result.auto_dispatch and result.rejected is None,
        threshold=nlp.auto_threshold,
        suggestions=[
            CategorySuggestion(
                category=s.category, category_name=taxonomy.CATEGORIES.get(s.category, (s.category, ""))[0],
                department=s.department, department_name=taxonomy.DEPARTMENTS.get(s.department, s.department),
                confidence=s.confidence,
            )
            for s in result.suggestions
        ],
        rejected=result.rejected,
        truncated=result.truncated,
        model_version=result.model_version,
        similar=similar,
    )


def _similar_open(
    session: Session, text: str, *, category: str, district: str, now: datetime, days: int
) -> SimilarOpen:
    rows = repository.open_in_district(
        session, category=category, district=district, since=now - timedelta(days=days),
        open_statuses=[s.value for s in lifecycle.OPEN_STATUSES], limit=SIMILAR_CANDIDATES,
    )
    found = classification.similar_ids(
        text, [(r.id, r.core_demand) for r in rows], threshold=SIMILAR_THRESHOLD, top=len(rows)
    )
    by_id = {r.id: r for r in rows}
    items = [
        SimilarTicket(id=i, number=by_id[i].number, core_demand=by_id[i].core_demand, status=by_id[i].status,
                      created_at=by_id[i].created_at, score=score)
        for i, score in found[:SIMILAR_SHOWN]
    ]
    name = taxonomy.CATEGORIES[category][0]
    period_zh = "本周" if days == 7 else f"近 {days} 天"
    period_en = "this week" if days == 7 else f"in the last {days} days"
    return SimilarOpen(
        count=len(found), category=category, district=district, days=days, items=items,
        message=f"{period_zh}{district}已有 {len(found)} 起相似的未结{name}工单",
        message_en=f"{len(found)} similar open {category} tickets in {district} {period_en}",
    )
