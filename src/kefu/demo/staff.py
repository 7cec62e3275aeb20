"""The demo centre's staff: one login or more for every role, all with one documented password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.identity import service as identity
from kefu.identity.errors import UserExists

# Printed after `kefu demo` and written in the README: a demo, not a secret.
DEMO_PASSWORD = "kefu-demo-2026"


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str
    roles: tuple[str, ...]
    department: str
    city: str


# Few on purpose: each password hash costs about a quarter of a CPU second (argon2).
STAFF: tuple[StaffMember, ...] = (
    StaffMember("admin", "王建华", ("admin",), "customer_service", "深圳"),
    StaffMember("agent1", "刘晓燕", ("agent",), "customer_service", "深圳"),
    StaffMember("agent2", "陈嘉欣", ("agent",), "customer_service", "深圳"),
    StaffMember("specialist1", "张丽娟", ("specialist", "agent"), "customer_service", "深圳"),
    StaffMember("billing1", "何婉清", ("complaint_handler",), "billing", "昆明"),
    StaffMember("network1", "罗志强", ("complaint_handler",), "network", "深圳"),
    StaffMember("vas1", "郑国栋", ("complaint_handler",), "vas", "深圳"),
    StaffMember("install1", "邓建伟", ("complaint_handler",), "installation", "东莞"),
    StaffMember("marketing1", "苏敏", ("complaint_handler",), "marketing", "深圳"),
    StaffMember("hall1", "林佳怡", ("complaint_handler",), "hall", "昆明"),
    StaffMember("inspector1", "许文静", ("inspector",), "customer_service", "深圳"),
    StaffMember("supervisor1", "周海波", ("supervisor",), "customer_service", "深圳"),
    StaffMember("analyst1", "孙立新", ("analyst",), "customer_service", "深圳"),
    StaffMember("kbeditor1", "马丽", ("kb_editor",), "customer_service", "深圳"),
    StaffMember("manager1", "梁振华", ("account_manager",), "government_enterprise", "深圳"),
    StaffMember("manager2", "曾美玲", ("account_manager",), "government_enterprise", "东莞"),
    StaffMember("manager3", "段云飞", ("account_manager",), "government_enterprise", "昆明"),
)


@dataclass(frozen=True)
class Login:
    username: str
    display_name: str
    roles: tuple[str, ...]
    department: str
    created: bool  # False: the username already existed and was left as it was


def create_staff(session: Session, *, now: datetime) -> tuple[list[Login], dict[str, int]]:
    """Creates the staff users (existing usernames are kept as they are); returns the
    logins and the ids of the users it created, by username."""
    logins: list[Login] = []
    created: dict[str, int] = {}
    for person in STAFF:
        try:
            user = identity.create_user(
                session, username=person.username, display_name=person.display_name, password=DEMO_PASSWORD,
                roles=person.roles, now=now, department=person.department, city=person.city,
            )
        except UserExists:
            logins.append(Login(person.username, person.display_name, person.roles, person.department, False))
            continue
        logins.append(Login(person.username, person.display_name, person.roles, person.department, True))
        created[person.username] = user.id
    return logins, created


def manager_placeholders() -> dict[str, list[int]]:
    """City → stand-ins for its account managers (-1 for STAFF[0] …), before they exist."""
    placeholders: dict[str, list[int]] = {}
    for index, person in enumerate(STAFF):
        if "account_manager" in person.roles:
            placeholders.setdefault(person.city, []).append(-(index + 1))
    return placeholders


def resolve_managers(created: dict[str, int]) -> dict[int, int | None]:
    """Stand-in → user id; None when that manager was not created here."""
    return {
        placeholder: created.get(STAFF[-placeholder - 1].username)
        for ids in manager_placeholders().values()
        for placeholder in ids
    }
