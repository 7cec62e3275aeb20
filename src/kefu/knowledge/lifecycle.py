"""Review states of an article's working copy (pure rules).

draft → in_review → published; a reviewer may send it back to draft. Editing a published
article starts a new draft while the published version keeps serving readers. Any
state may be withdrawn (archived); editing an archived article restores it as a draft.
"""

from __future__ import annotations

from kefu.knowledge.errors import InvalidTransition

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = "draft", "in_review", "published", "archived"

ALLOWED: dict[str, frozenset[str]] = {
    "edited": frozenset({DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED}),
    "submitted": frozenset({DRAFT}),
    "published": frozenset({IN_REVIEW}),
    "rejected": frozenset({IN_REVIEW}),
    "archived": frozenset({DRAFT, IN_REVIEW, PUBLISHED}),
}
RESULT = {"edited": DRAFT, "submitted": IN_REVIEW, "published": PUBLISHED, "rejected": DRAFT, "archived": ARCHIVED}


def next_status(status: str, action: str) -> str:
    """The status after `action`, or InvalidTransition."""
    if status not in ALLOWED[action]:
        raise InvalidTransition(status, action)
    return RESULT[action]
