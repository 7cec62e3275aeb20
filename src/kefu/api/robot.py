"""Service-robot API: start a conversation, send messages, rate answers, hand over, and
the robot's figures.

A subscriber talks about their own account and sees only their own conversations (anyone
else's is 404); staff may start conversations to test the robot (no customer data).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.robot import metrics, service
from kefu.robot.schemas import (
    ConversationOut,
    ConversationStart,
    FeedbackIn,
    HandoverIn,
    MessageIn,
    MetricsOut,
    Reply,
    TurnOut,
)

router = APIRouter(prefix="/api/v1/robot", tags=["robot"])

TALKERS = Authorize(Role.SUBSCRIBER, *STAFF)
FIGURES = Authorize(Role.ANALYST, Role.SUPERVISOR, Role.KB_EDITOR, Role.ADMIN)


class Started(ConversationOut):
    reply: Reply


@router.post("/conversations", response_model=Started, status_code=201)
def start(data: ConversationStart, session: DbSession, now: Now, principal: Principal = Depends(TALKERS)) -> Started:
    conversation, reply = service.start(session, channel=data.channel, by=principal, now=now)
    return Started(**service.view(session, conversation).model_dump(), reply=reply)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def get(conversation_id: int, session: DbSession, principal: Principal = Depends(TALKERS)) -> ConversationOut:
    return service.view(session, service.get(session, conversation_id, by=principal))


@router.post("/conversations/{conversation_id}/messages", response_model=Reply)
def message(
    conversation_id: int, data: MessageIn, session: DbSession, now: Now, principal: Principal = Depends(TALKERS)
) -> Reply:
    return service.send(session, service.get(session, conversation_id, by=principal), data.text, now=now)


@router.post("/conversations/{conversation_id}/feedback", response_model=TurnOut)
def feedback(
    conversation_id: int, data: FeedbackIn, session: DbSession, now: Now, principal: Principal = Depends(TALKERS)
) -> TurnOut:
    conversation = service.get(session, conversation_id, by=principal)
    return TurnOut.model_validate(service.feedback(session, conversation, data, now=now))


@router.post("/conversations/{conversation_id}/handover", response_model=Reply)
def handover(
    conversation_id: int, data: HandoverIn, session: DbSession, now: Now, principal: Principal = Depends(TALKERS)
) -> Reply:
    conversation = service.get(session, conversation_id, by=principal)
    return service.request_handover(session, conversation, reason=data.reason, now=now)


@router.get("/metrics", response_model=MetricsOut)
def robot_metrics(
    session: DbSession, now: Now, days: int = Query(30, ge=1, le=366),
    failed_limit: int = Query(50, ge=1, le=500), _: Principal = Depends(FIGURES),
) -> MetricsOut:
    return metrics.figures(session, now=now, days=days, failed_limit=failed_limit)
