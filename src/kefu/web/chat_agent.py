"""The agent's chat desk (/chats): several web chats at once, within the agent's chat
capacity (the routing engine counts it), over the staff WebSocket /chats/ws.

Frames from the agent: presence {state, reason}, accept {contact_id, offer_seq},
send {contact_id, text}, typing {contact_id} (ephemeral, see routing.chat_typing), end {contact_id}, ticket {contact_id, core_demand} (open a ticket
with the transcript), link {contact_id, ticket_id}. The desk gets its chats (offered and
taken) and every new message of them; a chat new to the desk comes with its whole
transcript, the robot conversation of a hand-over included.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi.responses import RedirectResponse, Response

from kefu.agents import service as agents
from kefu.agents.errors import AgentNotFound
from kefu.agents.models import AgentProfile
from kefu.api.deps import Authorize, DbSession
from kefu.core.errors import InvalidInput
from kefu.customers import service as customers
from kefu.identity.roles import Principal, Role
from kefu.routing import chat
from kefu.routing.models import RoutingContact
from kefu.web.chat_portal import message_frame
from kefu.web.chat_socket import AuthorizeSocket, acting_on, hub_of, in_transaction, pump
from kefu.web.rendering import language, render

router = APIRouter(include_in_schema=False)

SEATS = (Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR)
SEAT = Authorize(*SEATS)
SEAT_SOCKET = AuthorizeSocket(*SEATS)


@router.get("/chats")
def chat_desk(request: Request, session: DbSession, principal: Principal = Depends(SEAT)) -> Response:
    if Role.SUPERVISOR in principal.roles:
        try:
            _agent(session, principal)
        except AgentNotFound:  # a supervisor who takes no chats watches them instead (read-only)
            return RedirectResponse("/chats/monitor", status_code=303)
    return render(request, "chat/desk.html", max_chars=chat.MAX_MESSAGE_CHARS)


def _customer(session, row: RoutingContact) -> dict[str, Any]:
    if row.subscriber_id is None:
        return {"number": "", "name": "", "vip_level": 0}
    summary = customers.get_subscriber(session, row.subscriber_id)
    return {"id": summary.id, "number": summary.number_masked, "name": summary.name_masked, "vip_level": summary.vip_level}


def _chat_frame(session, row: RoutingContact) -> dict[str, Any]:
    return {"id": row.id, "state": row.state, "offer_seq": row.offer_seq, "queue": row.queue_name, "channel": row.channel,
            "ticket_id": row.ticket_id, "arrived_at": row.arrived_at.isoformat(),
            "from_robot": bool((row.context or {}).get("robot_conversation_id")), "customer": _customer(session, row)}


def _agent(session, principal: Principal) -> AgentProfile:
    return agents.agent_for_user(session, principal.user_id or 0)


@router.websocket("/chats/ws")
async def desk_socket(websocket: WebSocket, principal: Principal = Depends(SEAT_SOCKET)) -> None:
    hub, lang = hub_of(websocket), language(websocket)  # type: ignore[arg-type]
    await websocket.accept()
    seen: dict[str, Any] = {"desk": None, "cursor": 0, "known": set(), "agent_id": None}

    def keys() -> set[str]:
        return {"agents", *(f"contact:{c}" for c in seen["known"])}

    def load(session, now):
        try:
            agent = _agent(session, principal)
        except AgentNotFound as error:
            return {"type": "error", "code": error.code, "message": error.message(lang)}, []
        rows = chat.chats_of(session, agent)
        fresh = [r.id for r in rows if r.id not in seen["known"]]
        known = [r.id for r in rows if r.id in seen["known"]]
        new = chat.messages_of(session, fresh) + chat.messages_of(session, known, after_id=seen["cursor"])
        typing = chat.typing_in(session, [r.id for r in rows], now=now)
        desk = {"type": "desk", "agent": {"id": agent.id, "name": agent.display_name, "presence": agent.presence,
                                          "capacity_chat": agent.capacity_chat},
                "chats": [_chat_frame(session, r) for r in rows],
                "typing": sorted(cid for cid, sides in typing.items() if "customer" in sides),
                # Chats the system ended lately (the customer left or went silent): the desk says why.
                "closed": [{"id": r.id, "reason": (r.context or {}).get("end_reason")}
                           for r in chat.ended_by_system(session, agent, now=now)]}
        return desk, sorted((message_frame(m) for m in new), key=lambda m: m["id"])

    async def push() -> None:
        desk, new = await in_transaction(websocket, load)
        if desk != seen["desk"] or new:
            seen["desk"] = desk
            seen["known"] = {c["id"] for c in desk.get("chats", [])}
            seen["cursor"] = max([seen["cursor"], *(m["id"] for m in new)])
            await websocket.send_json({**desk, "messages": new})

    def act(frame: dict[str, Any]):
        def work(session, now) -> set[str]:
            agent = _agent(session, principal)
            kind = frame.get("type")
            if kind == "presence":
                chat.set_presence(session, agent, to=str(frame.get("state") or ""), reason=frame.get("reason"), now=now)
                return {"agents"}
            contact_id = _int(frame.get("contact_id"))
            if kind == "typing":
                chat.agent_typing(session, contact_id, agent=agent, now=now)
                return {f"contact:{contact_id}"}
            if kind == "accept":
                row = chat.accept_chat(session, contact_id, agent=agent, offer_seq=_int(frame.get("offer_seq")), now=now)
            elif kind == "send":
                chat.post_agent_message(session, contact_id, agent=agent, text=str(frame.get("text") or ""), now=now)
                row = chat.get_chat(session, contact_id)
            elif kind == "end":
                row = chat.end_by_agent(session, contact_id, agent=agent, by=principal, now=now)
            elif kind == "ticket":
                chat.open_ticket(session, contact_id, agent=agent, by=principal, now=now,
                                 core_demand=str(frame.get("core_demand") or ""))
                row = chat.get_chat(session, contact_id)
            elif kind == "link":
                chat.link_ticket(session, contact_id, agent=agent, by=principal, ticket_id=_int(frame.get("ticket_id")),
                                 now=now)
                row = chat.get_chat(session, contact_id)
            else:
                raise InvalidInput("未知操作", "Unknown action", code="unknown_action")
            return {f"contact:{row.id}", "agents"}
        return work

    handle = acting_on(websocket, hub=hub, lang=lang, act=act)

    await pump(websocket, hub=hub, keys=keys, push=push, handle=handle)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("编号必须是数字", "The id must be a number", code="invalid_id") from None
