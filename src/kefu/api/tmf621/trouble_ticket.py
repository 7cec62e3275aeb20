"""/tmf-api/troubleTicket/v4/troubleTicket: list (fields, offset/limit, filters), create,
retrieve, merge-patch, delete. Staff only (bearer token); DELETE for the complaint side.

Paging answers X-Total-Count and X-Result-Count, and 206 Partial Content when the page
holds fewer than all matches (200 when it holds them all)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.api.deps import STAFF, AppSettings, Authorize, DbSession, Now
from kefu.api.intake import intake_nlp
from kefu.api.tmf621.payloads import parse_create, parse_patch
from kefu.api.tmf621.query import parse_filters
from kefu.core.pagination import Page
from kefu.identity.roles import Principal, Role
from kefu.sla import service as sla
from kefu.tickets import service as tickets
from kefu.tickets import tmf, tmf_service
from kefu.tickets.errors import TicketNotFound
from kefu.tickets.schemas import TicketDetail
from kefu.tickets.tmf_errors import BadTroubleTicket, StatusNotAllowed

router = APIRouter(prefix=tmf.BASE_PATH + "/troubleTicket", tags=["TMF621 troubleTicket"])

READ = Authorize(*STAFF)
WRITE = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.ACCOUNT_MANAGER)
DELETE = Authorize(Role.COMPLAINT_HANDLER, Role.SUPERVISOR)
DEFAULT_LIMIT = 50
MERGE_PATCH = {"application/merge-patch+json": {"schema": {"type": "object"}}, "application/json": {}}


def _ticket_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise TicketNotFound(value) from None


def _expected_resolution(session: Session, ticket_id: int, now: datetime) -> datetime | None:
    """The due time of the running resolve clock (latest cycle), if the SLA module has one."""
    clocks = [c for c in sla.ticket_clocks(session, ticket_id, now=now) if c.target == "resolve" and c.stopped_at is None]
    return clocks[-1].due_at if clocks else None


def _resource(session: Session, detail: TicketDetail, *, base: str, now: datetime, fields: str | None) -> dict[str, Any]:
    wanted = None if not fields else {f.strip().split(".")[0] for f in fields.split(",")}
    expected = _expected_resolution(session, detail.id, now) if wanted is None or "expectedResolutionDate" in wanted else None
    return tmf.select_fields(tmf.to_trouble_ticket(detail, base=base, expected_resolution=expected), fields)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _one(session: Session, ticket_id: int, principal: Principal, request: Request, now: datetime,
         fields: str | None = None, *, fresh: bool = False) -> dict[str, Any]:
    detail = tickets.get_ticket(session, ticket_id, viewer=principal, fresh=fresh)
    return _resource(session, detail, base=_base(request), now=now, fields=fields)


@router.get("", response_model=list[dict[str, Any]], responses={206: {"description": "Partial Content"}})
def list_trouble_tickets(
    request: Request, session: DbSession, now: Now, settings: AppSettings,
    principal: Principal = Depends(READ),
    fields: str | None = Query(default=None, description="comma-separated attributes; id and href always"),
    offset: int = Query(default=0), limit: int = Query(default=DEFAULT_LIMIT),
) -> Any:
    filters = parse_filters(request.query_params.multi_items(), tz=settings.timezone)
    wanted = None if not fields else {f.strip().split(".")[0] for f in fields.split(",")}
    full = wanted is None or bool(wanted & tmf_service.HEAVY)
    details, total = tmf_service.list_details(session, filters, page_=Page(offset=offset, limit=limit), full=full)
    items = [_resource(session, d, base=_base(request), now=now, fields=fields) for d in details]
    # Past tmf_repository.TOTAL_CAP matches the total is not counted: no X-Total-Count, and 206.
    status = 206 if total is None or len(items) < total else 200
    headers = {"X-Result-Count": str(len(items))}
    if total is not None:
        headers["X-Total-Count"] = str(total)
    return JSONResponse(items, status_code=status, headers=headers)


@router.post("", status_code=201, response_model=dict[str, Any])
def create_trouble_ticket(
    request: Request, session: DbSession, now: Now, settings: AppSettings,
    body: Any = Body(default=None), principal: Principal = Depends(WRITE),
    idempotency_key: str | None = Header(default=None, max_length=100),
) -> Any:
    """TroubleTicket_Create → a ticket (description, severity, ticketType and a customer
    relatedParty required); notes become internal notes, relationships links. A retry
    with the same Idempotency-Key and body answers 200 with the same ticket."""
    payload = parse_create(body)
    ticket, created = tickets.open_ticket(session, payload.ticket, by=principal, now=now,
                                          idempotency_key=idempotency_key,
                                          repeat_window_days=settings.ticket_repeat_window_days,
                                          nlp=intake_nlp(settings))
    if not created:
        resource = _one(session, ticket.id, principal, request, now)
        return JSONResponse(resource, status_code=200, headers={"Location": resource["href"]})
    for text in payload.notes:
        tickets.add_note(session, ticket.id, text=text, by=principal, now=now)
    for other, kind in payload.links:
        tickets.link(session, ticket.id, to_ticket_id=other, kind=kind, by=principal, now=now)
    # Fresh: a ticket just opened has no tasks, attachments or problems (nor links, unless sent).
    resource = _one(session, ticket.id, principal, request, now, fresh=not payload.links)
    return JSONResponse(resource, status_code=201, headers={"Location": resource["href"]})


@router.get("/{id}", response_model=dict[str, Any])
def retrieve_trouble_ticket(
    id: str, request: Request, session: DbSession, now: Now, principal: Principal = Depends(READ),
    fields: str | None = Query(default=None),
) -> Any:
    return _one(session, _ticket_id(id), principal, request, now, fields)


@router.patch("/{id}", response_model=dict[str, Any], openapi_extra={"requestBody": {"content": MERGE_PATCH}})
def patch_trouble_ticket(
    id: str, request: Request, session: DbSession, now: Now, settings: AppSettings,
    body: Any = Body(default=None, media_type="application/merge-patch+json"), principal: Principal = Depends(WRITE),
) -> Any:
    """JSON merge-patch (application/merge-patch+json or application/json). Attributes
    first, then new notes, then the status step; all or nothing."""
    ticket_id = _ticket_id(id)
    current = _one(session, ticket_id, principal, request, now)
    patch = parse_patch(body, current)
    if patch.attributes:
        tmf_service.update_attributes(session, ticket_id, by=principal, now=now, **patch.attributes)
    tmf_service.add_notes(session, ticket_id, patch.notes, by=principal, now=now)
    if patch.status is not None and patch.status != current["status"]:
        _move(session, ticket_id, patch.status, reason=patch.reason, principal=principal, now=now,
              reopen_days=settings.ticket_reopen_window_days)
    return _one(session, ticket_id, principal, request, now)


def _move(session: Session, ticket_id: int, wanted: str, *, reason: str | None, principal: Principal, now: datetime,
          reopen_days: int) -> None:
    detail = tickets.get_ticket(session, ticket_id, viewer=principal, fresh=True)
    waiting = detail.waiting_since is not None
    steps = tmf.target_steps(detail.status, waiting=waiting)
    step = steps.get(wanted)
    if step is None:
        raise StatusNotAllowed(tmf.tmf_status(detail.status, waiting=waiting), wanted, sorted(steps))
    why = (reason or "").strip()
    if step == "accept":
        tickets.accept(session, ticket_id, by=principal, now=now, note=why or None)
    elif step == "customer_replied":
        tickets.customer_replied(session, ticket_id, text=why or "客户已回复（TMF621）", by=principal, now=now)
    elif step == "reopen":
        tickets.reopen(session, ticket_id, reason=why or "通过 TMF621 重新处理", by=principal, now=now,
                       window_days=reopen_days)
    elif step == "wait_on_customer":
        tickets.wait_on_customer(session, ticket_id, reason=why or "等待客户补充信息", by=principal, now=now)
    elif step == "resolve":
        tickets.resolve(session, ticket_id, by=principal, now=now, resolution=why or None)
    elif step == "close":
        tickets.return_visit(session, ticket_id, outcome="satisfied", by=principal, now=now, note=why or None)
    elif step in ("cancel", "reject"):
        if not why:
            raise BadTroubleTicket("statusChangeReason", "撤销或驳回须填写 statusChangeReason",
                                   "Cancelling or rejecting needs a statusChangeReason")
        tickets.cancel(session, ticket_id, reason=why, by=principal, now=now, reject=step == "reject")


@router.delete("/{id}", status_code=204, response_class=Response)
def delete_trouble_ticket(id: str, session: DbSession, now: Now, principal: Principal = Depends(DELETE)) -> Response:
    """Tickets are never erased: this cancels the ticket (history kept) and records
    TicketDeleted; a resolved or closed ticket cannot be deleted (409)."""
    tmf_service.withdraw(session, _ticket_id(id), reason="通过 TMF621 删除（DELETE troubleTicket）", by=principal, now=now)
    return Response(status_code=204)
