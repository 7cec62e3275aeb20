"""Tickets the robot opens: a fault report, and the ticket a hand-over leaves for the
human, each with the whole conversation attached as an internal note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.core.clock import local
from kefu.identity.roles import Principal
from kefu.nlp import intake as nlp
from kefu.robot import answers, dialogue, repository
from kefu.robot.models import Conversation
from kefu.tickets import service as tickets
from kefu.tickets import taxonomy
from kefu.tickets.schemas import TicketCreate

# The portal is the web channel of the ticket vocabulary.
TICKET_CHANNEL = {"app": "app", "wechat": "wechat", "web": "web", "portal": "web"}
WAITING_NOTE = "已转人工，等待坐席接入（在线坐席的网页聊天尚未开通：请坐席回电或在工单中跟进）。"


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


def hand_over(session: Session, conversation: Conversation, *, reason: str, complaint: bool, now: datetime) -> str | None:
    """Marks the conversation handed over and, for a logged-in subscriber, opens a
    consultation (or complaint) ticket carrying the whole conversation; its number."""
    conversation.status, conversation.closed_at, conversation.updated_at = "handed_over", now, now
    state = conversation.state or {}
    conversation.state = {**state, "handover_reason": reason}
    if conversation.subscriber_id is None:
        return None
    ticket, _ = tickets.open_ticket(
        session,
        TicketCreate(
            type="complaint" if complaint else "consultation", subscriber_id=conversation.subscriber_id,
            channel=TICKET_CHANNEL[conversation.channel],
            core_demand=f"在线客服转人工：{_first_question(session, conversation)}"[:400],
            description=f"转人工原因：{reason}", category=_category(session, conversation),
            emotion="angry" if complaint and "情绪" in reason else "calm",
            emotion_intensity=4 if complaint and "情绪" in reason else 0,
            characteristics={"robot_conversation_id": conversation.id, "handover_reason": reason},
        ),
        by=answers.subscriber_principal(conversation.subscriber_id), now=now,
    )
    tickets.add_note(session, ticket.id, text=f"{WAITING_NOTE}\n转人工原因：{reason}\n\n{transcript(session, conversation)}",
                     by=ROBOT, now=now)
    conversation.ticket_id = ticket.id
    return ticket.number
