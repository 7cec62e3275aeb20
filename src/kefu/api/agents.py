"""Agents REST API (/api/v1/agents): profiles, skills, groups with service hours
(supervisors), and presence — each agent changes their own; a ready agent is offered
the next waiting contact at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kefu.agents import schemas
from kefu.agents import service as agents
from kefu.agents.models import AgentProfile
from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.core.errors import PermissionDenied
from kefu.identity.roles import Principal, Role
from kefu.routing import service as routing

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])

READ = Authorize(*STAFF)
EDIT = Authorize(Role.SUPERVISOR)
SEAT = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR)


def _out(agent: AgentProfile) -> schemas.AgentOut:
    return schemas.AgentOut(
        id=agent.id, user_id=agent.user_id, employee_no=agent.employee_no, display_name=agent.display_name,
        language=agent.language, skills=agent.skill_levels(), capacity=agent.capacity(),
        wrap_up_seconds=agent.wrap_up_seconds, presence=agent.presence,
        presence_reason=agent.presence_reason, presence_since=agent.presence_since,
    )


@router.get("/skills", response_model=list[schemas.SkillOut])
def list_skills(session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    return agents.list_skills(session)


@router.post("/skills", response_model=schemas.SkillOut, status_code=201)
def add_skill(body: schemas.SkillIn, session: DbSession, _: Principal = Depends(EDIT)) -> Any:
    return agents.ensure_skill(session, body.name, label_zh=body.label_zh)


@router.get("/groups", response_model=list[schemas.GroupOut])
def list_groups(session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    return agents.list_groups(session)


@router.post("/groups", response_model=schemas.GroupOut, status_code=201)
def create_group(body: schemas.GroupIn, session: DbSession, now: Now, _: Principal = Depends(EDIT)) -> Any:
    return agents.create_group(session, code=body.code, name=body.name, hours=body.hours, weekdays=body.weekdays,
                               now=now)


@router.get("", response_model=list[schemas.AgentOut])
def list_agents(session: DbSession, _: Principal = Depends(READ)) -> list[schemas.AgentOut]:
    return [_out(a) for a in agents.list_agents(session)]


@router.post("", response_model=schemas.AgentOut, status_code=201)
def create_agent(body: schemas.AgentIn, session: DbSession, now: Now, _: Principal = Depends(EDIT)) -> schemas.AgentOut:
    agent = agents.create_agent(session, user_id=body.user_id, employee_no=body.employee_no,
                                display_name=body.display_name, skills=body.skills, language=body.language,
                                voice=body.voice, chat=body.chat, email=body.email, wrap_up_seconds=body.wrap_up_seconds,
                                now=now)
    for code in body.groups:
        agents.add_to_group(session, agents.get_group(session, code), agent)
    return _out(agents.get_agent(session, agent.id))


@router.patch("/{agent_id}", response_model=schemas.AgentOut)
def update_agent(agent_id: int, body: schemas.AgentPatch, session: DbSession, _: Principal = Depends(EDIT)) -> schemas.AgentOut:
    agent = agents.get_agent(session, agent_id)
    agents.update_agent(session, agent, skills=body.skills, voice=body.voice, chat=body.chat, email=body.email,
                        language=body.language)
    return _out(agent)


@router.get("/me", response_model=schemas.AgentOut)
def me(session: DbSession, principal: Principal = Depends(SEAT)) -> schemas.AgentOut:
    return _out(agents.agent_for_user(session, principal.user_id or 0))


@router.post("/me/presence", response_model=schemas.PresenceOut)
def change_my_presence(body: schemas.PresenceIn, session: DbSession, now: Now,
                       principal: Principal = Depends(SEAT)) -> Any:
    """signed_in / ready / break (with a reason) / signed_out; an impossible change is 409."""
    agent = agents.agent_for_user(session, principal.user_id or 0)
    entry = agents.change_presence(session, agent, to=body.state, reason=body.reason, now=now)
    if agent.presence == "ready":
        routing.dispatch_if_configured(session, now=now)
    return entry


@router.get("/{agent_id}/presence-log", response_model=list[schemas.PresenceOut])
def presence_log(agent_id: int, session: DbSession, principal: Principal = Depends(SEAT)) -> list[Any]:
    agent = agents.get_agent(session, agent_id)
    if agent.user_id != principal.user_id and not principal.has_any({Role.SUPERVISOR}):
        raise PermissionDenied("只能查看自己的状态记录", "You may only see your own presence log", code="not_your_log")
    return agents.presence_history(session, agent)
