"""Robot use cases: start a conversation, answer a message, take feedback, hand over.

One message is one turn in: the customer's text is stored, the intent detected
(kefu.robot.dialogue), the answer built from the knowledge base or the subscriber's own
data, and the reply stored with what it was based on (article, search, confidence) so the
figures in kefu.robot.metrics can be computed from the turns alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.masking import mask_phone
from kefu.customers import service as customers
from kefu.identity.roles import Principal
from kefu.knowledge import search_service as kb
from kefu.knowledge.errors import ArticleNotAvailable
from kefu.knowledge.schemas import FeedbackIn as KbFeedbackIn
from kefu.robot import answers, dialogue, repository
from kefu.robot.answers import Answer
from kefu.robot.errors import ConversationClosed, ConversationNotFound, TurnNotFound
from kefu.robot.handover import ASKING_NUMBER, HandOver, file_fault, hand_over, take_callback_number
from kefu.robot.models import Conversation, Turn
from kefu.robot.schemas import ConversationOut, FeedbackIn, Reply, TurnOut

TASK_PROMPTS = {"fault": "我要报修", "bill": "我的本月话费", "usage": "我的流量还剩多少",
                "recommend": "推荐适合我的套餐", "progress": "我的工单进度"}
MAX_FAILURES = 3  # unsure answers in a row before the robot hands over by itself
_INTENT_CATEGORY = {"bill": "billing", "usage": "plan", "recommend": "plan", "progress": "other"}
_LOGIN_TEXT = "这需要查询您本人的账户信息，请先登录（网上营业厅用手机号和短信验证码登录）后再问我。"
_REFUSE_TEXT = ("为保护用户隐私，我只能查询您本人登录号码的信息，不能查询其他号码（包括亲友的号码）。"
                "如需办理，请机主本人登录查询，或携带机主有效证件到营业厅办理。")


def _greeting(conversation: Conversation) -> Answer:
    if conversation.subscriber_id is None:
        return Answer("greeting", "您好，我是智能客服。您可以直接输入问题，例如“怎么办理携号转网”。"
                      "登录后还可以查询话费、流量、推荐套餐、报修和查询工单进度；输入“转人工”可联系人工客服。",
                      candidates=["怎么查话费", "宽带怎么报修", "转人工"])
    return Answer("greeting", "您好，我是智能客服，可以为您查询话费账单和流量用量、推荐适合的套餐、"
                  "故障报修、查询工单进度，也可以直接问我业务问题。输入“转人工”可联系人工客服。",
                  candidates=["我的本月话费", "我的流量还剩多少", "推荐适合我的套餐", "宽带报修", "我的工单进度"])


def start(session: Session, *, channel: str, by: Principal, now: datetime) -> tuple[Conversation, Reply]:
    """A new conversation; a subscriber's is about their own account, staff test anonymously."""
    conversation = Conversation(
        channel=channel, subscriber_id=by.subscriber_id if by.kind == "subscriber" else None,
        started_by=by.actor, state={}, status="open", created_at=now, updated_at=now,
    )
    repository.add(session, conversation)
    return conversation, _say(session, conversation, _greeting(conversation), intent="greeting", now=now)


def get(session: Session, conversation_id: int, *, by: Principal, with_turns: bool = False) -> Conversation:
    """The caller's own conversation; anyone else's is 404."""
    conversation = repository.conversation(session, conversation_id, with_turns=with_turns)
    if conversation is None or conversation.started_by != by.actor:
        raise ConversationNotFound(conversation_id)
    return conversation


def latest_open(session: Session, *, by: Principal, channel: str) -> Conversation | None:
    return repository.latest_open(session, started_by=by.actor, channel=channel)


def view(session: Session, conversation: Conversation) -> ConversationOut:
    return ConversationOut(
        id=conversation.id, channel=conversation.channel, status=conversation.status,
        subscriber_id=conversation.subscriber_id, ticket_id=conversation.ticket_id,
        created_at=conversation.created_at, updated_at=conversation.updated_at, closed_at=conversation.closed_at,
        turns=[TurnOut.model_validate(t) for t in repository.turns(session, conversation.id)],
    )


def _say(
    session: Session, conversation: Conversation, answer: Answer, *, intent: str, now: datetime,
    article_id: int | None = None, search_id: int | None = None, confidence: float | None = None,
    answer_html: str | None = None,
) -> Reply:
    details: dict[str, Any] = {"candidates": answer.candidates, "actions": answer.actions}
    if answer.ticket_number:
        details["ticket_number"] = answer.ticket_number
    turn = Turn(
        conversation_id=conversation.id, speaker="robot", text=answer.text, kind=answer.type, intent=intent,
        article_id=article_id, search_id=search_id, confidence=confidence, details=details, created_at=now,
    )
    repository.add(session, turn)
    conversation.updated_at = now
    return Reply(
        turn_id=turn.id, conversation_id=conversation.id, type=answer.type, intent=intent, text=answer.text,
        answer_html=answer_html, article_id=article_id, confidence=confidence, candidates=answer.candidates,
        actions=answer.actions, ticket_number=answer.ticket_number, status=conversation.status,
    )


def _set_state(conversation: Conversation, **changes: Any) -> dict[str, Any]:
    # A new dict each time: the JSON column is not mutation-tracked.
    state = {**(conversation.state or {}), **changes}
    conversation.state = {k: v for k, v in state.items() if v is not None}
    return conversation.state


def send(session: Session, conversation: Conversation, text: str, *, now: datetime) -> Reply:
    """The robot's reply to one customer message."""
    if conversation.status != "open":
        raise ConversationClosed(conversation.status)
    message = dialogue.clean(text)
    repository.add(session, Turn(conversation_id=conversation.id, speaker="customer", text=message, kind="",
                                 intent="", details={}, created_at=now))
    if not message:
        return _say(session, conversation, Answer("invalid", "请输入您想咨询的问题，例如“怎么查话费”。"),
                    intent="empty", now=now)
    if len(message) > dialogue.MAX_QUESTION_CHARS:
        return _say(session, conversation, Answer(
            "invalid", f"您的消息有 {len(message)} 字，太长了，我看不过来。请用一两句话（不超过 "
            f"{dialogue.MAX_QUESTION_CHARS} 字）描述您的问题，或输入“转人工”。", actions=["转人工"]),
            intent="too_long", now=now)
    state = conversation.state or {}
    if state.get("asking") == ASKING_NUMBER:
        if dialogue.detect(message, task=None).intent == dialogue.CANCEL:
            _set_state(conversation, asking=None)
            return _say(session, conversation, Answer("closing", "好的，已取消。还有什么可以帮您？"), intent=dialogue.CANCEL,
                        now=now)
        return _callback_number(session, conversation, message, now=now)
    detected = dialogue.detect(message, task=state.get("task"))
    intent = detected.intent
    if intent == dialogue.OTHER_NUMBER:
        intent = _own_number_intent(session, conversation, message, task=state.get("task"))
    if detected.angry and intent != dialogue.OTHER_NUMBER:
        return _hand_over(session, conversation, reason="客户情绪激动", complaint=True, intent="angry", now=now)
    if intent == dialogue.HANDOVER:
        return _hand_over(session, conversation, reason="客户要求转人工", complaint="投诉" in message,
                          intent=intent, now=now)
    if intent == dialogue.OTHER_NUMBER:
        return _say(session, conversation, Answer("refused", _REFUSE_TEXT), intent=intent, now=now)
    if intent == dialogue.CANCEL:
        _set_state(conversation, task=None, slots=None, asking=None)
        return _say(session, conversation, Answer("closing", "好的，已取消。还有什么可以帮您？"), intent=intent, now=now)
    if intent == dialogue.THANKS:
        conversation.status, conversation.closed_at = "resolved", now
        return _say(session, conversation, Answer("closing", "不客气，很高兴为您服务！如还有问题，欢迎随时再来咨询。"),
                    intent=intent, now=now)
    if intent in dialogue.PERSONAL and conversation.subscriber_id is None:
        return _say(session, conversation, Answer("login_required", _LOGIN_TEXT), intent=intent, now=now)
    if intent in _INTENT_CATEGORY:
        _set_state(conversation, category=_INTENT_CATEGORY[intent], failures=0)
    if intent == dialogue.FAULT:
        return _fault(session, conversation, message, now=now)
    if intent == dialogue.RECOMMEND:
        return _recommend(session, conversation, message, now=now)
    subscriber_id = conversation.subscriber_id
    if intent == dialogue.BILL and subscriber_id is not None:
        answer = answers.bill(session, subscriber_id, back=dialogue.months_ago(message), now=now)
        return _say(session, conversation, answer, intent=intent, now=now)
    if intent == dialogue.USAGE and subscriber_id is not None:
        return _say(session, conversation, answers.usage(session, subscriber_id, now=now), intent=intent, now=now)
    if intent == dialogue.PROGRESS and subscriber_id is not None:
        answer = answers.progress(session, subscriber_id, numbers=dialogue.ticket_numbers(message), now=now)
        return _say(session, conversation, answer, intent=intent, now=now)
    return _faq(session, conversation, message, now=now, offer=detected.hint)


def _own_number_intent(session: Session, conversation: Conversation, message: str, *, task: str | None) -> str:
    """A number that is the logged-in subscriber's own is fine: ask as if it were not there."""
    if conversation.subscriber_id is None:
        return dialogue.OTHER_NUMBER
    for number in dialogue.phone_numbers(message):
        owner = customers.subscriber_by_number(session, number)
        if owner is None or owner.id != conversation.subscriber_id:
            return dialogue.OTHER_NUMBER
    return dialogue.detect(dialogue.without_numbers(message), task=task).intent


def _faq(session: Session, conversation: Conversation, message: str, *, now: datetime,
         offer: str | None = None) -> Reply:
    """The knowledge base's answer; for a question about a task ("宽带坏了怎么办") the task is
    offered as a quick reply."""
    found = kb.search(session, message, audience="public", now=now, limit=3, actor=conversation.started_by)
    task = [TASK_PROMPTS[offer]] if offer in TASK_PROMPTS and conversation.subscriber_id is not None else []
    failures = int((conversation.state or {}).get("failures", 0))
    if found.confident and found.hits:
        top = found.hits[0]
        try:
            article = kb.read_answer(session, top.article_id, audience="public", now=now)
        except ArticleNotAvailable:
            article = None
        if article is not None:
            _set_state(conversation, failures=0, category=article.category)
            answer = Answer("answer", article.answer_text, candidates=task + [h.question for h in found.hits[1:3]],
                            actions=["有用", "没用", "转人工"])
            return _say(session, conversation, answer, intent=dialogue.FAQ, now=now, article_id=article.article_id,
                        search_id=found.search_id, confidence=round(found.confidence, 4),
                        answer_html=article.answer_html)
    failures += 1
    _set_state(conversation, failures=failures, category=found.hits[0].category if found.hits else None)
    if failures >= MAX_FAILURES:
        return _hand_over(session, conversation, reason=f"机器人连续 {failures} 次未能回答", complaint=False,
                          intent=dialogue.FAQ, now=now)
    candidates = [h.question for h in found.hits[:3]]
    if task:
        candidates = task + candidates[:2]
    text = "抱歉，我不太确定您问的是什么。" + ("您是想问下面哪个问题吗？" if candidates else "可以换个说法再问一次吗？")
    text += "如需帮助，也可以点击“转人工”。"
    return _say(session, conversation, Answer("unsure", text, candidates=candidates, actions=["转人工"]),
                intent=dialogue.FAQ, now=now, search_id=found.search_id, confidence=round(found.confidence, 4))


def _fault(session: Session, conversation: Conversation, message: str, *, now: datetime) -> Reply:
    state = conversation.state or {}
    district = customers.get_subscriber(session, conversation.subscriber_id).district  # type: ignore[arg-type]
    asking = state.get("asking") if state.get("task") == dialogue.FAULT else None
    slots = dialogue.fill_fault(state.get("slots", {}) if asking else {}, message, asking=asking, district=district)
    slot = dialogue.next_fault_slot(slots)
    if slot is not None:
        if slots.get("kind"):
            _set_state(conversation, category="broadband" if slots["kind"] != "mobile" else "mobile_network")
        _set_state(conversation, task=dialogue.FAULT, slots=slots, asking=slot)
        question = dialogue.fault_question(slot, slots, district=district)
        candidates = ["宽带", "手机/移动网络", "IPTV 电视"] if slot == "kind" else ["是"] if slot == "address" else []
        return _say(session, conversation, Answer("question", question, candidates=candidates, actions=["取消"]),
                    intent=dialogue.FAULT, now=now)
    _set_state(conversation, task=None, slots=None, asking=None)
    number = file_fault(session, conversation, slots, now=now)
    text = (f"已为您提交{dialogue.FAULT_KINDS[slots['kind']]}故障报修，工单号 {number}。"
            f"维修人员会在您方便的时间（{slots['contact_time']}）联系您，您可以随时问我“工单进度”。")
    return _say(session, conversation, Answer("ticket", text, candidates=["我的工单进度"], ticket_number=number),
                intent=dialogue.FAULT, now=now)


def _recommend(session: Session, conversation: Conversation, message: str, *, now: datetime) -> Reply:
    state = conversation.state or {}
    asked_before = state.get("task") == dialogue.RECOMMEND
    prefs = dialogue.plan_preferences(message, state.get("prefs", {}) if asked_before else {})
    if not dialogue.preferences_clear(prefs) and not asked_before:
        _set_state(conversation, task=dialogue.RECOMMEND, prefs=prefs, asking="prefs")
        return _say(session, conversation, Answer(
            "question", "好的，为了推荐更合适的套餐，请问您更看重什么？例如：是否需要宽带、每月预算多少、"
            "流量还是通话用得多。也可以直接说“按我的用量推荐”。",
            candidates=["需要宽带", "流量多一点", "预算100元以内", "按我的用量推荐"], actions=["取消"]),
            intent=dialogue.RECOMMEND, now=now)
    _set_state(conversation, task=None, prefs=None, asking=None)
    answer = answers.plan(session, conversation.subscriber_id, prefs, now=now)  # type: ignore[arg-type]
    return _say(session, conversation, answer, intent=dialogue.RECOMMEND, now=now)


def _hand_over(session: Session, conversation: Conversation, *, reason: str, complaint: bool, intent: str,
               now: datetime) -> Reply:
    result = hand_over(session, conversation, reason=reason, complaint=complaint, now=now)
    return _say(session, conversation, _handover_answer(result), intent=intent, now=now)


def _handover_answer(result: HandOver) -> Answer:
    number = result.ticket_number
    if result.chat_contact_id is not None:
        text = (f"已为您转人工（工单号 {number}），正在为您接通在线人工客服，刚才的对话记录已一并转给客服，无需重复描述。"
                "请点击“进入人工会话”。")
    elif number:
        text = (f"已为您转人工（工单号 {number}），刚才的对话记录已一并转给客服，无需重复描述。"
                "人工坐席接入后会尽快联系您，请保持电话畅通。")
    elif result.callback_number:
        text = (f"已为您登记人工回电：客服会尽快致电 {mask_phone(result.callback_number)}（服务时间外登记的，"
                "在上班后 1 小时内回电），刚才的对话记录已转给客服。")
    elif result.asking_number:
        text = "好的，为您转人工。您还没有登录，请留下您的手机号码，人工客服会给您回电；也可以拨打客服热线 10000。"
    else:
        text = "已为您转人工。目前在线人工坐席尚未接入，请拨打客服热线 10000，或登录后再次转人工以便我们回电联系您。"
    return Answer("handover", text, ticket_number=number, actions=["取消"] if result.asking_number else [])


def _callback_number(session: Session, conversation: Conversation, message: str, *, now: datetime) -> Reply:
    """The visitor's answer to "leave your number": a callback, or ask again."""
    numbers = dialogue.phone_numbers(message)
    result = take_callback_number(session, conversation, numbers[-1], now=now) if numbers else None
    if result is None or (not result.callback_number and conversation.status == "open"):
        return _say(session, conversation, Answer(
            "question", "没有识别到可以回拨的手机号码，请输入 11 位手机号，例如 13912345678；输入“取消”可返回。",
            actions=["取消"]), intent=dialogue.HANDOVER, now=now)
    return _say(session, conversation, _handover_answer(result), intent=dialogue.HANDOVER, now=now)


def request_handover(session: Session, conversation: Conversation, *, reason: str, now: datetime) -> Reply:
    if conversation.status != "open":
        raise ConversationClosed(conversation.status)
    return _hand_over(session, conversation, reason=reason or "客户点击转人工", complaint=False,
                      intent=dialogue.HANDOVER, now=now)


def feedback(session: Session, conversation: Conversation, data: FeedbackIn, *, now: datetime) -> Turn:
    """Thumbs up/down on one robot answer; a knowledge answer's verdict also counts for the
    article (kefu.knowledge feedback). Given again, it replaces the earlier verdict."""
    turn = repository.turn(session, conversation.id, data.turn_id)
    if turn is None or turn.speaker != "robot":
        raise TurnNotFound(data.turn_id)
    turn.feedback, turn.feedback_at = data.verdict, now
    if turn.search_id is not None and turn.article_id is not None:
        kb.feedback(session, KbFeedbackIn(search_id=turn.search_id, article_id=turn.article_id,
                                          verdict=data.verdict, resolved=data.verdict == "up"),
                    actor=conversation.started_by, now=now)
    session.flush()
    return turn
