"""Tickets the robot opens: a fault report, and the ticket a hand-over leaves for the
human, each with the whole conversation attached as an internal note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.identity.roles import Principal
from kefu.nlp import intake as nlp
from kefu.robot import answers, dialogue, repository
from kefu.robot.models import Conversation
from kefu.routing import chat
from kefu.routing.config_service import NoWorkflow
from kefu.routing.errors import InvalidCallbackNumber
from kefu.tickets import service as tickets
from kefu.tickets import taxonomy
from kefu.tickets.schemas import TicketCreate

# The portal is the web channel of the ticket vocabulary, and of the chat a hand-over queues.
TICKET_CHANNEL = {"app": "app", "wechat": "wechat", "web": "web", "portal": "web"}
WAITING_NOTE = "已转人工，等待坐席接入（在线客服路由尚未配置：请坐席回电或在工单中跟进）。"
CHAT_NOTE = "已转人工：{} 已排队，坐席接入后在会话中继续服务（会话记录从机器人对话开始）。"
ASKING_NUMBER = "callback_number"


class _Robot(Principal):
    """The robot writing its notes: not a person, so not a staff reply the clocks count."""

    @property
    def actor(self) -> str:
        return "robot"


ROBOT = _Robot(kind="staff", name="智能客服机器人")


def transcript(session: Session, conversation: Conversation) -> str:
    lines = [f"机器人会话 #{conversation.id}（渠道：{conversation.channel}）对话记录："]
    for turn in repository.turns(session, conversation.id):
        who = "客户" if turn.speaker == "customer" else "机器人"
        lines.append(f"[{local(turn.created_at):%m-%d %H:%M:%S}] {who}：{turn.text}")
    return "\n".join(lines)[:19_000]


def _first_question(session: Session, conversation: Conversation) -> str:
    for turn in repository.turns(session, conversation.id):
        if turn.speaker == "customer" and turn.text:
            return turn.text[:200]
    return "在线咨询"


def _category(session: Session, conversation: Conversation) -> str:
    """What the conversation was about: the task's or answer's category, else the nlp
    classifier's reading of what the customer wrote (packaged model and rules)."""
    known = (conversation.state or {}).get("category")
    if known:
        return str(known)
    said = " ".join(t.text for t in repository.turns(session, conversation.id) if t.speaker == "customer")
    result = nlp.classify(said[:2000])
    return result.category if result.rejected is None and result.category in taxonomy.CATEGORIES else "other"


def file_fault(session: Session, conversation: Conversation, slots: dict[str, str], *, now: datetime) -> str:
    """Opens the fault ticket for the conversation's subscriber; returns its number."""
    assert conversation.subscriber_id is not None
    kind = slots["kind"]
    label = dialogue.FAULT_KINDS[kind]
    description = (f"故障业务：{label}\n开始时间：{slots['since']}\n故障地址：{slots['address']}\n"
                   f"方便联系时间：{slots['contact_time']}\n（由智能客服机器人受理）")
    ticket, _ = tickets.open_ticket(
        session,
        TicketCreate(
            type="fault", subscriber_id=conversation.subscriber_id, channel=TICKET_CHANNEL[conversation.channel],
            core_demand=f"{label}故障报修：{_first_question(session, conversation)}"[:400], description=description,
            category="mobile_network" if kind == "mobile" else "broadband",
            characteristics={"fault_kind": kind, "since": slots["since"], "address": slots["address"],
                             "contact_time": slots["contact_time"], "robot_conversation_id": conversation.id},
        ),
        by=answers.subscriber_principal(conversation.subscriber_id), now=now,
    )
    tickets.add_note(session, ticket.id, text=transcript(session, conversation), by=ROBOT, now=now)
    return ticket.number


@dataclass(frozen=True)
class HandOver:
    """What a hand-over left for a human: the ticket, the queued chat, a callback."""

    ticket_number: str | None = None
    chat_contact_id: int | None = None
    callback_number: str | None = None
    asking_number: bool = False  # anonymous, no number yet: the robot asks for one


def _prior_lines(session: Session, conversation: Conversation) -> list[chat.PriorLine]:
    return [chat.PriorLine("customer" if t.speaker == "customer" else "robot", t.text, t.created_at)
            for t in repository.turns(session, conversation.id) if t.text]


def _closed(conversation: Conversation, reason: str, now: datetime) -> None:
    conversation.status, conversation.closed_at, conversation.updated_at = "handed_over", now, now
    state = {k: v for k, v in (conversation.state or {}).items() if k != "asking"}
    conversation.state = {**state, "handover_reason": reason}


def hand_over(session: Session, conversation: Conversation, *, reason: str, complaint: bool, now: datetime) -> HandOver:
    """Hands the conversation to a human. A logged-in subscriber gets a consultation (or
    complaint) ticket carrying the whole conversation and a chat queued for an agent on the
    channel the customer came from (app, WeChat or web), with the conversation as the start
    of its transcript. A visitor who is not logged in
    gets a callback appointment carrying the conversation when they gave a number, else
    the robot asks for one (the conversation stays open for the answer)."""
    if conversation.subscriber_id is None:
        return _visitor_hand_over(session, conversation, reason=reason, now=now)
    _closed(conversation, reason, now)
    category = _category(session, conversation)
    ticket, _ = tickets.open_ticket(
        session,
        TicketCreate(
            type="complaint" if complaint else "consultation", subscriber_id=conversation.subscriber_id,
            channel=TICKET_CHANNEL[conversation.channel],
            core_demand=f"在线客服转人工：{_first_question(session, conversation)}"[:400],
            description=f"转人工原因：{reason}", category=category,
            emotion="angry" if complaint and "情绪" in reason else "calm",
            emotion_intensity=4 if complaint and "情绪" in reason else 0,
            characteristics={"robot_conversation_id": conversation.id, "handover_reason": reason},
        ),
        by=answers.subscriber_principal(conversation.subscriber_id), now=now,
    )
    conversation.ticket_id = ticket.id
    try:
        contact = chat.start_chat(session, subscriber_id=conversation.subscriber_id, now=now, ticket_id=ticket.id,
                                  channel=TICKET_CHANNEL[conversation.channel],
                                  prior=_prior_lines(session, conversation), attrs={"category": category},
                                  context={"robot_conversation_id": conversation.id, "handover_reason": reason})
    except NoWorkflow:
        contact = None  # routing not set up yet: the ticket is the trace an agent acts on
    waiting = WAITING_NOTE if contact is None else CHAT_NOTE.format(chat.label(contact))
    tickets.add_note(session, ticket.id, text=f"{waiting}\n转人工原因：{reason}\n\n{transcript(session, conversation)}",
                     by=ROBOT, now=now)
    if contact is not None:
        conversation.state = {**conversation.state, "chat_contact_id": contact.id}
    return HandOver(ticket_number=ticket.number, chat_contact_id=contact.id if contact is not None else None)


def _visitor_hand_over(session: Session, conversation: Conversation, *, reason: str, now: datetime) -> HandOver:
    numbers = [n for t in repository.turns(session, conversation.id) if t.speaker == "customer"
               for n in dialogue.phone_numbers(t.text)]
    if not numbers:
        conversation.state = {**(conversation.state or {}), "asking": ASKING_NUMBER, "handover_reason": reason}
        conversation.updated_at = now
        return HandOver(asking_number=True)
    return take_callback_number(session, conversation, numbers[-1], now=now)


def take_callback_number(session: Session, conversation: Conversation, number: str, *, now: datetime) -> HandOver:
    """Registers the visitor's callback with the whole conversation; a number we cannot
    call (InvalidCallbackNumber) leaves the conversation open to ask again."""
    reason = str((conversation.state or {}).get("handover_reason") or "客户要求转人工")
    try:
        callback = chat.callback_for_visitor(session, number=number, now=now, context={
            "robot_conversation_id": conversation.id, "handover_reason": reason,
            "transcript": transcript(session, conversation),
        })
    except InvalidCallbackNumber:
        return HandOver(asking_number=True)
    except NoWorkflow:
        _closed(conversation, reason, now)
        return HandOver()
    _closed(conversation, reason, now)
    conversation.state = {**conversation.state, "callback_contact_id": callback.id}
    return HandOver(callback_number=callback.callback_number)
