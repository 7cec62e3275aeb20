"""The supervisor's read-only view of web chat (/chats/monitor): the waiting queue, who
handles which chat, today's figures (abandoned ones counted apart), and any chat's
transcript (/chats/monitor/{contact_id}). It only reads; taking or ending a chat stays
with the agents on /chats. Refreshed by htmx every few seconds."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.agents import service as agents
from kefu.agents.errors import AgentNotFound
from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.clock import local
from kefu.customers import service as customers
from kefu.identity.roles import Principal, Role
from kefu.routing import chat, chat_upkeep
from kefu.routing import chat_repository as chat_rows
from kefu.routing.models import RoutingContact
from kefu.web.rendering import render

router = APIRouter(include_in_schema=False)

MONITOR = Authorize(Role.SUPERVISOR)
REFRESH_SECONDS = 5
STATES = {"queued": "排队中", "offered": "振铃", "assigned": "会话中", "ended": "已结束", "abandoned": "已放弃"}
CHANNELS = {"web": "网页", "app": "App", "wechat": "微信"}


def _start_of_day(now: datetime) -> datetime:
    day = local(now)
    return datetime.combine(day.date(), time(0), tzinfo=day.tzinfo)


def _row(session, row: RoutingContact, now: datetime, agent_names: dict[int, str]) -> dict[str, Any]:
    customer = customers.get_subscriber(session, row.subscriber_id) if row.subscriber_id else None
    agent_name = ""
    if row.agent_id is not None:
        if row.agent_id not in agent_names:
            try:
                agent_names[row.agent_id] = agents.get_agent(session, row.agent_id).display_name
            except AgentNotFound:
                agent_names[row.agent_id] = f"#{row.agent_id}"
        agent_name = agent_names[row.agent_id]
    return {"id": row.id, "state": row.state, "queue": row.queue_name or "", "agent": agent_name,
            "channel": CHANNELS.get(row.channel, row.channel),
            "customer": f"{customer.name_masked} {customer.number_masked}" if customer else "",
            "waited": int((now - row.arrived_at).total_seconds()), "ticket_id": row.ticket_id,
            "left": bool((row.context or {}).get("customer_left_at")),
            "prompted": bool((row.context or {}).get("silence_prompted_at")),
            "outcome": row.outcome or "", "end_reason": (row.context or {}).get("end_reason") or "",
            "ended": f"{local(row.ended_at):%H:%M}" if row.ended_at else ""}


@router.get("/chats/monitor")
def chat_monitor(request: Request, session: DbSession, now: Now, principal: Principal = Depends(MONITOR)) -> Response:
    names: dict[int, str] = {}
    rows = [_row(session, r, now, names) for r in chat_rows.active_chats(session)]
    since = _start_of_day(now)
    context = {
        "waiting": [r for r in rows if r["state"] in ("queued", "offered")],
        "talking": [r for r in rows if r["state"] == "assigned"],
        "ended": [_row(session, r, now, names) for r in chat_rows.recently_ended(session, since=since)],
        "figures": chat_upkeep.figures(session, since=since, until=since + timedelta(days=1)),
        "refresh": REFRESH_SECONDS,
    }
    template = "chat/_monitor.html" if "hx-request" in request.headers else "chat/monitor.html"
    return render(request, template, **context)


@router.get("/chats/monitor/{contact_id}")
def chat_transcript(request: Request, contact_id: int, session: DbSession,
                    principal: Principal = Depends(MONITOR)) -> Response:
    row = chat.get_chat(session, contact_id)  # 404 page for a contact that is not a chat
    return render(request, "chat/transcript.html", contact=row, messages=chat.messages(session, row.id),
                  end_reason=(row.context or {}).get("end_reason"), state=STATES.get(row.state, row.state),
                  channel=CHANNELS.get(row.channel, row.channel))
