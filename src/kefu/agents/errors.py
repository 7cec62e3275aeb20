"""Agent errors: each says what to do, in Chinese and English."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class InvalidPresenceChange(Conflict):
    default_code = "invalid_presence_change"

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            f"当前状态“{current}”不能直接切换到“{wanted}”，请先完成当前话务或先签入",
            f"Presence cannot go from {current} to {wanted}; finish the current contact or sign in first",
            current=current,
            wanted=wanted,
        )


class BreakNeedsReason(InvalidInput):
    default_code = "break_needs_reason"

    def __init__(self) -> None:
        super().__init__("小休需要填写原因（如：就餐、培训、休息）", "A break needs a reason (meal, training, rest …)")


class InvalidSkills(InvalidInput):
    default_code = "invalid_skills"

    def __init__(self, text: str, why_zh: str, why_en: str) -> None:
        super().__init__(
            f"技能写法有误：{text}（{why_zh}）。示例：data:3, gsm:2",
            f"Cannot read the skills {text!r} ({why_en}). Example: data:3, gsm:2",
        )


class InvalidHours(InvalidInput):
    default_code = "invalid_service_hours"

    def __init__(self, text: str) -> None:
        super().__init__(
            f"服务时间写法有误：{text}。示例：09:00-22:00",
            f"Cannot read the service hours {text!r}. Example: 09:00-22:00",
        )


class AgentNotFound(NotFound):
    default_code = "agent_not_found"

    def __init__(self, ref: object) -> None:
        super().__init__(f"找不到坐席 {ref}", f"No agent {ref}")


class GroupNotFound(NotFound):
    default_code = "agent_group_not_found"

    def __init__(self, ref: object) -> None:
        super().__init__(f"找不到坐席组 {ref}", f"No agent group {ref}")


class AgentExists(Conflict):
    default_code = "agent_exists"

    def __init__(self, ref: object) -> None:
        super().__init__(f"坐席 {ref} 已存在", f"Agent {ref} already exists")


class GroupExists(Conflict):
    default_code = "agent_group_exists"

    def __init__(self, code: str) -> None:
        super().__init__(f"坐席组代码 {code} 已被使用", f"The group code {code} is already taken")
