"""The demo's contact centre: skills, the Dongguan data-service seat (seed 004: 9:00–22:00),
queues, a hotline workflow, and agent profiles for the demo agents — so web chat, the CTI
adapter and callbacks work as soon as `kefu demo` has run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.routing import config_service

# Seed 000's seats: GSM/CDMA front line, data specialists, complaint handlers.
SKILLS = ("gsm", "cdma", "data", "broadband", "complaint", "vip")
AGENTS = {  # username → (工号, skills, chats at once)
    "agent1": ("10001", "gsm:2, cdma:1, broadband:1, complaint:1", 3),
    "agent2": ("10002", "gsm:2, cdma:2, broadband:1", 3),
    "specialist1": ("20001", "data:3, gsm:1, complaint:2, vip:1", 2),
}
WORKFLOW = {
    "name": "hotline",
    "filters": [
        {"name": "data", "match": "category == 'data'",
         "steps": [{"queue": "data_l3", "timeout": 30}, {"queue": "data_seat"}]},
        {"name": "complaint", "match": "category == 'complaint'", "steps": [{"queue": "complaint"}]},
        {"name": "vip", "match": "vip_level >= 3", "priority": 5, "steps": [{"queue": "front"}]},
    ],
    "default": {"queue": "front"},
}


def create_centre(session: Session, *, user_ids: dict[str, int], names: dict[str, str], now: datetime) -> int:
    """Sets the centre up once (nothing when a workflow exists already); returns the number of
    agent profiles created for the demo users in `user_ids`."""
    if config_service.list_queues(session):
        return 0
    for skill in SKILLS:
        agents.ensure_skill(session, skill)
    agents.create_group(session, code="data_seat", name="东莞数据业务专席", hours="09:00-22:00", now=now)
    config_service.save_queue(session, name="front", expression="skills.gsm >= 1", now=now)
    config_service.save_queue(session, name="complaint", expression="skills.complaint >= 1",
                              strategy="highest_skill", skill="complaint", now=now)
    config_service.save_queue(session, name="data_l3", expression="skills.data >= 3", group="data_seat", now=now)
    config_service.save_queue(session, name="data_seat", expression="skills.data >= 2", strategy="highest_skill",
                              skill="data", group="data_seat", now=now)
    config_service.save_workflow(session, definition=WORKFLOW, by="demo", now=now)
    created = 0
    for username, (employee_no, skills, chats) in AGENTS.items():
        if username not in user_ids:
            continue
        agent = agents.create_agent(session, user_id=user_ids[username], employee_no=employee_no,
                                    display_name=names[username], skills=skills, chat=chats, now=now)
        if "data:" in skills:
            agents.add_to_group(session, agents.get_group(session, "data_seat"), agent)
        created += 1
    return created
