"""Roles and what a principal is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SPECIALIST = "specialist"
    COMPLAINT_HANDLER = "complaint_handler"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    KB_EDITOR = "kb_editor"
    ACCOUNT_MANAGER = "account_manager"
    ADMIN = "admin"
    # Not a staff role: the self-service portal's logged-in subscriber.
    SUBSCRIBER = "subscriber"
    # A machine, not a person: the telephony switch posting call events with its API token.
    CTI_SWITCH = "cti_switch"


# Machine roles reach only the endpoints made for them, never staff pages or data.
MACHINE_ROLES = frozenset({Role.CTI_SWITCH})
STAFF_ROLES = frozenset(r for r in Role if r is not Role.SUBSCRIBER and r not in MACHINE_ROLES)

# Who may see a subscriber's personal data unmasked (always audited).
UNMASK_ROLES = frozenset({Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.ADMIN})

ROLE_LABELS_ZH = {
    Role.AGENT: "话务员",
    Role.SPECIALIST: "专席",
    Role.COMPLAINT_HANDLER: "投诉处理",
    Role.INSPECTOR: "质检员",
    Role.SUPERVISOR: "班组长",
    Role.ANALYST: "运营分析",
    Role.KB_EDITOR: "知识库编辑",
    Role.ACCOUNT_MANAGER: "客户经理",
    Role.ADMIN: "系统管理员",
    Role.SUBSCRIBER: "用户",
    Role.CTI_SWITCH: "交换机接口",
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff user with roles, or a subscriber of the portal."""

    kind: str  # "staff" | "subscriber"
    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    user_id: int | None = None
    department: str | None = None
    subscriber_id: int | None = None
    session_id: int | None = None
    csrf_token: str | None = None

    @property
    def actor(self) -> str:
        """How this principal is written in histories and the audit log."""
        if self.kind == "staff":
            return f"user:{self.user_id}:{self.name}"
        return f"subscriber:{self.subscriber_id}"

    def has_any(self, allowed: frozenset[Role] | set[Role]) -> bool:
        if self.kind == "staff" and Role.ADMIN in self.roles and Role.SUBSCRIBER not in allowed:
            return True
        return bool(self.roles & set(allowed))

    def may_unmask(self) -> bool:
        return self.kind == "staff" and bool(self.roles & UNMASK_ROLES)
