"""The agent workspace: my queue (/tickets), the ticket form beside the customer's 360
summary (/tickets/new) with intake suggestions while typing, and the ticket page
(/tickets/{id}) with its timeline, tasks, findings, remedies, SLA clocks and only the
legal next steps. The steps themselves are posted to web/ticket_actions.py."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kefu.api.deps import AppSettings, Authorize, DbSession, Now
from kefu.api.intake import intake_nlp
from kefu.core.errors import KefuError
from kefu.core.pagination import Page
from kefu.customers import service as customers
from kefu.feedback import service as feedback
from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.tickets import lifecycle, schemas
from kefu.tickets import service as tickets
from kefu.tickets.lifecycle import OPEN_STATUSES
from kefu.web.customers import LABELS as CUSTOMER_LABELS
from kefu.web.rendering import language, render
from kefu.web.ticket_views import (
    FRONT,
    HANDLERS,
    LABELS,
    SUPERVISORS,
    clock_rows,
    countdown,
    least_time_left,
    steps,
    who,
)

router = APIRouter(include_in_schema=False)

QUEUE_LIMIT = 50
VIEW = Authorize(*HANDLERS)
OPEN = Authorize(*FRONT, Role.SUPERVISOR)
SUGGEST = Authorize(*FRONT, Role.SUPERVISOR, Role.ADMIN)
OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)
WAIT_VALUES = frozenset(s.value for s in lifecycle.ACTIONS["wait_on_customer"])
AGENT_TYPES = ("complaint", "fault", "consultation", "service_request", "suggestion", "cross_region", "external")


def _queue(session: DbSession, principal: Principal, now: Any) -> list[dict[str, Any]]:
    """Open tickets I own plus those with a task for my department (all open ones for a
    supervisor), least SLA time left first; no running clock sorts last."""
    statuses = [s.value for s in OPEN_STATUSES]
    page = Page(offset=0, limit=QUEUE_LIMIT)
    found: dict[int, Any] = {}
    filters = [tickets.TicketFilter(status=statuses, owner_id=principal.user_id)]
    department = principal.department
    if department:
        filters.append(tickets.TicketFilter(status=statuses, task_department=department))
    if principal.has_any(frozenset({Role.SUPERVISOR})):
        filters.append(tickets.TicketFilter(status=statuses))
    for f in filters:
        for item in tickets.list_tickets(session, f, page_=page, viewer=principal).items:
            found.setdefault(item.id, item)
    # One query for the clocks of the whole page, not one per ticket.
    clocks = sla.open_clocks_of_tickets(session, list(found), now=now)
    rows = []
    for item in found.values():
        clock = least_time_left(clocks[item.id])
        rows.append({"ticket": item, "clock": clock, "mine": item.owner_id == principal.user_id})
    rows.sort(key=lambda r: (r["clock"] is None, r["clock"].remaining_seconds if r["clock"] else 0,
                             -r["ticket"].created_at.timestamp()))
    return rows[:QUEUE_LIMIT]


@router.get("/tickets")
def queue_page(request: Request, session: DbSession, now: Now,
               principal: Principal = Depends(Authorize(*FRONT, Role.SUPERVISOR))) -> Response:
    rows = _queue(session, principal, now)
    template = "tickets/_queue.html" if "hx-request" in request.headers else "tickets/queue.html"
    return render(request, template, rows=rows, countdown=countdown, department=principal.department,
                  **LABELS)


def _form_page(request: Request, session: DbSession, now: Any, *, subscriber_id: int, values: dict[str, Any],
               error: str | None = None, status: int = 200) -> Response:
    view = customers.customer_360(session, subscriber_id, now=now)
    history = tickets.list_tickets(session, tickets.TicketFilter(subscriber_id=subscriber_id),
                                   page_=Page(offset=0, limit=5), viewer=request.state.principal).items
    return render(request, "tickets/new.html", status_code=status, view=view, values=values, error=error,
                  history=history, agent_types=AGENT_TYPES, **LABELS, customer_labels=CUSTOMER_LABELS)


@router.get("/tickets/new")
def new_ticket(request: Request, session: DbSession, now: Now, subscriber_id: int,
               principal: Principal = Depends(OPEN)) -> Response:
    values = {"type": "complaint", "channel": "hotline", "core_demand": "", "description": "", "category": "",
              "department": "", "emotion": "calm", "priority": "", "idempotency_key": uuid.uuid4().hex}
    return _form_page(request, session, now, subscriber_id=subscriber_id, values=values)


@router.post("/tickets")
async def create_ticket(request: Request, session: DbSession, now: Now, settings: AppSettings,
                        principal: Principal = Depends(OPEN)) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in (
        "type", "channel", "core_demand", "description", "category", "department", "emotion", "priority",
        "subscriber_id", "idempotency_key")}
    try:
        subscriber_id = int(values["subscriber_id"])
    except ValueError:
        subscriber_id = 0
    try:
        body = schemas.TicketCreate(
            type=values["type"], subscriber_id=subscriber_id, channel=values["channel"],
            core_demand=values["core_demand"], description=values["description"],
            emotion=values["emotion"] or "calm", category=values["category"] or None,
            department=values["department"] or None, priority=values["priority"] or None,  # type: ignore[arg-type]
            classification_source="agent" if values["category"] else None,
        )
        ticket, _created = tickets.open_ticket(
            session, body, by=principal, now=now, idempotency_key=values["idempotency_key"] or None,
            repeat_window_days=settings.ticket_repeat_window_days, nlp=intake_nlp(settings),
        )
    except ValidationError:
        return _form_page(request, session, now, subscriber_id=subscriber_id, values=values, status=422,
                          error="请填写客户的核心诉求（400 字以内）并检查各项选择")
    except KefuError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        return _form_page(request, session, now, subscriber_id=subscriber_id, values=values,
                          status=error.status_code, error=error.message(language(request)))
    target = f"/tickets/{ticket.id}"
    if "hx-request" in request.headers:
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/tickets/new/suggest")
async def suggest_fragment(request: Request, session: DbSession, now: Now, settings: AppSettings,
                           principal: Principal = Depends(SUGGEST)) -> Response:
    """The suggestions panel (htmx, every pause in typing): category, department, emotion,
    urgency, the hint and similar open tickets; the page's script fills empty fields."""
    form = await request.form()
    text = f"{form.get('core_demand', '')}\n{form.get('description', '')}".strip()
    try:
        subscriber_id = int(str(form.get("subscriber_id", "")))
    except ValueError:
        subscriber_id = None
    ticket_type = str(form.get("type", "")) or None
    result = tickets.suggest(session, text, subscriber_id=subscriber_id, now=now, nlp=intake_nlp(settings),
                             ticket_type=ticket_type) if text else None
    return render(request, "tickets/_suggest.html", s=result, **LABELS)


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, session: DbSession, now: Now, ticket_id: int,
                principal: Principal = Depends(VIEW)) -> Response:
    detail = tickets.get_ticket(session, ticket_id, viewer=principal)
    clocks = clock_rows(session, ticket_id, now=now)
    proposed = any(r.consent == "proposed" for r in detail.remedies)
    view = customers.customer_360(session, detail.subscriber_id, now=now)
    return render(
        request, "tickets/detail.html", t=detail, clocks=clocks, countdown=countdown, who=who, view=view,
        steps=steps(detail.status, principal, has_proposed_remedy=proposed), now=now, **LABELS,
        may_escalate=principal.has_any(frozenset(SUPERVISORS)) and detail.status in OPEN_VALUES,
        may_wait=detail.waiting_since is None and detail.status in WAIT_VALUES,
        products=[(p.product_code, p.product_name) for p in view.products],
        rating=feedback.rating_of_ticket(session, ticket_id),
    )
