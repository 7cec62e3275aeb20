"""A small centre on the database: front line, the Dongguan data seat, a workflow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.routing import config_service


def create_centre(session: Session, *, now: datetime) -> None:
    agents.create_group(session, code="data_seat", name="数据业务专席", hours="09:00-22:00", now=now)
    config_service.save_queue(session, name="front", expression="skills.gsm >= 1", now=now)
    config_service.save_queue(session, name="data_l3", expression="skills.data >= 3", group="data_seat", now=now)
    config_service.save_queue(session, name="data_seat", expression="skills.data >= 2", strategy="highest_skill",
                              group="data_seat", now=now)
    config_service.save_workflow(session, by="test", now=now, definition={
        "name": "hotline",
        "filters": [{"name": "data", "match": "category == 'data'",
                     "steps": [{"queue": "data_l3", "timeout": 30}, {"queue": "data_seat"}]},
                    {"name": "vip", "match": "vip_level >= 3", "priority": 5, "steps": [{"queue": "front"}]}],
        "default": {"queue": "front"},
    })
