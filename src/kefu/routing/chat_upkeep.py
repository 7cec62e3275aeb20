"""Chats whose customer has gone (the worker's `chat_upkeep` job, every few seconds).

- Waiting (queued or offered): the customer's socket closed and did not come back within
  `abandon_after_disconnect`, or they said nothing for `abandon_waiting_idle` — the chat
  is abandoned and its place (and the offered agent's slot) is freed.
- In a chat: the agent spoke last and the customer has been silent for `prompt_silent` —
  a polite prompt; still silent `end_after_prompt` later — the chat ends, outcome
  abandoned, so the figures count it so, and the agent's desk shows why.
- A socket that never closed: its server process died (killed, crashed, host lost), so
  the `finally` that notes the departure never ran. Every open customer socket beats each
  SOCKET_BEAT (a ChatCustomerSocket row); a chat whose beats stopped for
  SOCKET_LOST_AFTER gets the departure written then: a line in the transcript, so the
  agent sees why the customer went quiet, and `customer_left_at` from the last beat, so
  the rules above run as for a widget closed at that moment. Back on line, the customer's
  return is written too.
  Why a beat per socket, not a registry of server processes with heartbeats: it needs no
  process identity that holds across hosts and containers (pids are reused), a hung
  process is caught like a dead one, several tabs of one customer on different processes
  keep one row fresh, and a restarted single process (SQLite) needs nothing at start-up:
  the job finds the stale rows. It costs one small write per open customer socket every
  SOCKET_BEAT.
The reason is kept in the contact's context (`end_reason`). Safe to run twice and from two
workers at once (the chats are claimed with SKIP LOCKED). Services flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.core.events import record
from kefu.routing import chat, chat_settings, chat_typing, service
from kefu.routing import chat_repository as repo
from kefu.routing.chat_models import ChatCustomerSocket
from kefu.routing.events import ContactEnded
from kefu.routing.models import RoutingContact

LEFT_WAITING = "客户已离开（断线未返回），排队已取消"
IDLE_WAITING = "客户长时间未发送消息，排队已取消"
SILENT_IN_CHAT = "客户长时间未回复，会话已自动结束"
CONNECTION_LOST = "客户连接意外中断（服务器重启或网络故障），等待客户重新连接。"
RECONNECTED = "客户已重新连接。"
SOCKET_BEAT = timedelta(seconds=15)
# Four beats missed: a slow poll (a busy thread pool) is not a lost connection.
SOCKET_LOST_AFTER = timedelta(seconds=60)


def _context(row: RoutingContact, **changes: object) -> None:
    context = {**(row.context or {}), **changes}
    row.context = {k: v for k, v in context.items() if v is not None}


def _back(session: Session, row: RoutingContact, now: datetime) -> None:
    """The customer is on line: a departure noted (a closed tab, a lost socket) is void."""
    context = row.context or {}
    if context.get("connection_lost_at"):
        chat.add_system_line(session, row.id, text=RECONNECTED, now=now)
    if context.get("customer_left_at") or context.get("connection_lost_at"):
        _context(row, customer_left_at=None, connection_lost_at=None)
        session.flush()


def customer_connected(session: Session, subscriber_id: int, *, now: datetime) -> None:
    """The customer's widget is (back) on line: a pending departure is forgotten."""
    row = chat.active_chat(session, subscriber_id)
    if row is not None:
        _back(session, row, now)
        socket_beat(session, row, now=now)


def still_here(session: Session, row: RoutingContact, *, now: datetime) -> None:
    """An open socket of the customer: a departure noted by another of their tabs is void."""
    if row.state in repo.ACTIVE:
        _back(session, row, now)


def socket_beat(session: Session, row: RoutingContact, *, now: datetime) -> None:
    """An open customer socket of this chat is alive (each socket calls this every SOCKET_BEAT)."""
    if row.state not in repo.ACTIVE:
        return
    beat = session.get(ChatCustomerSocket, row.id)
    if beat is None:
        try:
            with session.begin_nested():  # two tabs may both write the first beat
                session.add(ChatCustomerSocket(contact_id=row.id, seen_at=now))
            return
        except IntegrityError:
            beat = session.get(ChatCustomerSocket, row.id, populate_existing=True)
    if beat is not None and beat.seen_at < now:
        beat.seen_at = now
        session.flush()


def customer_disconnected(session: Session, subscriber_id: int, *, now: datetime) -> None:
    """The customer's socket closed (the widget or the tab did): the clock of "gone
    without coming back" starts now. A closed socket is not a lost one: its beat goes."""
    row = chat.active_chat(session, subscriber_id)
    if row is not None:
        _context(row, customer_left_at=now.isoformat())
        chat_typing.clear(session, row.id, "customer")
        repo.forget_customer_socket(session, row.id)
        session.flush()


def _connection_lost(session: Session, row: RoutingContact, seen_at: datetime, now: datetime) -> None:
    chat.add_system_line(session, row.id, text=CONNECTION_LOST, now=now)
    _context(row, customer_left_at=seen_at.isoformat(), connection_lost_at=now.isoformat())
    chat_typing.clear(session, row.id, "customer")
    repo.forget_customer_socket(session, row.id)
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
    beats = repo.customer_sockets(session, [r.id for r in rows])
    touched = freed = 0
    for row in rows:
        customer_at = max(row.arrived_at, said.get((row.id, "customer"), row.arrived_at))
        seen_at = beats.get(row.id)
        if seen_at is not None and now - seen_at >= SOCKET_LOST_AFTER and not (row.context or {}).get("customer_left_at"):
            _connection_lost(session, row, seen_at, now)
            touched += 1
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
    repo.forget_sockets_of_closed_chats(session)
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
