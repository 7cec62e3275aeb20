"""NLP use cases that touch the database: agents' corrections (captured as feedback for
the next training run) and the record of trained model versions. Services flush and
never commit. Classification itself needs no session: see kefu.nlp.intake."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.nlp import repository
from kefu.nlp import text as textmod
from kefu.nlp.errors import BadTrainingData, ModelNotFound, UnknownCategory
from kefu.nlp.models import Correction, ModelVersion
from kefu.nlp.taxonomy import CATEGORY_CODES, EMOTIONS, ROOT_CAUSES


def record_correction(
    session: Session,
    text: str,
    *,
    category: str,
    root_cause: str | None = None,
    emotion: str | None = None,
    predicted_category: str | None = None,
    model_version: str | None = None,
    ref: str | None = None,
    corrected_by: str | None = None,
    now: datetime,
) -> Correction:
    """Stores what the agent decided instead of the machine; the text is kept masked.
    The next `kefu nlp train` learns from every correction."""
    if category not in CATEGORY_CODES:
        raise UnknownCategory(category)
    if root_cause is not None and root_cause not in ROOT_CAUSES:
        raise UnknownCategory(root_cause)
    if emotion is not None and emotion not in EMOTIONS:
        raise UnknownCategory(emotion)
    prepared = textmod.prepare(text)
    if prepared.problem is not None:
        raise BadTrainingData("纠正的文本为空或无法识别", "the corrected text is empty or unreadable")
    row = Correction(
        ref=ref,
        text=prepared.text,
        predicted_category=predicted_category,
        category=category,
        root_cause=root_cause,
        emotion=emotion,
        model_version=model_version,
        corrected_by=corrected_by,
        created_at=now,
    )
    repository.add(session, row)
    return row


def correction_examples(session: Session) -> list[dict[str, Any]]:
    """Corrections as training examples ({"text", "category", "root_cause"?, "emotion"?})."""
    examples = []
    for row in repository.corrections(session):
        example: dict[str, Any] = {"text": row.text, "category": row.category, "source": "correction"}
        if row.root_cause:
            example["root_cause"] = row.root_cause
        if row.emotion:
            example["emotion"] = row.emotion
        examples.append(example)
    return examples


def register_version(
    session: Session,
    version: str,
    *,
    trained_at: datetime,
    n_examples: int,
    n_corrections: int,
    heldout_accuracy: float | None,
    heldout_macro_f1: float | None,
    activate: bool,
    trained_by: str | None = None,
    detail: dict[str, Any] | None = None,
) -> ModelVersion:
    """Records a trained version; with `activate`, it becomes the only active one."""
    row = repository.version(session, version)
    if row is None:
        row = ModelVersion(
            version=version,
            trained_at=trained_at,
            n_examples=n_examples,
            n_corrections=n_corrections,
            heldout_accuracy=heldout_accuracy,
            heldout_macro_f1=heldout_macro_f1,
            trained_by=trained_by,
            detail=detail or {},
        )
        repository.add(session, row)
    if activate:
        repository.deactivate_all(session)
        row.active = True
        session.flush()
    return row


def activate_version(session: Session, version: str) -> ModelVersion:
    row = repository.version(session, version)
    if row is None:
        raise ModelNotFound(version)
    repository.deactivate_all(session)
    row.active = True
    session.flush()
    return row


def list_versions(session: Session) -> list[ModelVersion]:
    return repository.versions(session)
