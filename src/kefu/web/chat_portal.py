"""The portal's live chat with a human agent (/portal/livechat): the page, and the
subscriber's WebSocket (/portal/livechat/ws).

The page renders the transcript so far (so a reload, or a restart of the server, shows
everything); the socket then sends only messages after the page's last id and takes the
subscriber's frames: {"type": "start"}, {"type": "send", "text": …}, {"type": "end"},
{"type": "typing"} (throttled by the widget; see routing.chat_typing). Opening the socket
and closing it tell routing the customer is there or gone, and while open it beats, so a
socket whose server process dies is noticed too (routing.chat_upkeep).
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi.responses import Response

from kefu.api.deps import Authorize, DbSession
from kefu.core.clock import local
from kefu.identity.roles import Principal, Role
from kefu.routing import chat, chat_upkeep
from kefu.routing.chat_errors import ChatEnded, ChatNotFound
from kefu.routing.chat_models import ChatMessage
from kefu.routing.models import RoutingContact
from kefu.web.chat_socket import AuthorizeSocket, acting_on, hub_of, in_transaction, pump
from kefu.web.rendering import language, render

router = APIRouter(include_in_schema=False)

SUBSCRIBER = Authorize(Role.SUBSCRIBER)
SUBSCRIBER_SOCKET = AuthorizeSocket(Role.SUBSCRIBER)


def message_frame(m: ChatMessage) -> dict[str, Any]:
    return {"id": m.id, "contact_id": m.contact_id, "sender": m.sender, "name": m.display_name, "text": m.text,
            "origin": m.origin, "at": m.created_at.isoformat(), "time": f"{local(m.created_at):%H:%M}"}


def contact_frame(row: RoutingContact | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "state": row.state, "ticket_id": row.ticket_id}


@router.get("/portal/livechat")
def livechat_page(request: Request, session: DbSession, principal: Principal = Depends(SUBSCRIBER)) -> Response:
    row = chat.latest_chat(session, principal.subscriber_id or 0)
    messages = chat.messages(session, row.id) if row is not None else []
    return render(request, "portal/livechat.html", contact=row, messages=messages,
                  last_id=messages[-1].id if messages else 0, max_chars=chat.MAX_MESSAGE_CHARS)


@router.websocket("/portal/livechat/ws")
async def livechat_socket(websocket: WebSocket, principal: Principal = Depends(SUBSCRIBER_SOCKET)) -> None:
    subscriber_id = principal.subscriber_id or 0
    hub, lang = hub_of(websocket), language(websocket)  # type: ignore[arg-type]
    await websocket.accept()
    seen: dict[str, Any] = {"contact": None, "state": None, "typing": False, "cursor": int(websocket.query_params.get("after") or 0)}
    beat: dict[str, Any] = {"contact": None, "at": None}  # this socket's last "still open" (chat_upkeep)

    def keys() -> set[str]:
        return {f"subscriber:{subscriber_id}"} | ({f"contact:{seen['contact']}"} if seen["contact"] else set())

    def load(session, now):
        row = chat.latest_chat(session, subscriber_id)
        same = row is not None and (row.id == seen["contact"] or seen["contact"] is None)
        cursor = seen["cursor"] if same else 0
        new = chat.messages(session, row.id, after_id=cursor) if row is not None else []
        typing = row is not None and "agent" in chat.typing_in(session, [row.id], now=now).get(row.id, set())
        if row is not None:
            chat_upkeep.still_here(session, row, now=now)  # another tab of the customer closed, this one is open
            if beat["contact"] != row.id or now - beat["at"] >= chat_upkeep.SOCKET_BEAT:
                chat_upkeep.socket_beat(session, row, now=now)
                beat.update(contact=row.id, at=now)
        return contact_frame(row), [message_frame(m) for m in new], typing

    async def push() -> None:
        contact, new, typing = await in_transaction(websocket, load)
        contact_id, state = (contact or {}).get("id"), (contact or {}).get("state")
        if contact_id != seen["contact"] or state != seen["state"] or new or typing != seen["typing"]:
            reset = seen["contact"] is not None and contact_id != seen["contact"]
            seen.update(contact=contact_id, state=state, typing=typing,
                        cursor=new[-1]["id"] if new else seen["cursor"])
            await websocket.send_json({"type": "chat", "contact": contact, "messages": new, "reset": reset,
                                       "typing": typing})

    def act(frame: dict[str, Any]):
        def work(session, now) -> set[str]:
            kind = frame.get("type")
            if kind == "typing":
                row = chat.active_chat(session, subscriber_id)
                if row is None:
                    return set()  # nothing to show it in; not worth an error while typing
                chat.customer_typing(session, row, now=now)
                return {f"contact:{row.id}"}
            if kind == "start":
                row = chat.start_chat(session, subscriber_id=subscriber_id, now=now, attrs={"channel": chat.CHANNEL})
            else:
                row = chat.active_chat(session, subscriber_id)
                if row is None:
                    row = chat.latest_chat(session, subscriber_id)
                    if row is None:
                        raise ChatNotFound("-")
                    raise ChatEnded(row.id)
                if kind == "send":
                    chat.post_customer_message(session, row, text=str(frame.get("text") or ""), now=now)
                elif kind == "end":
                    chat.end_by_customer(session, row, now=now)
            # Agent sockets re-read their list when woken: a new, ended or re-offered chat.
            return {f"contact:{row.id}", "agents"}
        return work

    handle = acting_on(websocket, hub=hub, lang=lang, act=act)

    def arrived(session, now) -> None:
        chat_upkeep.customer_connected(session, subscriber_id, now=now)

    def left(session, now) -> None:
        chat_upkeep.customer_disconnected(session, subscriber_id, now=now)

    await in_transaction(websocket, arrived)
    try:
        await pump(websocket, hub=hub, keys=keys, push=push, handle=handle)
    finally:
        # The clock of "gone without coming back" starts now (see routing.chat_upkeep);
        # shielded, since a server closing the socket cancels this task.
        with anyio.CancelScope(shield=True):
            await in_transaction(websocket, left)
        hub.notify({f"contact:{seen['contact']}"} if seen["contact"] else set())
