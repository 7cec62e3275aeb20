"""The supervisor board (/wallboard): SLA clocks due soon and breached, counts per
department, escalated tickets and repeat complaints, each linking to its ticket. The page
polls itself every 10 seconds through htmx and swaps only the board (no reload)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.pagination import Page
from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.tickets import service as tickets
from kefu.tickets.lifecycle import OPEN_STATUSES
from kefu.web.rendering import render
from kefu.web.ticket_views import LABELS, countdown

router = APIRouter(include_in_schema=False)

BOARD = Authorize(Role.SUPERVISOR, Role.COMPLAINT_HANDLER)
LIST_LIMIT = 50
POLL_SECONDS = 10


def _escalated(session: DbSession, principal: Principal) -> list[Any]:
    """Open escalated tickets: escalation raises the priority to high or urgent, so only
    those are read (at most 200 each), highest level first."""
    statuses = [s.value for s in OPEN_STATUSES]
    found = []
    for priority in ("urgent", "high"):
        page = tickets.list_tickets(session, tickets.TicketFilter(status=statuses, priority=priority),
                                    page_=Page(offset=0, limit=200), viewer=principal)
        found += [t for t in page.items if t.escalation_level > 0]
    return sorted(found, key=lambda t: (-t.escalation_level, t.created_at))[:LIST_LIMIT]


@router.get("/wallboard")
def wallboard(request: Request, session: DbSession, now: Now, principal: Principal = Depends(BOARD),
              within: int = Query(60, ge=5, le=24 * 60), department: str | None = Query(None, max_length=40)) -> Response:
    board = sla.board(session, now=now, within=timedelta(minutes=within), department=department or None,
                      limit=LIST_LIMIT)
    repeats = tickets.list_tickets(
        session, tickets.TicketFilter(status=[s.value for s in OPEN_STATUSES], is_repeat=True,
                                      department=department or None),
        page_=Page(offset=0, limit=LIST_LIMIT), viewer=principal)
    template = "board/_board.html" if "hx-request" in request.headers else "board/board.html"
    return render(request, template, board=board, escalated=_escalated(session, principal), repeats=repeats,
                  within=within, department=department or "", countdown=countdown, poll=POLL_SECONDS, **LABELS)
