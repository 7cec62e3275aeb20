"""Agents, groups and a routing set-up for tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.models import AgentProfile

_counter = {"n": 0}


def create_agent(
    session: Session, *, now: datetime, skills: str = "gsm:2", name: str | None = None, user_id: int | None = None,
    ready: bool = False, groups: tuple[str, ...] = (), chat: int = 3,
) -> AgentProfile:
    _counter["n"] += 1
    n = _counter["n"]
    agent = agents.create_agent(
        session, user_id=user_id if user_id is not None else 100_000 + n, employee_no=f"E{n:05d}",
        display_name=name or f"坐席{n}", skills=skills, now=now, chat=chat,
    )
    for code in groups:
        agents.add_to_group(session, agents.get_group(session, code), agent)
    if ready:
        agents.change_presence(session, agent, to="signed_in", now=now)
        agents.change_presence(session, agent, to="ready", now=now)
    return agent
