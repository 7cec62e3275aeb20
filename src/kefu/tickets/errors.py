"""Ticket errors: each says in Chinese and English what a person should do next."""

from __future__ import annotations

from datetime import datetime

from kefu.core.clock import local
from kefu.core.errors import Conflict, InvalidInput, NotFound
from kefu.tickets.lifecycle import InvalidTransition  # noqa: F401  (re-exported: one place for errors)


class TicketNotFound(NotFound):
    default_code = "ticket_not_found"

    def __init__(self, ticket: int | str) -> None:
        super().__init__(f"找不到工单 {ticket}，请核对工单号", f"No ticket {ticket}; check the ticket number")


class TaskNotFound(NotFound):
    default_code = "task_not_found"

    def __init__(self, task_id: int) -> None:
        super().__init__(f"该工单没有派单任务 {task_id}", f"The ticket has no task {task_id}")


class RemedyNotFound(NotFound):
    default_code = "remedy_not_found"

    def __init__(self, remedy_id: int) -> None:
        super().__init__(f"该工单没有解决方案 {remedy_id}", f"The ticket has no remedy {remedy_id}")


class ProblemNotFound(NotFound):
    default_code = "problem_not_found"

    def __init__(self, problem_id: int) -> None:
        super().__init__(f"找不到问题单 {problem_id}", f"No problem record {problem_id}")


class AttachmentNotFound(NotFound):
    default_code = "attachment_not_found"

    def __init__(self, attachment_id: int) -> None:
        super().__init__(f"该工单没有附件 {attachment_id}", f"The ticket has no attachment {attachment_id}")


class UnknownCode(InvalidInput):
    """A code outside the taxonomy (category, department, type, channel …)."""

    default_code = "unknown_code"

    def __init__(self, field: str, value: str, allowed: list[str]) -> None:
        super().__init__(
            f"{field} 取值「{value}」无效，可选：{'、'.join(allowed)}",
            f"Unknown {field} '{value}'; choose one of: {', '.join(allowed)}",
            code=f"unknown_{field}",
            field=field,
            allowed=allowed,
        )


class MissingField(InvalidInput):
    default_code = "missing_field"

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(zh, en, code=f"missing_{field}", field=field)


class StaleVersion(Conflict):
    """The caller read an older version: someone else changed the ticket in between."""

    default_code = "stale_version"

    def __init__(self, *, number: str, sent: int, current: int, by: str, at: datetime) -> None:
        shown = local(at).strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            f"工单 {number} 已被 {by} 于 {shown} 修改（版本 {current}，您提交的是 {sent}），请刷新后重试",
            f"Ticket {number} was changed by {by} at {shown} (version {current}, you sent {sent}); "
            "reload and try again",
            current_version=current,
            changed_by=by,
            changed_at=at.isoformat(),
        )


class ConsentRequired(Conflict):
    default_code = "consent_required"

    def __init__(self, remedy_id: int, consent: str) -> None:
        super().__init__(
            f"方案 {remedy_id} 尚未获得客户同意（当前：{consent}），请先征得客户同意再执行",
            f"Remedy {remedy_id} has not been agreed by the customer (now: {consent}); get consent before applying it",
        )


class AlreadyDecided(Conflict):
    default_code = "consent_already_given"

    def __init__(self, remedy_id: int, consent: str) -> None:
        super().__init__(
            f"客户已对方案 {remedy_id} 作出答复（{consent}），如需变更请提出新方案",
            f"The customer already answered remedy {remedy_id} ({consent}); propose a new remedy to change it",
        )


class AlreadyApplied(Conflict):
    default_code = "remedy_already_applied"

    def __init__(self, remedy_id: int) -> None:
        super().__init__(f"方案 {remedy_id} 已执行，不能重复执行", f"Remedy {remedy_id} was already applied")


class UnappliedRemedies(Conflict):
    default_code = "remedies_not_applied"

    def __init__(self, remedy_ids: list[int]) -> None:
        ids = ", ".join(str(i) for i in remedy_ids)
        super().__init__(
            f"客户已同意的方案 {ids} 尚未执行，请先执行再办结",
            f"Agreed remedies {ids} are not applied yet; apply them before resolving",
        )


class NothingToRefund(InvalidInput):
    default_code = "nothing_to_refund"

    def __init__(self, basis: str, product_code: str) -> None:
        super().__init__(
            f"账单中没有 {product_code} 的可退费用（依据：{basis}），请核对产品编码",
            f"The bills show nothing to refund for {product_code} (basis: {basis}); check the product code",
        )


class IdempotencyKeyReused(Conflict):
    default_code = "idempotency_key_reused"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"幂等键 {key} 已用于另一个不同内容的请求，请换一个新键",
            f"Idempotency key {key} was used for a different request; use a new key",
        )


class RequestInProgress(Conflict):
    default_code = "request_in_progress"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"使用幂等键 {key} 的相同请求正在处理，请稍后重试",
            f"The same request with idempotency key {key} is being processed; retry in a moment",
        )


class ReopenWindowPassed(Conflict):
    default_code = "reopen_window_passed"

    def __init__(self, days: int) -> None:
        super().__init__(
            f"工单关闭已超过 {days} 天，不能重开，请新建工单并关联原工单",
            f"The ticket was closed more than {days} days ago; open a new ticket and link this one",
        )


class SelfLink(InvalidInput):
    default_code = "self_link"

    def __init__(self) -> None:
        super().__init__("不能把工单与自身关联", "A ticket cannot be linked to itself")


class AttachmentTooLarge(InvalidInput):
    status_code = 413
    default_code = "attachment_too_large"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"附件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.1f} MB，请压缩后再上传",
            f"The file is too large ({size / 1048576:.1f} MB); the limit is {limit / 1048576:.1f} MB",
            size=size,
            limit=limit,
        )


class AttachmentTypeNotAllowed(InvalidInput):
    status_code = 415
    default_code = "attachment_type_not_allowed"

    def __init__(self, content_type: str, allowed: list[str]) -> None:
        super().__init__(
            f"不支持的附件类型 {content_type}，仅支持：{'、'.join(allowed)}",
            f"File type {content_type} is not allowed; allowed: {', '.join(allowed)}",
            allowed=allowed,
        )


class NotYourTicket(NotFound):
    """A subscriber asking for someone else's ticket sees the same answer as for none."""

    default_code = "ticket_not_found"

    def __init__(self, ticket: int | str) -> None:
        super().__init__(f"找不到工单 {ticket}，请核对工单号", f"No ticket {ticket}; check the ticket number")
