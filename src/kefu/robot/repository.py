"""All SQL of the robot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from kefu.robot.models import Conversation, Correction, Turn

QuestionTurn = aliased(Turn)


def conversation(session: Session, conversation_id: int, *, with_turns: bool = False) -> Conversation | None:
    query = select(Conversation).where(Conversation.id == conversation_id)
    if with_turns:
        query = query.options(selectinload(Conversation.turns))
    return session.scalars(query).one_or_none()


def turns(session: Session, conversation_id: int) -> list[Turn]:
    return list(session.scalars(select(Turn).where(Turn.conversation_id == conversation_id).order_by(Turn.id)))


def turn(session: Session, conversation_id: int, turn_id: int) -> Turn | None:
    return session.scalars(
        select(Turn).where(Turn.id == turn_id, Turn.conversation_id == conversation_id)
    ).one_or_none()


def latest_open(session: Session, *, started_by: str, channel: str) -> Conversation | None:
    return session.scalars(
        select(Conversation)
        .where(Conversation.started_by == started_by, Conversation.channel == channel, Conversation.status == "open")
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


# --- figures ---------------------------------------------------------------------------------


def conversation_counts(session: Session, *, since: datetime, until: datetime) -> tuple[int, int, int]:
    """(conversations with a customer message, of which handed over, customer messages)."""
    asked = (
        select(Turn.conversation_id, func.count().label("n"))
        .where(Turn.speaker == "customer")
        .group_by(Turn.conversation_id)
        .subquery()
    )
    row = session.execute(
        select(
            func.count(Conversation.id),
            func.coalesce(func.sum(case((Conversation.status == "handed_over", 1), else_=0)), 0),
            func.coalesce(func.sum(asked.c.n), 0),
        )
        .join(asked, asked.c.conversation_id == Conversation.id)
        .where(Conversation.created_at >= since, Conversation.created_at < until)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def robot_turn_counts(session: Session, *, since: datetime, until: datetime) -> list[tuple[str, str, str | None, int]]:
    """(intent, kind, feedback, count) over the robot's turns."""
    rows = session.execute(
        select(Turn.intent, Turn.kind, Turn.feedback, func.count())
        .where(Turn.speaker == "robot", Turn.created_at >= since, Turn.created_at < until)
        .group_by(Turn.intent, Turn.kind, Turn.feedback)
    ).all()
    return [(i, k, f, int(n)) for i, k, f, n in rows]


def failed_turns(
    session: Session, *, since: datetime, until: datetime, limit: int
) -> list[tuple[int, str, str | None, datetime]]:
    """(robot turn id, the customer's question, the robot answer's feedback, when) for unsure or thumbed-down
    answers; the question is the customer turn just before the robot's."""
    robot = (
        select(Turn.id, Turn.conversation_id, Turn.feedback, Turn.created_at)
        .where(
            Turn.speaker == "robot", Turn.created_at >= since, Turn.created_at < until,
            (Turn.kind == "unsure") | (Turn.feedback == "down"),
        )
        .order_by(Turn.id.desc())
        .limit(limit * 20)
        .subquery()
    )
    question_id = (
        select(func.max(Turn.id))
        .where(Turn.conversation_id == robot.c.conversation_id, Turn.id < robot.c.id, Turn.speaker == "customer")
        .correlate(robot)
        .scalar_subquery()
    )
    rows = session.execute(
        select(robot.c.id, Turn.text, robot.c.feedback, robot.c.created_at).join(robot, Turn.id == question_id)
    ).all()
    return [(turn_id, text, feedback, at) for turn_id, text, feedback, at in rows]


def idle_open(session: Session, *, before: datetime, limit: int = 500) -> list[Conversation]:
    return list(session.scalars(
        select(Conversation).where(Conversation.status == "open", Conversation.updated_at < before)
        .order_by(Conversation.id).limit(limit)
    ))


# --- agents' review ----------------------------------------------------------------------


def robot_answers(
    session: Session, *, since: datetime | None, flagged: bool, limit: int, offset: int = 0,
    turn_id: int | None = None,
) -> list[tuple[Turn, str, Correction | None]]:
    """(robot FAQ turn, the customer's question before it, its review), newest first;
    `flagged`: only thumbed-down or unsure answers that no agent has reviewed yet."""
    question_id = (
        select(func.max(QuestionTurn.id))
        .where(QuestionTurn.conversation_id == Turn.conversation_id, QuestionTurn.id < Turn.id,
               QuestionTurn.speaker == "customer")
        .correlate(Turn)
        .scalar_subquery()
    )
    query = (
        select(Turn, QuestionTurn.text, Correction)
        .join(QuestionTurn, QuestionTurn.id == question_id)
        .outerjoin(Correction, Correction.turn_id == Turn.id)
        .where(Turn.speaker == "robot", Turn.intent == "faq")
    )
    if since is not None:
        query = query.where(Turn.created_at >= since)
    if turn_id is not None:
        query = query.where(Turn.id == turn_id)
    if flagged:
        query = query.where((Turn.kind == "unsure") | (Turn.feedback == "down"), Correction.id.is_(None))
    rows = session.execute(query.order_by(Turn.id.desc()).limit(limit).offset(offset)).all()
    return [(turn, text, correction) for turn, text, correction in rows]


def question_before(session: Session, turn: Turn) -> str:
    text = session.scalar(
        select(Turn.text).where(Turn.conversation_id == turn.conversation_id, Turn.id < turn.id,
                                Turn.speaker == "customer").order_by(Turn.id.desc()).limit(1)
    )
    return text or ""


def robot_turn(session: Session, turn_id: int) -> Turn | None:
    return session.scalars(select(Turn).where(Turn.id == turn_id, Turn.speaker == "robot")).one_or_none()


def correction_of(session: Session, turn_id: int) -> Correction | None:
    return session.scalars(select(Correction).where(Correction.turn_id == turn_id)).one_or_none()


def corrections_of(session: Session, conversation_id: int) -> list[Correction]:
    return list(session.scalars(select(Correction).where(Correction.conversation_id == conversation_id)))


def judged_counts(session: Session, *, since: datetime, until: datetime) -> list[tuple[str | None, str | None, int]]:
    """(thumbs, agent's verdict, count) over robot answers that have either."""
    rows = session.execute(
        select(Turn.feedback, Correction.verdict, func.count())
        .outerjoin(Correction, Correction.turn_id == Turn.id)
        .where(Turn.speaker == "robot", Turn.created_at >= since, Turn.created_at < until,
               (Turn.feedback.is_not(None)) | (Correction.id.is_not(None)))
        .group_by(Turn.feedback, Correction.verdict)
    ).all()
    return [(f, v, int(n)) for f, v, n in rows]


def wrong_by_review(session: Session, *, since: datetime, until: datetime, limit: int) -> list[Correction]:
    """Answers agents marked wrong (for the failed questions and the knowledge gaps)."""
    return list(session.scalars(
        select(Correction).join(Turn, Turn.id == Correction.turn_id)
        .where(Correction.verdict == "wrong", Turn.created_at >= since, Turn.created_at < until)
        .order_by(Correction.at.desc()).limit(limit * 20)
    ))
