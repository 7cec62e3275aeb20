"""What the ticket pages show beside the ticket service's answer: labels, SLA clocks with
business time left, which lifecycle steps are offered, and the stale-version message.

Pure helpers plus two small reads (clocks, the caller's department); the pages in
web/ticket_pages.py, web/ticket_actions.py and web/portal_tickets.py share them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.sla.schemas import ClockOut
from kefu.tickets import lifecycle, taxonomy
from kefu.tickets.errors import StaleVersion
from kefu.tickets.lifecycle import Status
from kefu.web.rendering import render

STATUS_LABELS = {s.value: z for s, z in lifecycle.LABELS_ZH.items()}
LABELS: dict[str, Any] = {
    "types": taxonomy.TYPES,
    "channels": taxonomy.CHANNELS,
    "categories": {code: label for code, (label, _dept) in taxonomy.CATEGORIES.items()},
    "departments": taxonomy.DEPARTMENTS,
    "emotions": taxonomy.EMOTIONS,
    "priorities": taxonomy.PRIORITY_LABELS,
    "remedy_kinds": taxonomy.REMEDY_KINDS,
    "refund_bases": taxonomy.REFUND_BASES,
    "status_labels": STATUS_LABELS,
    "tracks": {"service_compliance": "服务合规", "technical": "技术"},
    "clock_states": {"running": "计时中", "paused": "暂停", "met": "已达标", "breached": "已超时", "cancelled": "已取消"},
    "consents": {"proposed": "待客户确认", "agreed": "客户已同意", "declined": "客户不同意"},
    "event_kinds": {
        "opened": "创建工单", "status": "状态变更", "owner_set": "指定负责人", "note": "备注",
        "customer_message": "客户留言", "customer_replied": "客户回复", "task_dispatched": "派单",
        "task_accepted": "接单", "task_progress": "任务进展", "task_done": "任务完成", "task_cancelled": "任务取消",
        "finding": "调查结果", "remedy_proposed": "提出方案", "consent": "客户答复", "remedy_applied": "执行方案",
        "return_visit": "回访", "escalated": "升级", "priority_raised": "提高优先级", "waiting_on_customer": "等待客户",
        "attachment": "附件", "linked": "关联工单", "repeat_of": "重复投诉", "repeat_detected": "识别为重复投诉",
        "classified": "自动分类", "reclassified": "更正分类", "coordinator": "协调专员", "problem_linked": "关联问题",
        "edited": "修改", "deleted": "删除", "satisfaction_rated": "客户评价",
    },
}

FRONT = (Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER)
HANDLERS = (*FRONT, Role.SUPERVISOR, Role.ACCOUNT_MANAGER)
# Money, cancellations and escalations: the complaint side (same as the REST API).
DECIDERS = (Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR)
SUPERVISORS = (Role.COMPLAINT_HANDLER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Step:
    """One lifecycle step offered as a button/form on the detail page."""

    action: str  # the form's name (templates/tickets/_step_<action>.html)
    to: str  # the status it leads to
    label: str  # Chinese msgid


def clock_rows(session: Session, ticket_id: int, *, now: datetime) -> list[ClockOut]:
    """The ticket's running and paused clocks first (least time left first), then the stopped."""
    clocks = sla.ticket_clocks(session, ticket_id, now=now)
    return sorted(clocks, key=lambda c: (c.remaining_seconds is None, c.remaining_seconds or 0))


def least_time_left(clocks: list[ClockOut]) -> ClockOut | None:
    running = [c for c in clocks if c.remaining_seconds is not None and c.stopped_at is None]
    return min(running, key=lambda c: c.remaining_seconds or 0) if running else None


def steps(status: str, principal: Principal, *, has_proposed_remedy: bool) -> list[Step]:
    """Only the lifecycle's legal next steps (lifecycle.allowed_next) the caller may take."""
    allowed = {s.value for s in lifecycle.allowed_next(status)}
    current = Status(status)
    decide = principal.has_any(frozenset(DECIDERS))
    out: list[Step] = []
    if current in lifecycle.ACTIONS["dispatch"]:
        out.append(Step("dispatch", Status.DISPATCHED.value, "派单"))
    if Status.INVESTIGATING.value in allowed and current in lifecycle.ACTIONS["accept"]:
        out.append(Step("accept", Status.INVESTIGATING.value, "受理接单"))
    if Status.REMEDY_PROPOSED.value in allowed and decide:
        out.append(Step("remedy", Status.REMEDY_PROPOSED.value, "提出解决方案"))
    if has_proposed_remedy and current is Status.REMEDY_PROPOSED:
        out.append(Step("consent", Status.CUSTOMER_AGREED.value, "记录客户意见"))
    if Status.RESOLVED.value in allowed:
        out.append(Step("resolve", Status.RESOLVED.value, "办结"))
    if Status.RETURN_VISIT.value in allowed or Status.CLOSED.value in allowed:
        out.append(Step("return_visit", Status.CLOSED.value, "回访"))
    if Status.INVESTIGATING.value in allowed and current in (Status.RESOLVED, Status.RETURN_VISIT, Status.CLOSED):
        out.append(Step("reopen", Status.INVESTIGATING.value, "重新处理"))
    if Status.CANCELLED.value in allowed and decide:
        out.append(Step("cancel", Status.CANCELLED.value, "撤销/驳回"))
    return out


def who(actor: str) -> str:
    """A history actor as people read it: a staff member's display name, the customer, the system."""
    if actor.startswith("user:"):
        return actor.split(":", 2)[-1]
    if actor.startswith("subscriber:"):
        return "客户"
    if actor.startswith("system") or actor.startswith("auto"):
        return "系统"
    return actor


def stale_answer(request: Request, error: StaleVersion) -> Response:
    """409 into #flash (htmx keeps the typed form): who changed the ticket and when."""
    at = datetime.fromisoformat(error.details["changed_at"])
    name = who(str(error.details["changed_by"]))
    if "hx-request" not in request.headers:
        # Without htmx the browser's Back button returns to the form as typed.
        return render(request, "tickets/stale.html", status_code=409, changed_by=name, changed_at=at)
    response = render(request, "tickets/_stale.html", status_code=409, changed_by=name, changed_at=at)
    response.headers["HX-Retarget"] = "#flash"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def countdown(seconds: int | None) -> str:
    """Business seconds left as H:MM:SS (negative: overdue)."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
