"""Web chat (issue #7 part 6): a subscriber's chat is a contact of the channel they came
from — `web` from the portal, `app` or `wechat` when the robot of those channels hands
over — queued and offered by the routing engine like any other; the agent takes several
within their chat capacity (the engine counts web/app/WeChat in one chat class). A
subscriber has one chat at a time, whichever channel it started on.

Every message is a ChatMessage row: the transcript of the contact, the cursor a socket
resumes from after a reconnect or a restart, and what another server process reads. When
the agent opens or links a ticket, the transcript so far goes on the ticket's history as an
internal note (through tickets.service); later lines follow when the chat ends.
Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.models import AgentProfile
from kefu.core.clock import local
from kefu.core.errors import Conflict, InvalidInput
from kefu.identity.roles import Principal
from kefu.routing import chat_offers, chat_typing, config_service, service, transfer_service
from kefu.routing import chat_repository as repo
from kefu.routing.chat_errors import ChatEnded, ChatNotAnswered, ChatNotFound, InvalidChatMessage
from kefu.routing.chat_models import ChatMessage
from kefu.routing.models import RoutingContact
from kefu.routing.state import channel_class
from kefu.tickets import service as tickets
from kefu.tickets.schemas import TicketCreate

CHANNEL = "web"  # the portal's own live chat
# The chat channels and how a transcript names them.
CHAT_LABELS = {"web": "网页在线会话", "app": "App 在线会话", "wechat": "微信在线会话"}
MAX_MESSAGE_CHARS = 2000
SENDER_LABELS = {"customer": "客户", "agent": "坐席", "robot": "机器人", "system": "系统"}


class _ChatService(Principal):
    """Writes the rest of a transcript when the customer, not an agent, ends the chat."""

    @property
    def actor(self) -> str:
        return "routing:web_chat"


CHAT_SERVICE = _ChatService(kind="staff", name="网页在线会话")


@dataclass(frozen=True)
class PriorLine:
    """A line said before the chat existed (the robot conversation of a hand-over)."""

    sender: str  # customer | robot
    text: str
    at: datetime


def _clean(text: str) -> str:
    message = (text or "").strip()
    if not message:
        raise InvalidChatMessage("消息不能为空", "The message is empty")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InvalidChatMessage(f"消息太长（{len(message)} 字），请分几条发送，每条不超过 {MAX_MESSAGE_CHARS} 字",
                                 f"The message is too long ({len(message)} characters); send at most "
                                 f"{MAX_MESSAGE_CHARS} per message")
    return message


def _add(session: Session, contact_id: int, *, sender: str, author: str, name: str, text: str, now: datetime,
         origin: str = "chat") -> ChatMessage:
    message = ChatMessage(contact_id=contact_id, sender=sender, author=author, display_name=name[:60], text=text,
                          origin=origin, created_at=now)
    session.add(message)
    session.flush()
    return message


def add_system_line(session: Session, contact_id: int, *, text: str, now: datetime) -> ChatMessage:
    """A line of the system itself (queue notices, the silence prompt, why a chat ended)."""
    return _add(session, contact_id, sender="system", author="routing", name="系统", text=text, now=now)


def label(contact: RoutingContact) -> str:
    """"微信在线会话 #12": how notes and transcripts name the chat."""
    return f"{CHAT_LABELS.get(contact.channel, CHAT_LABELS[CHANNEL])} #{contact.id}"


def write_rest_of_transcript(session: Session, contact: RoutingContact, *, now: datetime) -> None:
    """The lines not yet on the linked ticket go there (a chat the system ended)."""
    _write_transcript(session, contact, by=CHAT_SERVICE, now=now, title=f"{label(contact)} 结束，其余记录：")


def active_chat(session: Session, subscriber_id: int) -> RoutingContact | None:
    """The subscriber's chat that is still waiting or talking, if any (of any chat channel:
    a chat handed over from the app goes on in the portal's live chat)."""
    row = repo.latest_chat_of_subscriber(session, subscriber_id)
    return row if row is not None and row.state in repo.ACTIVE else None


def latest_chat(session: Session, subscriber_id: int) -> RoutingContact | None:
    return repo.latest_chat_of_subscriber(session, subscriber_id)


def start_chat(
    session: Session, *, subscriber_id: int, now: datetime, channel: str = CHANNEL,
    attrs: dict[str, Any] | None = None, prior: list[PriorLine] | None = None, ticket_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> RoutingContact:
    """Queues the subscriber's chat on `channel` (web, app or wechat: where the customer came
    from) or returns the one already open, and routes it. Lines said to the robot come first
    in the transcript. Raises NoWorkflow while routing has no workflow (the caller decides
    what to do then)."""
    if channel not in CHAT_LABELS:
        raise InvalidInput(f"未知的在线会话渠道：{channel}（可用：{'、'.join(CHAT_LABELS)}）",
                           f"Unknown chat channel: {channel} (use one of {', '.join(CHAT_LABELS)})",
                           code="unknown_chat_channel")
    row = active_chat(session, subscriber_id)
    if row is None:
        row = service.receive_contact(session, channel=channel, now=now, attrs=attrs, subscriber_id=subscriber_id,
                                      ticket_id=ticket_id, context=context)
        fresh = True
    else:
        fresh = False
        if ticket_id is not None and row.ticket_id is None:
            row.ticket_id = ticket_id
    for line in prior or []:
        name = "智能客服机器人" if line.sender == "robot" else "客户"
        _add(session, row.id, sender=line.sender, author="robot" if line.sender == "robot" else f"subscriber:{subscriber_id}",
             name=name, text=line.text, now=line.at, origin="robot")
    if fresh or prior:
        _add(session, row.id, sender="system", author="routing", name="系统",
             text="已为您接入人工服务排队，坐席接入后会在这里回复您，请稍候。", now=now)
    return row


def get_chat(session: Session, contact_id: int) -> RoutingContact:
    row = service.get_contact(session, contact_id)
    if channel_class(row.channel) != "chat":
        raise ChatNotFound(contact_id)
    return row


def post_customer_message(session: Session, contact: RoutingContact, *, text: str, now: datetime) -> ChatMessage:
    message = _clean(text)
    if contact.state not in repo.ACTIVE:
        raise ChatEnded(contact.id)
    chat_typing.clear(session, contact.id, "customer")
    return _add(session, contact.id, sender="customer", author=f"subscriber:{contact.subscriber_id}", name="客户",
                text=message, now=now)


def _agent_chat(session: Session, contact_id: int, agent: AgentProfile) -> RoutingContact:
    row = get_chat(session, contact_id)
    if row.state in ("ended", "abandoned"):
        raise ChatEnded(contact_id)
    if row.state != "assigned" or row.agent_id != agent.id:
        raise ChatNotAnswered(contact_id)
    return row


def post_agent_message(session: Session, contact_id: int, *, agent: AgentProfile, text: str,
                       now: datetime) -> ChatMessage:
    message = _clean(text)
    row = _agent_chat(session, contact_id, agent)
    chat_typing.clear(session, row.id, "agent")
    return _add(session, row.id, sender="agent", author=f"agent:{agent.id}", name=agent.display_name, text=message, now=now)


def customer_typing(session: Session, contact: RoutingContact, *, now: datetime) -> None:
    """The customer is typing (ephemeral: see chat_typing); ignored once the chat ended."""
    if contact.state in repo.ACTIVE:
        chat_typing.mark(session, contact.id, "customer", now=now)


def agent_typing(session: Session, contact_id: int, *, agent: AgentProfile, now: datetime) -> None:
    row = _agent_chat(session, contact_id, agent)
    chat_typing.mark(session, row.id, "agent", now=now)


def typing_in(session: Session, contact_ids: list[int], *, now: datetime) -> dict[int, set[str]]:
    return chat_typing.typing_in(session, contact_ids, now=now)


def accept_chat(session: Session, contact_id: int, *, agent: AgentProfile, offer_seq: int, now: datetime) -> RoutingContact:
    """The agent takes an offered chat (one accept wins); the customer is told who answers."""
    get_chat(session, contact_id)
    row = service.accept(session, contact_id, agent=agent, offer_seq=offer_seq, now=now)
    chat_offers.taken(session, agent.id)
    _add(session, row.id, sender="system", author="routing", name="系统",
         text=f"坐席 {agent.display_name}（工号 {agent.employee_no}）为您服务。", now=now)
    return row


def set_presence(session: Session, agent: AgentProfile, *, to: str, reason: str | None, now: datetime) -> None:
    """The agent's own presence change from the chat desk; once ready, waiting chats are offered."""
    agents.change_presence(session, agent, to=to, reason=reason, now=now)
    if agent.presence == "ready":
        service.dispatch_if_configured(session, now=now)


def chats_of(session: Session, agent: AgentProfile) -> list[RoutingContact]:
    """The chats offered to or handled by the agent, oldest first."""
    return repo.chats_of_agent(session, agent.id)


def ended_by_system(session: Session, agent: AgentProfile, *, now: datetime) -> list[RoutingContact]:
    """The agent's chats the system ended in the last 10 minutes, each with its reason."""
    rows = repo.ended_chats_of_agent(session, agent.id, since=now - timedelta(minutes=10))
    return [r for r in rows if (r.context or {}).get("end_reason")]


def messages(session: Session, contact_id: int, *, after_id: int = 0) -> list[ChatMessage]:
    return repo.messages(session, contact_id, after_id=after_id)


def messages_of(session: Session, contact_ids: list[int], *, after_id: int = 0) -> list[ChatMessage]:
    return repo.messages_of(session, contact_ids, after_id=after_id)


def transcript_text(session: Session, contact: RoutingContact, *, after_id: int = 0) -> str:
    """The transcript as the ticket's history shows it, one line per message."""
    lines = []
    for m in repo.messages(session, contact.id, after_id=after_id):
        who = SENDER_LABELS.get(m.sender, m.sender)
        if m.sender == "agent":
            who = f"坐席 {m.display_name}"
        lines.append(f"[{local(m.created_at):%m-%d %H:%M:%S}] {who}：{m.text}")
    return "\n".join(lines)


def _write_transcript(session: Session, contact: RoutingContact, *, by: Principal, now: datetime, title: str) -> None:
    upto = int((contact.context or {}).get("transcript_upto", 0))
    rows = repo.messages(session, contact.id, after_id=upto)
    if contact.ticket_id is None or not rows:
        return
    body = transcript_text(session, contact, after_id=upto)
    try:
        # Notes are bounded; a very long chat goes on in further notes rather than being cut.
        for start in range(0, len(body), 18_000):
            tickets.add_note(session, contact.ticket_id, text=f"{title}\n{body[start:start + 18_000]}", by=by, now=now)
    except Conflict as error:
        # A ticket closed meanwhile takes no notes; the chat still ends, its transcript stays
        # on the contact, and the reason is kept where the agent's page shows it.
        contact.context = {**(contact.context or {}), "transcript_not_on_ticket": error.message("zh")}
        session.flush()
        return
    contact.context = {**(contact.context or {}), "transcript_upto": rows[-1].id}
    session.flush()


def open_ticket(session: Session, contact_id: int, *, agent: AgentProfile, by: Principal, core_demand: str,
                type: str = "consultation", category: str | None = None, now: datetime) -> int:
    """Opens a ticket for the chatting subscriber with the transcript so far on its history."""
    row = _agent_chat(session, contact_id, agent)
    if row.subscriber_id is None:
        raise InvalidChatMessage("该会话没有关联用户，无法建单", "This chat has no subscriber to open a ticket for")
    ticket, _ = tickets.open_ticket(session, TicketCreate(
        type=type, subscriber_id=row.subscriber_id, channel=row.channel if row.channel in CHAT_LABELS else CHANNEL,
        core_demand=core_demand.strip()[:400] or "在线咨询", description=f"来自{label(row)}", category=category,
        characteristics={"chat_contact_id": row.id},
    ), by=by, now=now)
    row.ticket_id = ticket.id
    row.context = {**(row.context or {}), "ticket_id": ticket.id}
    _write_transcript(session, row, by=by, now=now, title=f"{label(row)} 记录：")
    return ticket.id


def link_ticket(session: Session, contact_id: int, *, agent: AgentProfile, by: Principal, ticket_id: int,
                now: datetime) -> int:
    """Links an existing ticket (it must exist and be visible to the agent); the transcript
    so far goes on its history."""
    row = _agent_chat(session, contact_id, agent)
    tickets.get_ticket(session, ticket_id, viewer=by)  # NotFound for a wrong number
    row.ticket_id = ticket_id
    row.context = {**(row.context or {}), "ticket_id": ticket_id, "transcript_upto": 0}
    _write_transcript(session, row, by=by, now=now, title=f"{label(row)} 记录：")
    return ticket_id


def end_by_agent(session: Session, contact_id: int, *, agent: AgentProfile, by: Principal, now: datetime) -> RoutingContact:
    """The agent ends the chat: the contact is closed (wrap-up once it was their last) and
    the rest of the transcript goes on the linked ticket."""
    row = _agent_chat(session, contact_id, agent)
    _add(session, row.id, sender="system", author=by.actor, name="系统", text="坐席已结束本次会话，感谢您的咨询。", now=now)
    service.complete(session, row.id, agent=agent, now=now)
    _write_transcript(session, row, by=by, now=now, title=f"{label(row)} 结束，其余记录：")
    service.dispatch_if_configured(session, now=now)  # the freed chat slot takes the next waiting chat
    return row


def end_by_customer(session: Session, contact: RoutingContact, *, now: datetime) -> RoutingContact:
    """The customer leaves: still waiting → abandoned; talking → ended as handled."""
    if contact.state not in repo.ACTIVE:
        raise ChatEnded(contact.id)
    _add(session, contact.id, sender="system", author=f"subscriber:{contact.subscriber_id}", name="系统",
         text="客户已结束会话。", now=now)
    if contact.state == "assigned" and contact.agent_id is not None:
        agent = agents.get_agent(session, contact.agent_id)
        row = service.complete(session, contact.id, agent=agent, now=now)
        _write_transcript(session, row, by=CHAT_SERVICE, now=now, title=f"{label(row)} 结束，其余记录：")
        service.dispatch_if_configured(session, now=now)
        return row
    return service.abandon(session, contact.id, now=now)


def callback_for_visitor(session: Session, *, number: str, now: datetime, context: dict[str, Any]) -> RoutingContact:
    """A callback appointment for someone we cannot chat with (not logged in): the queue is
    the one the workflow gives a callback, the conversation travels in the context.
    Raises InvalidCallbackNumber for a number we cannot call, NoWorkflow without routing."""
    _, workflow = config_service.active_workflow(session)
    queue = workflow.filter_for({"channel": "callback", "kind": "callback"}).steps[0].queue
    return transfer_service.register_callback(session, queue=queue, number=number, now=now,
                                              attrs={"channel": "callback"}, context=context)
