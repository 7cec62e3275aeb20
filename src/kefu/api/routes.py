"""Every REST router, in one list: each domain's router is added here."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kefu.api import agents, auth, customers, health, intake, knowledge, routing, sla, tickets, tmf621
    from kefu.api import robot as robot_api
    from kefu.api import robot_review as robot_review_api
    from kefu.api.chat import router as chat_router
    from kefu.api.cti import router as cti_router

    return [health.router, auth.router, knowledge.router, customers.router, tickets.router, tickets.problems_router,
            sla.router, agents.router, routing.router, intake.router, intake.tickets_router, robot_api.router,
            robot_review_api.router, cti_router, chat_router, *tmf621.routers()]
