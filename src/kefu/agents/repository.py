"""Every query on the agent tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kefu.agents.models import AgentGroup, AgentGroupMember, AgentProfile, AgentSkill, PresenceLog, Skill


def _with_details():
    return (selectinload(AgentProfile.skills), selectinload(AgentProfile.memberships))


def agent_by_id(session: Session, agent_id: int, *, for_update: bool = False) -> AgentProfile | None:
    query = select(AgentProfile).where(AgentProfile.id == agent_id).options(*_with_details())
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def agent_by_user(session: Session, user_id: int) -> AgentProfile | None:
    return session.scalars(
        select(AgentProfile).where(AgentProfile.user_id == user_id).options(*_with_details())
    ).first()


def agent_by_employee_no(session: Session, employee_no: str) -> AgentProfile | None:
    return session.scalars(select(AgentProfile).where(AgentProfile.employee_no == employee_no)).first()


def agents(
    session: Session, *, presence: Sequence[str] | None = None, lock: bool = False
) -> list[AgentProfile]:
    """Active agents; with lock, the rows are locked FOR UPDATE SKIP LOCKED (PostgreSQL) so a
    concurrent dispatcher routes to the others rather than offering the same agent twice."""
    query = select(AgentProfile).where(AgentProfile.active.is_(True)).options(*_with_details())
    if presence:
        query = query.where(AgentProfile.presence.in_(list(presence)))
    if lock:
        query = query.with_for_update(skip_locked=True, of=AgentProfile)
    return list(session.scalars(query.order_by(AgentProfile.id)))


def skills(session: Session) -> list[Skill]:
    return list(session.scalars(select(Skill).order_by(Skill.name)))


def skill_names(session: Session) -> set[str]:
    return set(session.scalars(select(Skill.name)))


def group_by_code(session: Session, code: str) -> AgentGroup | None:
    return session.scalars(select(AgentGroup).where(AgentGroup.code == code)).first()


def groups(session: Session) -> list[AgentGroup]:
    return list(session.scalars(select(AgentGroup).order_by(AgentGroup.code)))


def roster(
    session: Session, *, presence: Sequence[str], lock: bool, ids: Sequence[int] | None = None
) -> list[tuple[int, str, datetime, int, int, int, str]]:
    """(id, presence, presence_since, voice, chat, email capacity, attrs_stamp) of active
    agents (of `ids` if given), plain rows (no ORM objects); locked as `agents` locks them."""
    query = (
        select(AgentProfile.id, AgentProfile.presence, AgentProfile.presence_since, AgentProfile.capacity_voice,
               AgentProfile.capacity_chat, AgentProfile.capacity_email, AgentProfile.attrs_stamp)
        .where(AgentProfile.active.is_(True), AgentProfile.presence.in_(list(presence)))
        .order_by(AgentProfile.id)
    )
    if ids is not None:
        query = query.where(AgentProfile.id.in_(list(ids)))
    if lock:
        query = query.with_for_update(skip_locked=True, of=AgentProfile)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def attributes_of(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str, dict[str, int], list[str]]]:
    """(attrs_stamp, language, skill levels, group codes) of the given agents."""
    found: dict[int, tuple[str, str, dict[str, int], list[str]]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        for agent_id, stamp, language in session.execute(
            select(AgentProfile.id, AgentProfile.attrs_stamp, AgentProfile.language).where(AgentProfile.id.in_(chunk))
        ):
            found[agent_id] = (stamp, language, {}, [])
        for agent_id, skill, level in session.execute(
            select(AgentSkill.agent_id, AgentSkill.skill, AgentSkill.level).where(AgentSkill.agent_id.in_(chunk))
        ):
            found[agent_id][2][skill] = level
        for agent_id, code in session.execute(
            select(AgentGroupMember.agent_id, AgentGroup.code).join(AgentGroup, AgentGroup.id == AgentGroupMember.group_id)
            .where(AgentGroupMember.agent_id.in_(chunk))
        ):
            found[agent_id][3].append(code)
    return found


def group_codes_by_agent(session: Session) -> dict[int, list[str]]:
    rows = session.execute(
        select(AgentGroupMember.agent_id, AgentGroup.code).join(AgentGroup, AgentGroup.id == AgentGroupMember.group_id)
    )
    found: dict[int, list[str]] = {}
    for agent_id, code in rows:
        found.setdefault(agent_id, []).append(code)
    return found


def presence_log(session: Session, agent_id: int, *, since: datetime | None = None) -> list[PresenceLog]:
    query = select(PresenceLog).where(PresenceLog.agent_id == agent_id)
    if since is not None:
        query = query.where(PresenceLog.at >= since)
    return list(session.scalars(query.order_by(PresenceLog.at, PresenceLog.id)))


def wrap_up_over(session: Session, now: datetime) -> list[AgentProfile]:
    """Agents in wrap-up whose wrap-up time has run out (checked in Python: the limit is per agent)."""
    rows = session.scalars(select(AgentProfile).where(AgentProfile.presence == "wrap_up").with_for_update(skip_locked=True))
    return [a for a in rows if (now - a.presence_since).total_seconds() >= a.wrap_up_seconds]
