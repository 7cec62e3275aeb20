"""Agents review the robot's answers (/api/v1/robot/review): the answers to look at, any
conversation whole, and a review per answer (right, or wrong with the right article or
none — a knowledge gap). Front-line seats, supervisors and knowledge editors review."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from kefu.api.deps import Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.robot import review
from kefu.robot.schemas import CorrectionIn, CorrectionOut, ReviewConversationOut, ReviewItemOut

router = APIRouter(prefix="/api/v1/robot/review", tags=["robot"])

REVIEWERS = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.KB_EDITOR)


@router.get("/answers", response_model=list[ReviewItemOut])
def answers(
    session: DbSession, now: Now, flagged: bool = Query(True, description="only thumbed-down or unsure, unreviewed"),
    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0), _: Principal = Depends(REVIEWERS),
) -> list[ReviewItemOut]:
    return review.answers(session, now=now, flagged=flagged, limit=limit, offset=offset)


@router.get("/conversations/{conversation_id}", response_model=ReviewConversationOut)
def conversation(conversation_id: int, session: DbSession, _: Principal = Depends(REVIEWERS)) -> ReviewConversationOut:
    return review.conversation(session, conversation_id)


@router.put("/answers/{turn_id}", response_model=CorrectionOut)
def correct(turn_id: int, data: CorrectionIn, session: DbSession, now: Now,
            principal: Principal = Depends(REVIEWERS)) -> CorrectionOut:
    """422 for a review that contradicts itself (right with another article, wrong with
    neither an article nor "no article fits"); 404 for an unknown answer or article."""
    return review.correct(session, turn_id, data, by=principal.actor, now=now)
