"""Intake classification of a ticket (SPEC C4) through kefu.nlp: category, root cause,
department, emotion, urgency, keywords and the hint for the agent are stored on the ticket;
at or above the confidence threshold the ticket is also dispatched automatically — marked
as automatic in its history, and reversible (kefu.tickets.reclassify).

The agent's explicit category always wins: the classifier then only adds emotion,
urgency, keywords and the hint. Below the threshold nothing is dispatched; the machine's
best guess is stored as the category (source "auto", confidence shown) and the top
suggestions are kept for the agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.customers import service as customers
from kefu.nlp import dispatch as nlp_dispatch
from kefu.nlp import intake as nlp_intake
from kefu.nlp import similarity
from kefu.nlp import store as nlp_store
from kefu.settings import Settings
from kefu.tickets import changes, lifecycle, taxonomy
from kefu.tickets.dispatch import AUTO_ACTOR
from kefu.tickets.models import Ticket

# Types that go to a department on their own; a consultation or suggestion does not.
AUTO_DISPATCH_TYPES = {"complaint", "fault", "service_request"}
# Character-n-gram TF-IDF over a subscriber's few recent tickets: reworded complaints about
# the same thing scored 0.27–0.33 in our probes, unrelated ones sharing a stock phrase
# ("我要投诉…") up to 0.24 — so the bar sits just above those.
REPEAT_SIMILARITY = 0.28
URGENCY_PRIORITY = {"urgent": "urgent", "high": "high"}
# How much of a long description the classifier and the similarity read (the core demand
# comes first, so it always counts).
TEXT_LIMIT = 4000


@dataclass(frozen=True)
class IntakeNlp:
    """How intake uses kefu.nlp: the instance's models, the auto-dispatch threshold and the
    text similarity that makes a repeat complaint."""

    models_dir: Path | None = None
    auto_threshold: float = nlp_dispatch.DEFAULT_THRESHOLD
    repeat_similarity: float = REPEAT_SIMILARITY
    similar_days: int = 7

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeNlp:
        """The instance's models and thresholds: what every intake path should pass to
        open_ticket(nlp=...) and suggest()."""
        return cls.for_instance(
            settings.instance_dir, auto_threshold=settings.nlp_auto_threshold,
            repeat_similarity=settings.ticket_repeat_similarity, similar_days=settings.intake_similar_days,
        )

    @classmethod
    def for_instance(
        cls, instance_dir: str | Path, *, auto_threshold: float = nlp_dispatch.DEFAULT_THRESHOLD,
        repeat_similarity: float = REPEAT_SIMILARITY, similar_days: int = 7,
    ) -> IntakeNlp:
        return cls(models_dir=nlp_store.models_dir(instance_dir), auto_threshold=auto_threshold,
                   repeat_similarity=repeat_similarity, similar_days=similar_days)


def warm_up(nlp: IntakeNlp | None = None) -> None:
    """Loads the model and the segmenter (about 1.6 s of CPU, once per process) so the
    first agent's request does not pay for it."""
    nlp_intake.classify("宽带断网", models_dir=(nlp or IntakeNlp()).models_dir)


def ticket_text(core_demand: str, description: str) -> str:
    text = core_demand.strip()
    if description and description.strip():
        text = f"{text}\n{description.strip()}"
    return text[:TEXT_LIMIT]


@dataclass(frozen=True)
class Customer:
    """What intake knows of the subscriber: for the urgency context and the district."""

    id: int
    segment: str
    vip_level: int
    city: str
    district: str
    age: int | None

    def context(self) -> dict[str, Any]:
        ctx: dict[str, Any] = {"segment": self.segment, "vip_level": self.vip_level}
        if self.age is not None:
            ctx["age"] = self.age
        return ctx


def customer(session: Session, subscriber_id: int, *, now: datetime) -> Customer:
    """The subscriber's segment, VIP level, district and age; SubscriberNotFound otherwise."""
    profile = customers.intake_profile(session, subscriber_id)
    age = local(now).year - profile.birth_year if profile.birth_year else None
    return Customer(profile.id, profile.segment, profile.vip_level, profile.city, profile.district, age)


def classify(text: str, who: Customer | None, nlp: IntakeNlp) -> nlp_intake.Classification:
    return nlp_intake.classify(text, context=who.context() if who else None, models_dir=nlp.models_dir,
                               auto_threshold=nlp.auto_threshold)


def stored(result: nlp_intake.Classification, *, threshold: float) -> dict[str, Any]:
    """The classifier's answer as kept on the ticket (JSON): what the agent is shown."""
    return {
        "category": result.category,
        "department": result.department,
        "root_cause": result.root_cause,
        "confidence": result.confidence,
        "threshold": threshold,
        "auto_dispatch": result.auto_dispatch,
        "emotion": result.emotion,
        "emotion_intensity": result.emotion_intensity,
        "urgency": result.urgency,
        "urgency_score": round(result.urgency_score, 3),
        "evidence": [{"kind": e.kind, "label": e.label, "words": list(e.words)} for e in result.evidence],
        "hint": result.hint,
        "hint_en": result.hint_en,
        "keywords": list(result.keywords),
        "suggestions": [
            {"category": s.category, "department": s.department, "confidence": s.confidence}
            for s in result.suggestions
        ],
        "model_version": result.model_version,
        "rules_version": result.rules_version,
        "rejected": result.rejected,
    }


def intensity_0_5(value: float) -> int:
    return max(0, min(5, round(value * 5)))


def opening_priority(ticket_type: str | None, segment: str | None, emotion: str, emotion_intensity: int) -> str:
    """The priority a ticket opens with unless the agent sets one: high for 12315/工信部
    transfers, VIP and government-enterprise customers, and very angry callers."""
    if ticket_type == "external" or segment in ("vip", "government_enterprise"):
        return "high"
    if emotion == "angry" and emotion_intensity >= 4:
        return "high"
    return "normal"


def urgency_priority(priority: str, urgency: str) -> str:
    """The higher of the current priority and what the urgency calls for."""
    wanted = URGENCY_PRIORITY.get(urgency)
    if wanted is None:
        return priority
    order = lifecycle.PRIORITIES
    return wanted if order.index(wanted) > order.index(priority) else priority


@dataclass(frozen=True)
class Applied:
    """What intake took from the classifier, to be logged once the ticket has an id."""

    result: nlp_intake.Classification
    machine_category: bool  # the category came from the classifier (not the agent)
    auto_dispatch: bool
    priority_before: str


def apply(
    ticket: Ticket, result: nlp_intake.Classification, *, agent_category: bool, agent_emotion: bool,
    agent_priority: bool, nlp: IntakeNlp,
) -> Applied:
    """Copies the classification onto a new ticket (before it is flushed)."""
    if not agent_category:
        ticket.category = result.category
        ticket.root_cause = ticket.root_cause or result.root_cause
        ticket.department = ticket.department or result.department
        ticket.classification_source = "auto"
    else:
        ticket.classification_source = "agent"
    if ticket.department is not None and ticket.department not in taxonomy.DEPARTMENTS:
        ticket.department = taxonomy.default_department(ticket.category or "other")
    if not agent_emotion:
        ticket.emotion = result.emotion
        ticket.emotion_intensity = intensity_0_5(result.emotion_intensity)
    ticket.urgency = result.urgency
    ticket.classification_confidence = result.confidence
    ticket.classification_model = result.model_version
    ticket.classification = stored(result, threshold=nlp.auto_threshold)
    before = ticket.priority
    if not agent_priority:
        ticket.priority = urgency_priority(ticket.priority, result.urgency)
    # "other" is confident only that it fits nowhere: a person decides where it goes.
    auto = (not agent_category and result.auto_dispatch and result.rejected is None and result.category != "other"
            and ticket.type in AUTO_DISPATCH_TYPES and ticket.department is not None)
    return Applied(result, not agent_category, auto, before)


def applied_entries(ticket: Ticket, ticket_id: int, applied: Applied, *, by: str, now: datetime) -> list[dict[str, Any]]:
    """History rows: how the new ticket was classified (automatic or not) and why its
    priority rose."""
    result = applied.result
    rows = []
    if applied.machine_category:
        # The agent's own category needs no entry: the classifier only added what the
        # ticket shows (emotion, urgency, hint, keywords).
        verdict = "自动派单" if applied.auto_dispatch else "低于阈值，未自动派单，请坐席确认"
        rows.append(changes.entry(
            ticket_id, kind="classified", by=AUTO_ACTOR, now=now,
            reason=f"智能分类：{taxonomy.CATEGORIES[ticket.category or 'other'][0]}（置信度 {result.confidence:.2f}，{verdict}）",
            automatic=True, triggered_by=by, category=ticket.category, department=ticket.department,
            root_cause=ticket.root_cause, confidence=result.confidence,
            threshold=ticket.classification.get("threshold"), auto_dispatch=applied.auto_dispatch,
            model_version=result.model_version, suggestions=ticket.classification.get("suggestions", []),
            emotion=ticket.emotion, urgency=result.urgency, hint=result.hint or None, rejected=result.rejected,
        ))
    if ticket.priority != applied.priority_before:
        labels = [e.label for e in result.evidence if e.kind not in ("rule", "angry", "anxious")]
        rows.append(changes.entry(
            ticket_id, kind="priority_raised", by=AUTO_ACTOR, now=now,
            reason="紧急度：" + ("；".join(labels) if labels else result.urgency), automatic=True,
            priority_from=applied.priority_before, priority_to=ticket.priority, urgency=result.urgency,
            urgency_score=round(result.urgency_score, 3),
            evidence=[{"kind": e.kind, "label": e.label, "words": list(e.words)} for e in result.evidence],
        ))
    return rows


def similar_ids(text: str, candidates: list[tuple[int, str]], *, threshold: float, top: int) -> list[tuple[int, float]]:
    """(ticket id, score) of the candidates whose text is like `text`, best first."""
    return [(s.id, s.score) for s in similarity.similar(text, candidates, top=top, threshold=threshold)]
