"""The ticket lifecycle as pure rules: statuses, allowed transitions, and which actions a
status allows. No session, no clock: callers pass plain values.

intake 受理 → dispatched 派单 → investigating 调查 → remedy_proposed 方案待确认 →
customer_agreed 客户同意 / customer_declined 客户不同意 → resolved 已解决 →
return_visit 回访中 → closed 已关闭; a failed return visit or a customer's dispute
within the reopen window goes back to investigating; cancelled / rejected end a
ticket early, with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from kefu.core.errors import Conflict


class Status(StrEnum):
    INTAKE = "intake"
    DISPATCHED = "dispatched"
    INVESTIGATING = "investigating"
    REMEDY_PROPOSED = "remedy_proposed"
    CUSTOMER_AGREED = "customer_agreed"
    CUSTOMER_DECLINED = "customer_declined"
    RESOLVED = "resolved"
    RETURN_VISIT = "return_visit"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


LABELS_ZH: dict[Status, str] = {
    Status.INTAKE: "受理",
    Status.DISPATCHED: "已派单",
    Status.INVESTIGATING: "调查中",
    Status.REMEDY_PROPOSED: "方案待客户确认",
    Status.CUSTOMER_AGREED: "客户已同意",
    Status.CUSTOMER_DECLINED: "客户不同意",
    Status.RESOLVED: "已解决",
    Status.RETURN_VISIT: "回访中",
    Status.CLOSED: "已关闭",
    Status.CANCELLED: "已撤销",
    Status.REJECTED: "已驳回",
}

_EARLY_END = {Status.CANCELLED, Status.REJECTED}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.INTAKE: frozenset({Status.DISPATCHED, Status.INVESTIGATING, Status.RESOLVED, *_EARLY_END}),
    Status.DISPATCHED: frozenset({Status.INVESTIGATING, Status.RESOLVED, *_EARLY_END}),
    Status.INVESTIGATING: frozenset({Status.REMEDY_PROPOSED, Status.RESOLVED, *_EARLY_END}),
    Status.REMEDY_PROPOSED: frozenset(
        {Status.CUSTOMER_AGREED, Status.CUSTOMER_DECLINED, Status.INVESTIGATING, Status.CANCELLED}
    ),
    Status.CUSTOMER_AGREED: frozenset({Status.RESOLVED, Status.REMEDY_PROPOSED, Status.CANCELLED}),
    Status.CUSTOMER_DECLINED: frozenset(
        {Status.REMEDY_PROPOSED, Status.INVESTIGATING, Status.RESOLVED, Status.CANCELLED}
    ),
    # A dispute before the return visit reopens straight from resolved.
    Status.RESOLVED: frozenset({Status.RETURN_VISIT, Status.INVESTIGATING}),
    Status.RETURN_VISIT: frozenset({Status.CLOSED, Status.INVESTIGATING}),
    # Reopen within the dispute window (see may_reopen).
    Status.CLOSED: frozenset({Status.INVESTIGATING}),
    Status.CANCELLED: frozenset(),
    Status.REJECTED: frozenset(),
}

OPEN_STATUSES = frozenset(s for s in Status if s not in {Status.CLOSED, *_EARLY_END})
FINAL_STATUSES = frozenset({Status.CLOSED, *_EARLY_END})
# Work on the case itself (tasks, findings, remedies) happens before it is resolved.
WORKING_STATUSES = frozenset(
    {
        Status.INTAKE,
        Status.DISPATCHED,
        Status.INVESTIGATING,
        Status.REMEDY_PROPOSED,
        Status.CUSTOMER_AGREED,
        Status.CUSTOMER_DECLINED,
    }
)

# Actions that need not change the status, and the statuses that allow them.
ACTIONS: dict[str, frozenset[Status]] = {
    "accept": frozenset({Status.INTAKE, Status.DISPATCHED}),
    "dispatch": WORKING_STATUSES,
    "record_finding": WORKING_STATUSES,
    "propose_remedy": frozenset(
        {Status.INTAKE, Status.DISPATCHED, Status.INVESTIGATING, Status.CUSTOMER_AGREED, Status.CUSTOMER_DECLINED,
         Status.REMEDY_PROPOSED}
    ),
    "consent": frozenset({Status.REMEDY_PROPOSED}),
    # An agreed remedy may be carried out while the customer still weighs another.
    "apply_remedy": frozenset({Status.CUSTOMER_AGREED, Status.REMEDY_PROPOSED}),
    "wait_on_customer": WORKING_STATUSES | {Status.RETURN_VISIT},
    "note": frozenset(Status),
    "attach": frozenset(Status),
    "link": frozenset(Status),
    "escalate": OPEN_STATUSES,
    "transfer_coordinator": OPEN_STATUSES,
    "merge": OPEN_STATUSES,
    "split": OPEN_STATUSES,
    "task_update": WORKING_STATUSES,
    "reclassify": OPEN_STATUSES,
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "accept": ("受理接单", "accept"),
    "dispatch": ("派单", "dispatch a task"),
    "record_finding": ("记录调查结果", "record a finding"),
    "propose_remedy": ("提出解决方案", "propose a remedy"),
    "consent": ("客户确认方案", "record the customer's consent"),
    "apply_remedy": ("执行方案", "apply a remedy"),
    "wait_on_customer": ("等待客户", "wait on the customer"),
    "note": ("备注", "add a note"),
    "attach": ("上传附件", "attach a file"),
    "link": ("关联工单", "link tickets"),
    "escalate": ("升级", "escalate"),
    "transfer_coordinator": ("转协调专员", "transfer the coordinator"),
    "merge": ("合并", "merge"),
    "split": ("拆分", "split"),
    "task_update": ("处理派单任务", "work on a task"),
    "reclassify": ("改分类", "reclassify"),
}


class InvalidTransition(Conflict):
    """A step the lifecycle does not allow from the ticket's status; names what is allowed."""

    default_code = "invalid_transition"

    def __init__(self, current: Status | str, wanted: str, *, wanted_zh: str | None = None) -> None:
        current = Status(current)
        allowed = sorted(TRANSITIONS[current], key=list(Status).index)
        if allowed:
            allowed_zh = "、".join(f"{LABELS_ZH[s]}（{s.value}）" for s in allowed)
            allowed_en = ", ".join(s.value for s in allowed)
            zh_next, en_next = f"可进行的下一步：{allowed_zh}", f"allowed next steps: {allowed_en}"
        else:
            zh_next, en_next = "该工单已结束，不能再变更", "the ticket has ended; no further step is allowed"
        super().__init__(
            f"工单当前状态为「{LABELS_ZH[current]}」，不能{wanted_zh or wanted}。{zh_next}",
            f"The ticket is {current.value}; cannot {wanted}. {en_next[0].upper()}{en_next[1:]}",
            current=current.value,
            wanted=wanted,
            allowed_next=[s.value for s in allowed],
        )


def allowed_next(status: Status | str) -> frozenset[Status]:
    return TRANSITIONS[Status(status)]


def ensure_transition(current: Status | str, wanted: Status | str) -> Status:
    """Returns the wanted status, or raises InvalidTransition naming the allowed next steps."""
    current, wanted = Status(current), Status(wanted)
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(current, f"go to {wanted.value}", wanted_zh=f"转为「{LABELS_ZH[wanted]}」")
    return wanted


def ensure_action(current: Status | str, action: str) -> None:
    """Raises InvalidTransition when `action` is not possible in `current`."""
    current = Status(current)
    if current not in ACTIONS[action]:
        zh, en = ACTION_LABELS[action]
        raise InvalidTransition(current, en, wanted_zh=zh)


def is_open(status: Status | str) -> bool:
    return Status(status) in OPEN_STATUSES


def after_consent(consents: list[str]) -> Status:
    """The ticket's status once every proposed remedy has an answer (or not yet).

    Any remedy still awaiting an answer keeps the ticket in remedy_proposed; otherwise
    one agreed remedy is enough to go ahead; all declined means the customer declined.
    """
    if not consents or "proposed" in consents:
        return Status.REMEDY_PROPOSED
    return Status.CUSTOMER_AGREED if "agreed" in consents else Status.CUSTOMER_DECLINED


def may_reopen(status: Status | str, *, closed_at: datetime | None, now: datetime, window: timedelta) -> bool:
    """A closed ticket reopens only within the dispute window; resolved and return-visit
    tickets reopen any time."""
    status = Status(status)
    if status in (Status.RESOLVED, Status.RETURN_VISIT):
        return True
    if status is Status.CLOSED:
        return closed_at is not None and now - closed_at <= window
    return False


PRIORITIES = ("low", "normal", "high", "urgent")


def raised_priority(priority: str, *, at_least: str = "high") -> str:
    """One step up, and never below `at_least`; urgent stays urgent."""
    index = min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)
    return PRIORITIES[max(index, PRIORITIES.index(at_least))]


def priority_for_level(priority: str, level: int) -> str:
    """Escalation level 1 raises to at least high, level 2 and above to urgent."""
    floor = "urgent" if level >= 2 else "high"
    return PRIORITIES[max(PRIORITIES.index(priority), PRIORITIES.index(floor))]
