"""The auto-dispatch decision (pure): above a confidence threshold the category and its
department are applied automatically; below it the agent sees the top suggestions.
A rejected text (empty, junk) is never dispatched automatically."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.nlp.taxonomy import department_of

DEFAULT_THRESHOLD = 0.6
SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    category: str
    department: str
    confidence: float


@dataclass(frozen=True)
class Decision:
    auto_dispatch: bool
    suggestions: tuple[Suggestion, ...]


def decide(
    probabilities: dict[str, float],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rejected: bool = False,
    departments: dict[str, str] | None = None,
) -> Decision:
    """Auto when the best category reaches `threshold`; suggestions are always the top 3."""
    ranked = sorted(probabilities.items(), key=lambda kv: (-kv[1], kv[0]))[:SUGGESTIONS]
    overrides = departments or {}
    suggestions = tuple(
        Suggestion(code, overrides.get(code) or department_of(code), round(p, 3)) for code, p in ranked
    )
    auto = bool(ranked) and not rejected and ranked[0][1] >= threshold
    return Decision(auto, suggestions)
