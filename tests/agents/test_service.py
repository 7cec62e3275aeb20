"""Agent profiles, groups and presence on the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.agents import service as agents
from kefu.agents.errors import AgentExists, InvalidPresenceChange, InvalidSkills
from kefu.core.errors import PermissionDenied
from kefu.core.events import OutboxEntry
from tests.factories.agents import create_agent


def test_an_agent_has_skills_with_levels_from_the_catalogue(session, now):
    agent = create_agent(session, now=now, skills="data:3, gsm:2, english")
    assert agent.skill_levels() == {"data": 3, "gsm": 2, "english": 1}
    with pytest.raises(InvalidSkills):
        create_agent(session, now=now, skills="telepathy:2")


def test_the_same_user_cannot_have_two_profiles(session, now):
    create_agent(session, now=now, user_id=7)
    with pytest.raises(AgentExists):
        create_agent(session, now=now, user_id=7)


def test_every_presence_change_is_logged_with_its_time(session, now):
    agent = create_agent(session, now=now)
    agents.change_presence(session, agent, to="signed_in", now=now)
    agents.change_presence(session, agent, to="ready", now=now + timedelta(minutes=1))
    agents.change_presence(session, agent, to="break", reason="就餐", now=now + timedelta(minutes=30))
    log = agents.presence_history(session, agent)
    assert [(e.previous, e.state, e.reason) for e in log] == [
        ("signed_out", "signed_in", None), ("signed_in", "ready", None), ("ready", "break", "就餐"),
    ]
    assert log[2].at == now + timedelta(minutes=30)
    assert agent.presence == "break" and agent.presence_since == now + timedelta(minutes=30)
    assert session.query(OutboxEntry).filter_by(event_type="AgentPresenceChanged").count() == 3


def test_an_impossible_presence_change_is_refused_and_not_logged(session, now):
    agent = create_agent(session, now=now)
    with pytest.raises(InvalidPresenceChange):
        agents.change_presence(session, agent, to="ready", now=now)
    assert agents.presence_history(session, agent) == []
    assert agent.presence == "signed_out"


def test_agents_cannot_set_talking_themselves(session, now):
    agent = create_agent(session, now=now, ready=True)
    with pytest.raises(PermissionDenied):
        agents.change_presence(session, agent, to="talking", now=now)


def test_a_group_has_service_hours(session, now):
    group = agents.create_group(session, code="data_seat", name="数据业务专席", hours="09:00-22:00", now=now)
    assert agents.group_hours(group).label() == "09:00-22:00"
    agent = create_agent(session, now=now, skills="data:3", groups=("data_seat",), ready=True)
    routable = {a.id: a for a in agents.routable_agents(session)}
    assert routable[agent.id].attrs == {"skills": {"data": 3}, "language": "zh", "groups": ["data_seat"]}
