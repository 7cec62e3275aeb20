"""NLP tables: trained model versions and agents' corrections (the feedback the next
training run learns from)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.db import Base


class ModelVersion(Base):
    __tablename__ = "nlp_model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(60), unique=True)
    trained_at: Mapped[datetime]
    n_examples: Mapped[int] = mapped_column(Integer)
    n_corrections: Mapped[int] = mapped_column(Integer, default=0)
    # Figures on the shipped held-out examples, as printed by `kefu nlp eval`.
    heldout_accuracy: Mapped[float | None]
    heldout_macro_f1: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=False)
    trained_by: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Correction(Base):
    """An agent changed what intake decided. The text is stored masked."""

    __tablename__ = "nlp_corrections"
    __table_args__ = (Index("ix_nlp_corrections_ref", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What was corrected, e.g. "ticket:123"; nlp knows nothing of tickets beyond this.
    ref: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    predicted_category: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(30))
    root_cause: Mapped[str | None] = mapped_column(String(40))
    emotion: Mapped[str | None] = mapped_column(String(20))
    model_version: Mapped[str | None] = mapped_column(String(60))
    corrected_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
