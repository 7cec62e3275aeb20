"""Agents review the robot's answers (issue #8 part 4: accuracy from agents' corrections).

A reviewer reads the robot answers customers thumbed down or the robot was unsure of (or
any conversation) and marks an answer right, or wrong with the article that fits — or
none, which makes the question a knowledge gap for editors. The review counts in the
robot's accuracy (kefu.robot.metrics) and reaches the knowledge base's ranking as
feedback on both articles (kefu.knowledge.search_service.agent_correction). Reviewing
again replaces the earlier review and takes its feedback back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.knowledge import search_service as kb
from kefu.knowledge import service as kb_articles
from kefu.knowledge.errors import ArticleNotFound
from kefu.robot import dialogue, repository
from kefu.robot.errors import BadCorrection, ConversationNotFound, TurnNotFound
from kefu.robot.models import Correction, Turn
from kefu.robot.schemas import (
    CorrectionIn,
    CorrectionOut,
    ReviewConversationOut,
    ReviewItemOut,
    TurnOut,
)

REVIEW_DAYS = 30


def _article_question(session: Session, article_id: int | None, cache: dict[int, str | None]) -> str | None:
    if article_id is None:
        return None
    if article_id not in cache:
        try:
            cache[article_id] = kb_articles.get(session, article_id).question
        except ArticleNotFound:
            cache[article_id] = None
    return cache[article_id]


def answers(
    session: Session, *, now: datetime, flagged: bool = True, limit: int = 50, offset: int = 0,
    turn_id: int | None = None,
) -> list[ReviewItemOut]:
    """Robot answers to review, newest first; `flagged`: thumbed-down or unsure, not yet reviewed."""
    since = now - timedelta(days=REVIEW_DAYS) if turn_id is None else None
    cache: dict[int, str | None] = {}
    return [
        ReviewItemOut(
            turn_id=turn.id, conversation_id=turn.conversation_id, question=question, answer=turn.text,
            kind=turn.kind, article_id=turn.article_id,
            article_question=_article_question(session, turn.article_id, cache), confidence=turn.confidence,
            feedback=turn.feedback, created_at=turn.created_at,
            correction=CorrectionOut.model_validate(correction) if correction else None,
            right_article_question=_article_question(session, correction.right_article_id if correction else None,
                                                     cache),
        )
        for turn, question, correction in repository.robot_answers(session, since=since, flagged=flagged,
                                                                    limit=limit, offset=offset, turn_id=turn_id)
    ]


def answer(session: Session, turn_id: int, *, now: datetime) -> ReviewItemOut:
    """One robot FAQ answer with its review (for the page after a review is saved)."""
    found = answers(session, now=now, flagged=False, limit=1, turn_id=turn_id)
    if not found:
        raise TurnNotFound(turn_id)
    return found[0]


def conversation(session: Session, conversation_id: int) -> ReviewConversationOut:
    """Any conversation, whole, with its reviews (staff only: the entrypoint checks the role)."""
    found = repository.conversation(session, conversation_id, with_turns=True)
    if found is None:
        raise ConversationNotFound(conversation_id)
    return ReviewConversationOut(
        id=found.id, channel=found.channel, status=found.status, created_at=found.created_at,
        turns=[TurnOut.model_validate(t) for t in found.turns],
        corrections=[CorrectionOut.model_validate(c) for c in repository.corrections_of(session, found.id)],
    )


def _feedback_of(correction: Correction) -> tuple[int | None, int | None]:
    """(article counted wrong, article counted right) for the knowledge base's ranking."""
    if correction.verdict == "right":
        return None, correction.answered_article_id
    return correction.answered_article_id, correction.right_article_id


def _checked(session: Session, turn: Turn, data: CorrectionIn, *, now: datetime) -> None:
    if turn.intent != dialogue.FAQ:
        raise BadCorrection("只能复核机器人的知识库回答（账单、流量等查询来自客户本人的数据）",
                            "Only the robot's knowledge-base answers can be reviewed (queries answer from the customer's data)")
    if data.verdict == "right":
        if turn.article_id is None:
            raise BadCorrection("机器人这次没有给出答案，不能判为正确；请判为错误并选择合适的知识条目",
                                "The robot gave no answer here, so it cannot be right; mark it wrong and pick the article")
        if data.right_article_id is not None or data.no_article_fits:
            raise BadCorrection("判为正确时不需要另选知识条目", "A right answer needs no other article")
        return
    if (data.right_article_id is None) == (not data.no_article_fits):
        raise BadCorrection("判为错误时，请选择正确的知识条目，或勾选“没有合适的条目”（二者选一）",
                            "For a wrong answer pick the right article, or tick \"no article fits\" (one of the two)")
    if data.right_article_id is not None:
        if data.right_article_id == turn.article_id:
            raise BadCorrection("选择的条目就是机器人给出的答案；若答案正确，请判为正确",
                                "That is the article the robot answered with; if it was right, mark it right")
        kb.published_article(session, data.right_article_id, now=now)  # 404 unless published and valid


def correct(session: Session, turn_id: int, data: CorrectionIn, *, by: str, now: datetime) -> CorrectionOut:
    """Records (or replaces) the review of one robot answer. Checks everything before writing."""
    turn = repository.robot_turn(session, turn_id)
    if turn is None:
        raise TurnNotFound(turn_id)
    _checked(session, turn, data, now=now)
    row = repository.correction_of(session, turn.id)
    if row is not None:
        wrong, right = _feedback_of(row)
        kb.agent_correction(session, wrong_article_id=wrong, right_article_id=right, step=-1, now=now)
    else:
        row = Correction(turn_id=turn.id, conversation_id=turn.conversation_id,
                         question=repository.question_before(session, turn))
        session.add(row)
    row.verdict, row.answered_article_id = data.verdict, turn.article_id
    row.right_article_id = data.right_article_id if data.verdict == "wrong" else None
    row.gap = data.verdict == "wrong" and data.no_article_fits
    row.note = (data.note or "").strip() or None
    row.by, row.at = by, now
    wrong, right = _feedback_of(row)
    kb.agent_correction(session, wrong_article_id=wrong, right_article_id=right, step=+1, now=now)
    session.flush()
    return CorrectionOut.model_validate(row)
