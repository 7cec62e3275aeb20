"""All SQL on the nlp tables."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu.nlp.models import Correction, ModelVersion


def add(session: Session, row: Correction | ModelVersion) -> None:
    session.add(row)
    session.flush()


def corrections(session: Session, *, limit: int | None = None) -> list[Correction]:
    stmt = select(Correction).order_by(Correction.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def count_corrections(session: Session) -> int:
    return session.scalar(select(func.count(Correction.id))) or 0


def version(session: Session, name: str) -> ModelVersion | None:
    return session.scalars(select(ModelVersion).where(ModelVersion.version == name)).one_or_none()


def versions(session: Session) -> list[ModelVersion]:
    return list(session.scalars(select(ModelVersion).order_by(ModelVersion.trained_at.desc(), ModelVersion.id.desc())))


def active(session: Session) -> ModelVersion | None:
    return session.scalars(select(ModelVersion).where(ModelVersion.active.is_(True))).first()


def deactivate_all(session: Session) -> None:
    session.execute(update(ModelVersion).where(ModelVersion.active.is_(True)).values(active=False))
