"""The portal's chat with the service robot (/portal/chat), for the logged-in subscriber.

Mobile first: one column, the conversation, quick replies under the robot's answers and a
message box. With htmx a message posts in place and the two new turns are appended; without
JavaScript the form posts and the page reloads. Every text is escaped when rendered.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.robot import service
from kefu.robot.schemas import MAX_MESSAGE_CHARS, FeedbackIn
from kefu.web.rendering import render

router = APIRouter(include_in_schema=False)

SUBSCRIBER = Authorize(Role.SUBSCRIBER)
CHANNEL = "portal"


def _htmx(request: Request) -> bool:
    return "hx-request" in request.headers


@router.get("/portal/chat")
def chat_page(request: Request, session: DbSession, now: Now, principal: Principal = Depends(SUBSCRIBER)) -> Response:
    """The subscriber's open portal conversation, or a new one with the robot's greeting."""
    conversation = service.latest_open(session, by=principal, channel=CHANNEL)
    if conversation is None:
        conversation, _ = service.start(session, channel=CHANNEL, by=principal, now=now)
    view = service.view(session, conversation)
    return render(request, "portal/chat.html", conversation=view, turns=view.turns, max_chars=MAX_MESSAGE_CHARS)


@router.post("/portal/chat/new")
def new_chat(session: DbSession, now: Now, principal: Principal = Depends(SUBSCRIBER)) -> Response:
    service.start(session, channel=CHANNEL, by=principal, now=now)
    return RedirectResponse("/portal/chat", status_code=303)


@router.post("/portal/chat/{conversation_id}/messages")
def send_message(
    conversation_id: int, request: Request, session: DbSession, now: Now, text: str = Form(""),
    principal: Principal = Depends(SUBSCRIBER),
) -> Response:
    conversation = service.get(session, conversation_id, by=principal)
    service.send(session, conversation, text[:MAX_MESSAGE_CHARS], now=now)
    if not _htmx(request):
        return RedirectResponse("/portal/chat", status_code=303)
    view = service.view(session, conversation)
    return render(request, "portal/chat_turns.html", conversation=view, turns=view.turns[-2:], appended=True)


@router.post("/portal/chat/{conversation_id}/feedback")
def rate_answer(
    conversation_id: int, request: Request, session: DbSession, now: Now, turn_id: int = Form(...),
    verdict: str = Form(...), principal: Principal = Depends(SUBSCRIBER),
) -> Response:
    conversation = service.get(session, conversation_id, by=principal)
    data = FeedbackIn.model_validate({"turn_id": turn_id, "verdict": verdict})
    service.feedback(session, conversation, data, now=now)
    if not _htmx(request):
        return RedirectResponse("/portal/chat", status_code=303)
    return render(request, "portal/chat_feedback.html", verdict=data.verdict)
