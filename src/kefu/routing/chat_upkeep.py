"""Chats whose customer has gone (the worker's `chat_upkeep` job, every few seconds).

- Waiting (queued or offered): the customer's socket closed and did not come back within
  `abandon_after_disconnect`, or they said nothing for `abandon_waiting_idle` — the chat
  is abandoned and its place (and the offered agent's slot) is freed.
- In a chat: the agent spoke last and the customer has been silent for `prompt_silent` —
  a polite prompt; still silent `end_after_prompt` later — the chat ends, outcome
  abandoned, so the figures count it so, and the agent's desk shows why.
The reason is kept in the contact's context (`end_reason`). Safe to run twice and from two
workers at once (the chats are claimed with SKIP LOCKED). Services flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.core.events import record
from kefu.routing import chat, chat_settings, chat_typing, service
from kefu.routing import chat_repository as repo
from kefu.routing.events import ContactEnded
from kefu.routing.models import RoutingContact

LEFT_WAITING = "客户已离开（断线未返回），排队已取消"
IDLE_WAITING = "客户长时间未发送消息，排队已取消"
SILENT_IN_CHAT = "客户长时间未回复，会话已自动结束"


def _context(row: RoutingContact, **changes: object) -> None:
    context = {**(row.context or {}), **changes}
    row.context = {k: v for k, v in context.items() if v is not None}


def customer_connected(session: Session, subscriber_id: int) -> None:
    """The customer's widget is (back) on line: a pending departure is forgotten."""
    row = chat.active_chat(session, subscriber_id)
    if row is not None and (row.context or {}).get("customer_left_at"):
        _context(row, customer_left_at=None)
        session.flush()


def still_here(session: Session, row: RoutingContact) -> None:
    """An open socket of the customer: a departure noted by another of their tabs is void."""
    if row.state in repo.ACTIVE and (row.context or {}).get("customer_left_at"):
        _context(row, customer_left_at=None)
        session.flush()


def customer_disconnected(session: Session, subscriber_id: int, *, now: datetime) -> None:
    row = chat.active_chat(session, subscriber_id)
    if row is not None:
        _context(row, customer_left_at=now.isoformat())
        chat_typing.clear(session, row.id, "customer")
        session.flush()


def _abandon_waiting(session: Session, row: RoutingContact, reason: str, now: datetime) -> None:
    chat.add_system_line(session, row.id, text=f"{reason}。如需帮助请重新发起会话。", now=now)
    _context(row, end_reason=reason)
    service.abandon(session, row.id, now=now)


def _end_silent(session: Session, row: RoutingContact, now: datetime) -> None:
    """Ends a chat in progress as abandoned: the agent's slot is freed, wrap-up as usual."""
    chat.add_system_line(session, row.id, text="由于您长时间未回复，本次会话已自动结束。如需帮助请重新发起会话。", now=now)
    agent = agents.get_agent(session, row.agent_id or 0)
    row = service.assigned_to(session, row.id, agent)
    row.state, row.ended_at, row.outcome = "ended", now, "abandoned"
    _context(row, end_reason=SILENT_IN_CHAT)
    session.flush()
    service.after_contact(session, agent, now=now)
    record(session, ContactEnded(row.id, agent.id, "abandoned", now), now=now)
    chat.write_rest_of_transcript(session, row, now=now)


def scan(session: Session, now: datetime) -> int:
    """The job: abandons, prompts and ends as above; returns how many chats it touched."""
    settings = chat_settings.current(session)
    rows = repo.active_chats(session, lock=True)
    said = repo.last_said(session, [r.id for r in rows])
    touched = freed = 0
    for row in rows:
        customer_at = max(row.arrived_at, said.get((row.id, "customer"), row.arrived_at))
        context = row.context or {}
        if row.state in ("queued", "offered"):
            left = context.get("customer_left_at")
            if left and now - datetime.fromisoformat(left) >= settings.abandon_after_disconnect:
                _abandon_waiting(session, row, LEFT_WAITING, now)
            elif now - customer_at >= settings.abandon_waiting_idle:
                _abandon_waiting(session, row, IDLE_WAITING, now)
            else:
                continue
            touched += 1
            freed += 1
            continue
        agent_at = said.get((row.id, "agent"))
        if agent_at is None or agent_at < customer_at:
            continue  # the customer spoke last: it is the agent's turn, not the customer's
        prompted = context.get("silence_prompted_at")
        prompted_at = datetime.fromisoformat(prompted) if prompted else None
        if prompted_at is not None and prompted_at >= customer_at:
            if now - prompted_at >= settings.end_after_prompt:
                _end_silent(session, row, now)
                touched += 1
                freed += 1
        elif now - agent_at >= settings.prompt_silent:
            minutes = int(settings.end_after_prompt / timedelta(minutes=1))
            chat.add_system_line(session, row.id, now=now,
                                 text=f"请问您还在吗？如果没有其他问题，本次会话将在 {minutes} 分钟后自动结束。")
            _context(row, silence_prompted_at=now.isoformat())
            session.flush()
            touched += 1
    if freed:
        service.dispatch_if_configured(session, now=now)
    return touched


def figures(session: Session, *, since: datetime, until: datetime) -> dict[str, int]:
    """Chats that arrived in the window: answered, abandoned while waiting, abandoned in the
    chat (the customer went silent), handled to the end, and still open."""
    out = {"arrived": 0, "answered": 0, "abandoned_waiting": 0, "abandoned_in_chat": 0, "handled": 0, "open": 0}
    for state, outcome, answered in repo.chats_between(session, since=since, until=until):
        out["arrived"] += 1
        out["answered"] += answered
        if outcome == "abandoned":
            out["abandoned_in_chat" if answered else "abandoned_waiting"] += 1
        elif state == "ended":
            out["handled"] += 1
        elif state in repo.ACTIVE:
            out["open"] += 1
    out["abandoned"] = out["abandoned_waiting"] + out["abandoned_in_chat"]
    return out
