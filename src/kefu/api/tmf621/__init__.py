"""TM Forum TMF621 Trouble Ticket API v4 at /tmf-api/troubleTicket/v4/ (swagger:
shared/tmf/TMF621-TroubleTicket-v4.0.0.swagger.json): troubleTicket list/create/
retrieve/merge-patch/delete, and /hub listener subscriptions. Every error on these
paths answers in the TMF Error format."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kefu.api.tmf621 import errors, hub, trouble_ticket

    errors.install()
    return [trouble_ticket.router, hub.router]
