"""Robot errors; each message tells the person what to do next."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class ConversationNotFound(NotFound):
    """Also what someone else's conversation looks like: nothing is revealed about it."""

    default_code = "robot_conversation_not_found"

    def __init__(self, conversation_id: int) -> None:
        super().__init__(
            f"找不到会话 {conversation_id}，请重新开始一次咨询",
            f"Conversation {conversation_id} does not exist; start a new one",
        )


class ConversationClosed(Conflict):
    default_code = "robot_conversation_closed"

    def __init__(self, status: str) -> None:
        super().__init__(
            "本次会话已结束（已转人工或已完成），如还有问题请开始新的咨询",
            f"This conversation has ended ({status}); start a new one for another question",
        )


class TurnNotFound(NotFound):
    default_code = "robot_turn_not_found"

    def __init__(self, turn_id: int) -> None:
        super().__init__(
            f"找不到机器人回复 {turn_id}，只能评价本会话中机器人的回答",
            f"Robot reply {turn_id} is not in this conversation; rate one of the robot's answers",
        )


class BadCorrection(InvalidInput):
    default_code = "robot_bad_correction"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)
