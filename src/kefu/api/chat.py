"""Web chat transcripts for staff (/api/v1/chats/{contact_id}/messages): every line of a
chat contact, the robot conversation of a hand-over first. Reading is staff-only; the
chat itself runs over the WebSockets of kefu.web.chat_portal and kefu.web.chat_agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from kefu.api.deps import STAFF, Authorize, DbSession
from kefu.identity.roles import Principal
from kefu.routing import chat

router = APIRouter(prefix="/api/v1/chats", tags=["chat"])

READ = Authorize(*STAFF)


class ChatMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contact_id: int
    sender: str
    display_name: str
    text: str
    origin: str
    created_at: datetime


@router.get("/{contact_id}/messages", response_model=list[ChatMessageOut])
def transcript(contact_id: int, session: DbSession, after_id: int = 0, _: Principal = Depends(READ)) -> list[Any]:
    chat.get_chat(session, contact_id)  # 404 for a contact that is not a chat
    return chat.messages(session, contact_id, after_id=after_id)
