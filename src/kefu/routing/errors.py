"""Routing errors: each says what to do, in Chinese and English."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class InvalidExpression(InvalidInput):
    default_code = "invalid_routing_expression"

    def __init__(self, text: str, why_zh: str, why_en: str) -> None:
        super().__init__(
            f"路由表达式有误：{text}（{why_zh}）。示例：skills.data >= 2 and language == \"en\"",
            f"Cannot use the routing expression {text!r}: {why_en}. Example: skills.data >= 2 and language == \"en\"",
            expression=text,
        )


class UnknownSkill(InvalidInput):
    default_code = "unknown_skill"

    def __init__(self, skill: str, known: list[str]) -> None:
        super().__init__(
            f"表达式中的技能“{skill}”不存在，请先在技能列表中新增，或改用：{', '.join(known)}",
            f"The skill {skill!r} does not exist; add it first or use one of: {', '.join(known)}",
            skill=skill,
        )


class InvalidWorkflow(InvalidInput):
    default_code = "invalid_workflow"

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"路由流程有误：{why_zh}", f"The routing workflow is not valid: {why_en}")


class NoDefaultStep(InvalidWorkflow):
    default_code = "workflow_without_default"

    def __init__(self) -> None:
        super().__init__(
            "缺少默认步骤（没有匹配任何过滤条件的话务将无处可去），请添加 default",
            "it has no default step (contacts matching no filter would be lost); add a default",
        )


class UnknownQueue(InvalidInput):
    default_code = "unknown_queue"

    def __init__(self, name: str) -> None:
        super().__init__(f"队列“{name}”不存在，请先创建队列", f"The queue {name!r} does not exist; create it first")


class ContactNotFound(NotFound):
    default_code = "contact_not_found"

    def __init__(self, ref: object) -> None:
        super().__init__(f"找不到话务 {ref}", f"No contact {ref}")


class OfferNotFound(NotFound):
    default_code = "offer_not_found"

    def __init__(self, ref: object) -> None:
        super().__init__(f"找不到分配请求 {ref}（可能已超时）", f"No offer {ref} (it may have expired)")


class OfferNoLongerValid(Conflict):
    default_code = "offer_no_longer_valid"

    def __init__(self, ref: object) -> None:
        super().__init__(
            f"分配请求 {ref} 已失效（已超时、被拒绝或已被他人接起），话务仍在排队",
            f"The offer {ref} is no longer valid (expired, declined or taken); the contact is still queued",
        )


class ContactNotQueued(Conflict):
    default_code = "contact_not_queued"

    def __init__(self, ref: object, state: str) -> None:
        super().__init__(
            f"话务 {ref} 当前状态为“{state}”，不能执行此操作",
            f"The contact {ref} is {state}; this action is not possible now",
        )


class AgentUnknownToRouting(NotFound):
    default_code = "agent_not_routable"

    def __init__(self, ref: object) -> None:
        super().__init__(f"坐席 {ref} 未签入路由", f"Agent {ref} is not signed in to routing")


class GroupClosed(Conflict):
    default_code = "group_closed"

    def __init__(self, group: str, opens: str) -> None:
        super().__init__(
            f"专席组“{group}”当前不在服务时间（{opens}），请为客户预约登记回呼",
            f"The group {group!r} is closed now ({opens}); register a callback appointment instead",
            group=group,
        )


class NoAgentFree(Conflict):
    default_code = "no_specialist_free"

    def __init__(self, group: str) -> None:
        super().__init__(
            f"专席组“{group}”坐席全忙，请为客户预约登记回呼",
            f"Every agent of {group!r} is busy; register a callback appointment instead",
            group=group,
        )


class InvalidCallbackNumber(InvalidInput):
    default_code = "invalid_callback_number"

    def __init__(self, number: str) -> None:
        super().__init__(
            f"回呼号码“{number}”无效，请填写 11 位手机号或带区号的固定电话",
            f"The callback number {number!r} is not valid; give an 11-digit mobile or a fixed line with area code",
        )
