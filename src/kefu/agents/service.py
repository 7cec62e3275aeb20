"""Agent use cases: profiles, skills, groups and presence. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import repository
from kefu.agents.errors import AgentExists, AgentNotFound, GroupExists, GroupNotFound, InvalidSkills
from kefu.agents.events import AgentPresenceChanged
from kefu.agents.hours import WeeklyHours
from kefu.agents.models import AgentGroup, AgentGroupMember, AgentProfile, AgentSkill, PresenceLog, Skill
from kefu.agents.presence import SELF_SERVICE, Presence, ensure_transition
from kefu.agents.skills import parse_skills
from kefu.core.errors import InvalidInput, PermissionDenied
from kefu.core.events import record

SKILL_LABELS_ZH = {
    "cdma": "CDMA", "gsm": "GSM", "data": "数据业务", "x1": "1X", "broadband": "宽带", "billing": "账务",
    "complaint": "投诉", "vip": "VIP", "english": "英语",
}


def ensure_skill(session: Session, name: str, *, label_zh: str | None = None) -> Skill:
    parse_skills(name)  # validates the name
    skill = session.get(Skill, name)
    if skill is None:
        skill = Skill(name=name, label_zh=label_zh or SKILL_LABELS_ZH.get(name, name))
        session.add(skill)
        session.flush()
    return skill


def list_skills(session: Session) -> list[Skill]:
    return repository.skills(session)


def known_skills(session: Session) -> set[str]:
    return repository.skill_names(session)


def _skills(session: Session, skills: dict[str, int] | str) -> dict[str, int]:
    levels = parse_skills(skills) if isinstance(skills, str) else dict(skills)
    unknown = sorted(set(levels) - known_skills(session))
    if unknown:
        raise InvalidSkills(", ".join(unknown), "技能未登记，请先在技能目录中新增", "not in the skill catalogue; add it first")
    return levels


def _capacity(voice: int, chat: int, email: int) -> None:
    if not (0 <= voice <= 1 and 0 <= chat <= 10 and 0 <= email <= 20):
        raise InvalidInput(
            "并发上限有误：语音 0–1，在线会话 0–10，邮件 0–20",
            "Capacity out of range: voice 0–1, chat 0–10, e-mail 0–20",
            code="invalid_capacity",
        )


def create_agent(
    session: Session, *, user_id: int, employee_no: str, display_name: str, skills: dict[str, int] | str,
    now: datetime, language: str = "zh", voice: int = 1, chat: int = 3, email: int = 5, wrap_up_seconds: int = 15,
) -> AgentProfile:
    if repository.agent_by_user(session, user_id) or repository.agent_by_employee_no(session, employee_no):
        raise AgentExists(employee_no)
    _capacity(voice, chat, email)
    levels = _skills(session, skills)
    agent = AgentProfile(
        user_id=user_id, employee_no=employee_no, display_name=display_name, language=language,
        capacity_voice=voice, capacity_chat=chat, capacity_email=email, wrap_up_seconds=wrap_up_seconds,
        presence=Presence.SIGNED_OUT.value, presence_since=now, created_at=now,
        skills=[AgentSkill(skill=name, level=level) for name, level in levels.items()], memberships=[],
    )
    session.add(agent)
    session.flush()
    return agent


def get_agent(session: Session, agent_id: int, *, for_update: bool = False) -> AgentProfile:
    agent = repository.agent_by_id(session, agent_id, for_update=for_update)
    if agent is None:
        raise AgentNotFound(agent_id)
    return agent


def agent_for_user(session: Session, user_id: int) -> AgentProfile:
    agent = repository.agent_by_user(session, user_id)
    if agent is None:
        raise AgentNotFound(f"user {user_id}")
    return agent


def list_agents(session: Session, *, presence: list[str] | None = None) -> list[AgentProfile]:
    return repository.agents(session, presence=presence)


def update_agent(
    session: Session, agent: AgentProfile, *, skills: dict[str, int] | str | None = None,
    voice: int | None = None, chat: int | None = None, email: int | None = None, language: str | None = None,
) -> AgentProfile:
    if skills is not None:
        levels = _skills(session, skills)
        agent.skills = [AgentSkill(skill=name, level=level) for name, level in levels.items()]
    voice = agent.capacity_voice if voice is None else voice
    chat = agent.capacity_chat if chat is None else chat
    email = agent.capacity_email if email is None else email
    _capacity(voice, chat, email)
    agent.capacity_voice, agent.capacity_chat, agent.capacity_email = voice, chat, email
    if language is not None:
        agent.language = language
    agent.touch_attrs()
    session.flush()
    return agent


def create_group(
    session: Session, *, code: str, name: str, hours: str = "00:00-24:00", weekdays: str = "0123456", now: datetime,
) -> AgentGroup:
    if repository.group_by_code(session, code):
        raise GroupExists(code)
    days = frozenset(int(d) for d in weekdays if d.isdigit() and int(d) < 7)
    WeeklyHours.parse(hours, weekdays=days or None)  # validates
    group = AgentGroup(code=code, name=name, hours=hours, weekdays="".join(sorted({str(d) for d in days})) or "0123456",
                       created_at=now)
    session.add(group)
    session.flush()
    return group


def get_group(session: Session, code: str) -> AgentGroup:
    group = repository.group_by_code(session, code)
    if group is None:
        raise GroupNotFound(code)
    return group


def list_groups(session: Session) -> list[AgentGroup]:
    return repository.groups(session)


def add_to_group(session: Session, group: AgentGroup, agent: AgentProfile) -> None:
    if all(m.group_id != group.id for m in agent.memberships):
        agent.memberships.append(AgentGroupMember(group_id=group.id, agent_id=agent.id))
        agent.touch_attrs()
        session.flush()


def group_hours(group: AgentGroup) -> WeeklyHours:
    return WeeklyHours.parse(group.hours, weekdays=frozenset(int(d) for d in group.weekdays), tz=group.tz)


def all_group_hours(session: Session) -> dict[str, WeeklyHours]:
    return {g.code: group_hours(g) for g in repository.groups(session)}


def change_presence(
    session: Session, agent: AgentProfile, *, to: str, now: datetime, reason: str | None = None,
    by_routing: bool = False,
) -> PresenceLog:
    """Moves the agent to `to` (409 on an impossible change), logs it and records
    AgentPresenceChanged. Only routing sets talking / wrap-up."""
    wanted = ensure_transition(agent.presence, to, reason=reason)
    if not by_routing and wanted not in SELF_SERVICE:
        raise PermissionDenied(
            "通话和整理状态由系统设置，不能手动切换", "Talking and wrap-up are set by routing, not by hand",
            code="presence_set_by_routing",
        )
    entry = PresenceLog(agent_id=agent.id, previous=agent.presence, state=wanted.value,
                        reason=reason if wanted is Presence.BREAK else None, at=now)
    agent.presence, agent.presence_reason, agent.presence_since = wanted.value, entry.reason, now
    session.add(entry)
    session.flush()
    record(session, AgentPresenceChanged(agent.id, entry.previous, entry.state, entry.reason, now), now=now)
    return entry


def end_wrap_ups(session: Session, *, now: datetime) -> int:
    """Agents whose wrap-up time is over become ready again (routing calls this each tick)."""
    done = repository.wrap_up_over(session, now)
    for agent in done:
        change_presence(session, agent, to=Presence.READY, now=now, by_routing=True)
    return len(done)


def presence_history(session: Session, agent: AgentProfile, *, since: datetime | None = None) -> list[PresenceLog]:
    return repository.presence_log(session, agent.id, since=since)


@dataclass(frozen=True)
class RoutableAgent:
    """What routing needs of an agent, as plain values."""

    id: int
    attrs: dict[str, Any]
    capacity: dict[str, int]
    presence: str
    presence_since: datetime
    groups: list[str] = field(default_factory=list)


def routable_agents(session: Session, *, lock: bool = False) -> list[RoutableAgent]:
    """Every signed-in agent, with skills, language and groups as expression attributes.
    With lock, rows another transaction holds are skipped (see repository.agents)."""
    signed_in = [p.value for p in Presence if p is not Presence.SIGNED_OUT]
    groups = repository.group_codes_by_agent(session)
    return [
        RoutableAgent(
            a.id, {"skills": a.skill_levels(), "language": a.language, "groups": groups.get(a.id, [])},
            a.capacity(), a.presence, a.presence_since, groups.get(a.id, []),
        )
        for a in repository.agents(session, presence=signed_in, lock=lock)
    ]


def agent_by_employee_no(session: Session, employee_no: str) -> AgentProfile | None:
    """The agent with this 工号 (how the telephony switch names the seat), or None."""
    return repository.agent_by_employee_no(session, employee_no)

@dataclass(frozen=True)
class RosterEntry:
    """An agent's state as routing re-reads it every tick (no skills: see attributes)."""

    id: int
    presence: str
    presence_since: datetime
    capacity: dict[str, int]
    attrs_stamp: str


def routable_roster(session: Session, *, lock: bool = False, ids: list[int] | None = None) -> list[RosterEntry]:
    """Every signed-in agent (of `ids` if given) as plain values, cheap enough for every
    dispatch tick; the attributes that change rarely come from `attributes` when
    `attrs_stamp` changed. With lock, rows another transaction holds are skipped."""
    signed_in = [p.value for p in Presence if p is not Presence.SIGNED_OUT]
    rows = repository.roster(session, presence=signed_in, lock=lock, ids=ids)
    return [
        RosterEntry(agent_id, presence, since, {"voice": voice, "chat": chat, "email": email}, stamp)
        for agent_id, presence, since, voice, chat, email, stamp in rows
    ]


def attributes(session: Session, ids: list[int]) -> dict[int, tuple[str, dict[str, Any]]]:
    """(attrs_stamp, expression attributes) per agent: skills, language and groups."""
    return {
        agent_id: (stamp, {"skills": skills, "language": language, "groups": groups})
        for agent_id, (stamp, language, skills, groups) in repository.attributes_of(session, ids).items()
    }
