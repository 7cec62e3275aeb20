"""Errors of web chat and the CTI adapter: each says what to do, in Chinese and English."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class ChatNotFound(NotFound):
    default_code = "chat_not_found"

    def __init__(self, ref: object) -> None:
        super().__init__(f"找不到在线会话 {ref}", f"No chat {ref}")


class ChatEnded(Conflict):
    default_code = "chat_ended"

    def __init__(self, contact_id: int) -> None:
        super().__init__(f"在线会话 {contact_id} 已结束，如需帮助请重新发起会话",
                         f"Chat {contact_id} has ended; start a new chat for more help")


class ChatNotAnswered(Conflict):
    default_code = "chat_not_answered"

    def __init__(self, contact_id: int) -> None:
        super().__init__(f"在线会话 {contact_id} 尚未由您接入，请先接入", f"You have not taken chat {contact_id} yet; accept it first")


class InvalidChatMessage(InvalidInput):
    default_code = "invalid_chat_message"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)


class UnknownCall(NotFound):
    default_code = "unknown_call"

    def __init__(self, call_id: str) -> None:
        super().__init__(f"找不到呼叫 {call_id}：请先发送 offered 事件", f"Unknown call {call_id}: send its offered event first",
                         call_id=call_id)


class CallEventOutOfOrder(Conflict):
    default_code = "cti_event_out_of_order"

    def __init__(self, call_id: str, state: str, event: str) -> None:
        super().__init__(
            f"呼叫 {call_id} 当前为“{state}”，不能处理 {event} 事件（事件顺序：offered → answered → transferred → ended）",
            f"Call {call_id} is {state}; cannot apply {event} (order: offered → answered → transferred → ended)",
            call_id=call_id, state=state, event=event,
        )


class UnknownAgent(InvalidInput):
    default_code = "unknown_agent"

    def __init__(self, employee_no: str) -> None:
        super().__init__(f"工号 {employee_no} 不是已登记的坐席", f"Employee number {employee_no} is not a registered agent",
                         employee_no=employee_no)
