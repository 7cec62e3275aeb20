"""Errors of the TMF621 face (bad TroubleTicket payloads, statuses, hub listeners)."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound
from kefu.tickets.tmf import EVENT_TYPES


class BadTroubleTicket(InvalidInput):
    """A payload the TMF621 API cannot take; `field` names the attribute to fix."""

    default_code = "invalid_trouble_ticket"

    def __init__(self, field: str, zh: str, en: str, *, code: str | None = None) -> None:
        super().__init__(zh, en, code=code, field=field)


class NotPatchable(InvalidInput):
    default_code = "not_patchable"

    def __init__(self, fields: list[str]) -> None:
        names = ", ".join(fields)
        super().__init__(
            f"这些属性由系统维护，不能修改：{names}", f"These attributes are set by the system and cannot be patched: {names}",
            fields=fields,
        )


class StatusNotAllowed(Conflict):
    """A PATCH status the ticket cannot take from where it is; names the TMF statuses it can."""

    default_code = "status_not_allowed"

    def __init__(self, current: str, wanted: str, allowed: list[str]) -> None:
        listed = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"工单当前状态为 {current}，不能改为 {wanted}。可改为：{listed}",
            f"The trouble ticket is {current}; it cannot become {wanted}. Allowed statuses: {listed}",
            current=current, wanted=wanted, allowed=allowed,
        )


class SubscriptionNotFound(NotFound):
    default_code = "subscription_not_found"

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"找不到事件订阅 {subscription_id}", f"No event subscription {subscription_id}")


class BadCallback(InvalidInput):
    default_code = "bad_callback"

    def __init__(self, callback: str) -> None:
        super().__init__(
            f"回调地址须为 http(s) 网址：{callback!r}", f"The callback must be an http(s) URL, got {callback!r}",
            field="callback",
        )


class ListenerHostNotAllowed(InvalidInput):
    default_code = "listener_host_not_allowed"

    def __init__(self, host: str) -> None:
        super().__init__(
            f"监听地址的主机 {host} 不在允许列表中，请管理员在 KEFU_TMF_LISTENER_HOSTS 中加入",
            f"Listener host {host} is not allowed; an administrator can add it to KEFU_TMF_LISTENER_HOSTS",
            field="callback",
        )


class BadQuery(InvalidInput):
    default_code = "bad_query"

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(
            f"订阅条件中的事件类型无效：{', '.join(unknown)}；可选：{', '.join(EVENT_TYPES)}",
            f"Unknown eventType in the query: {', '.join(unknown)}; use: {', '.join(EVENT_TYPES)}",
            field="query",
        )
