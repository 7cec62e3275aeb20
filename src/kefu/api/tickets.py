"""Tickets REST API (/api/v1/tickets): open (with Idempotency-Key), list with filters and
paging, the full ticket, and one POST per lifecycle step. Staff roles per step; a portal
subscriber may file, follow, message, attach and answer remedies on their own tickets
only (anyone else's is 404). A stale `version` in a body is 409."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kefu.api.deps import STAFF, AppSettings, Authorize, DbSession, Now, ReadSessions
from kefu.api.intake import intake_nlp
from kefu.core.errors import InvalidInput
from kefu.core.pagination import Page
from kefu.customers.errors import SubscriberNotFound
from kefu.identity.roles import Principal, Role
from kefu.settings import Settings
from kefu.tickets import schemas, service

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])

READ = Authorize(*STAFF, Role.SUBSCRIBER)
HANDLE = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.ACCOUNT_MANAGER)
HANDLE_OR_CUSTOMER = Authorize(
    Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.SUBSCRIBER
)
# Money and line changes, cancellations and escalations: the complaint side, not every agent.
DECIDE = Authorize(Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR)
SUPERVISE = Authorize(Role.COMPLAINT_HANDLER, Role.SUPERVISOR)

Detail = schemas.TicketDetail


def _detail(session: DbSession, ticket_id: int, principal: Principal) -> Detail:
    return service.get_ticket(session, ticket_id, viewer=principal)


def _local_to_utc(value: datetime | None, tz: str) -> datetime | None:
    """Query-string times without a zone are the centre's local time."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(tz)) if value.tzinfo is None else value


SELF_SERVICE_TYPES = {"consultation", "service_request", "fault", "complaint", "suggestion"}
SELF_SERVICE_CHANNELS = {"app", "web", "wechat", "email", "sms"}


def _self_service(body: schemas.TicketCreate, principal: Principal) -> schemas.TicketCreate:
    """A subscriber files for themself, through an online channel; how urgent it is and
    where it goes is for the centre to decide, not the form."""
    if body.subscriber_id != principal.subscriber_id:
        raise SubscriberNotFound(body.subscriber_id)
    if body.type not in SELF_SERVICE_TYPES or body.channel not in SELF_SERVICE_CHANNELS:
        raise InvalidInput(
            f"自助渠道可提交的类型：{'、'.join(sorted(SELF_SERVICE_TYPES))}；渠道：{'、'.join(sorted(SELF_SERVICE_CHANNELS))}",
            f"Self-service may file {', '.join(sorted(SELF_SERVICE_TYPES))} through "
            f"{', '.join(sorted(SELF_SERVICE_CHANNELS))}",
            code="self_service_not_allowed",
        )
    return body.model_copy(update={"priority": None, "department": None, "root_cause": None,
                                   "classification_source": None, "classification_model": None})


@router.post("", response_model=Detail, status_code=201, responses={200: {"description": "replayed Idempotency-Key"}})
async def open_ticket(
    body: schemas.TicketCreate,
    session: DbSession,
    reading: ReadSessions,
    now: Now,
    settings: AppSettings,
    principal: Principal = Depends(Authorize(*STAFF, Role.SUBSCRIBER)),
    idempotency_key: str | None = Header(default=None, max_length=100),
) -> Response:
    """Opens a ticket. A retry with the same Idempotency-Key and body returns the same
    ticket (200); the same key with another body is 409."""
    if principal.kind != "staff":
        body = _self_service(body, principal)
    # One hop to the thread pool for the whole use case, not one per step.
    return await run_in_threadpool(_open_ticket, body, session, reading, now, settings, principal, idempotency_key)


def _open_ticket(
    body: schemas.TicketCreate, session: Session, reading: sessionmaker[Session], now: datetime, settings: Settings,
    principal: Principal, idempotency_key: str | None,
) -> Response:
    nlp = intake_nlp(settings)
    # Validating, reading the customer and classifying need no write lock; on SQLite the
    # writer holds it only while `store` inserts, so concurrent creates do not queue behind
    # each other's classifier.
    with reading() as read:
        prepared = service.prepare_ticket(read, body, by=principal, now=now, idempotency_key=idempotency_key, nlp=nlp)
    done = service.store_ticket(
        session, prepared, by=principal, now=now, idempotency_key=idempotency_key,
        repeat_window_days=settings.ticket_repeat_window_days, nlp=nlp,
    )
    # Committed here rather than when the request ends, so the lock is not held while the
    # answer is built.
    session.commit()
    with reading() as read:
        detail = service.opened_detail(read, done, viewer=principal)
    return Response(detail.model_dump_json(), status_code=201 if done.created else 200, media_type="application/json")


@router.get("", response_model=schemas.TicketPage)
def list_tickets(
    session: DbSession,
    settings: AppSettings,
    principal: Principal = Depends(READ),
    status: list[str] | None = Query(default=None, description="repeatable: ?status=intake&status=dispatched"),
    type: str | None = None,
    category: str | None = None,
    department: str | None = None,
    priority: str | None = None,
    subscriber_id: int | None = None,
    owner_id: int | None = None,
    repeat: bool | None = None,
    task_department: str | None = Query(default=None, description="tickets with a task for this department"),
    task_city: str | None = None,
    created_from: datetime | None = Query(default=None, description="inclusive; local time if no zone"),
    created_to: datetime | None = Query(default=None, description="exclusive; local time if no zone"),
    offset: int = 0,
    limit: int = 50,
) -> schemas.TicketPage:
    filters = service.TicketFilter(
        status=status, type=type, category=category, department=department, priority=priority,
        subscriber_id=subscriber_id, owner_id=owner_id, is_repeat=repeat, task_department=task_department,
        task_city=task_city, created_from=_local_to_utc(created_from, settings.timezone),
        created_to=_local_to_utc(created_to, settings.timezone),
    )
    return service.list_tickets(session, filters, page_=Page(offset=offset, limit=limit), viewer=principal)


@router.get("/{ticket_id}", response_model=Detail)
def get_ticket(ticket_id: int, session: DbSession, principal: Principal = Depends(READ)) -> Detail:
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/accept", response_model=Detail)
def accept(ticket_id: int, body: schemas.Accept, session: DbSession, now: Now,
           principal: Principal = Depends(HANDLE)) -> Detail:
    service.accept(session, ticket_id, by=principal, now=now, version=body.version, note=body.note)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/dispatch", response_model=Detail)
def dispatch(ticket_id: int, body: schemas.DispatchTask, session: DbSession, now: Now,
             principal: Principal = Depends(HANDLE)) -> Detail:
    service.dispatch(
        session, ticket_id, department=body.department, city=body.city, assignee_id=body.assignee_id,
        instructions=body.instructions, due_at=body.due_at, by=principal, now=now, version=body.version,
    )
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/tasks/{task_id}/accept", response_model=Detail)
def accept_task(ticket_id: int, task_id: int, session: DbSession, now: Now,
                principal: Principal = Depends(HANDLE)) -> Detail:
    service.accept_task(session, ticket_id, task_id, by=principal, now=now)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/tasks/{task_id}/progress", response_model=Detail)
def task_progress(ticket_id: int, task_id: int, body: schemas.TaskUpdate, session: DbSession, now: Now,
                  principal: Principal = Depends(HANDLE)) -> Detail:
    service.task_progress(session, ticket_id, task_id, note=body.note, visibility=body.visibility, by=principal,
                          now=now)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/tasks/{task_id}/complete", response_model=Detail)
def complete_task(ticket_id: int, task_id: int, body: schemas.TaskComplete, session: DbSession, now: Now,
                  principal: Principal = Depends(HANDLE)) -> Detail:
    service.complete_task(session, ticket_id, task_id, result=body.result, by=principal, now=now)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/findings", response_model=Detail)
def record_finding(ticket_id: int, body: schemas.FindingCreate, session: DbSession, now: Now,
                   principal: Principal = Depends(HANDLE)) -> Detail:
    service.record_finding(
        session, ticket_id, track=body.track, summary=body.summary, evidence=body.evidence,
        attachment_ids=body.attachment_ids, task_id=body.task_id, by=principal, now=now, version=body.version,
    )
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/remedies", response_model=Detail)
def propose_remedy(ticket_id: int, body: schemas.RemedyCreate, session: DbSession, now: Now,
                   principal: Principal = Depends(DECIDE)) -> Detail:
    service.propose_remedy(
        session, ticket_id, kind=body.kind, description=body.description, amount_fen=body.amount_fen,
        data_mb=body.data_mb, basis=body.basis, product_code=body.product_code, multiplier=body.multiplier,
        by=principal, now=now, version=body.version,
    )
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/remedies/{remedy_id}/consent", response_model=Detail)
def consent(ticket_id: int, remedy_id: int, body: schemas.Consent, session: DbSession, now: Now,
            principal: Principal = Depends(HANDLE_OR_CUSTOMER)) -> Detail:
    service.give_consent(session, ticket_id, remedy_id, agreed=body.agreed, note=body.note, by=principal, now=now,
                         version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/remedies/{remedy_id}/apply", response_model=Detail)
def apply_remedy(ticket_id: int, remedy_id: int, body: schemas.Versioned, session: DbSession, now: Now,
                 principal: Principal = Depends(DECIDE)) -> Detail:
    service.apply_remedy(session, ticket_id, remedy_id, by=principal, now=now, version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/resolve", response_model=Detail)
def resolve(ticket_id: int, body: schemas.Resolve, session: DbSession, now: Now,
            principal: Principal = Depends(HANDLE)) -> Detail:
    service.resolve(session, ticket_id, resolution=body.resolution, by=principal, now=now, version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/return-visit", response_model=Detail)
def return_visit(ticket_id: int, body: schemas.ReturnVisit, session: DbSession, now: Now,
                 principal: Principal = Depends(HANDLE)) -> Detail:
    service.return_visit(session, ticket_id, outcome=body.outcome, note=body.note, by=principal, now=now,
                         version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/reopen", response_model=Detail)
def reopen(ticket_id: int, body: schemas.Reason, session: DbSession, now: Now, settings: AppSettings,
           principal: Principal = Depends(HANDLE_OR_CUSTOMER)) -> Detail:
    service.reopen(session, ticket_id, reason=body.reason, by=principal, now=now, version=body.version,
                   window_days=settings.ticket_reopen_window_days)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/cancel", response_model=Detail)
def cancel(ticket_id: int, body: schemas.Cancel, session: DbSession, now: Now,
           principal: Principal = Depends(DECIDE)) -> Detail:
    service.cancel(session, ticket_id, reason=body.reason, reject=body.reject, by=principal, now=now,
                   version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/escalate", response_model=Detail)
def escalate(ticket_id: int, body: schemas.Escalate, session: DbSession, now: Now,
             principal: Principal = Depends(SUPERVISE)) -> Detail:
    service.escalate(session, ticket_id, level=body.level, reason=body.reason, by=principal.actor, now=now,
                     version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/notes", response_model=Detail)
def add_note(ticket_id: int, body: schemas.NoteCreate, session: DbSession, now: Now,
             principal: Principal = Depends(HANDLE_OR_CUSTOMER)) -> Detail:
    service.add_note(session, ticket_id, text=body.text, visibility=body.visibility, by=principal, now=now,
                     version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/waiting", response_model=Detail)
def wait_on_customer(ticket_id: int, body: schemas.Reason, session: DbSession, now: Now,
                     principal: Principal = Depends(HANDLE)) -> Detail:
    service.wait_on_customer(session, ticket_id, reason=body.reason, by=principal, now=now, version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/customer-reply", response_model=Detail)
def customer_reply(ticket_id: int, body: schemas.NoteCreate, session: DbSession, now: Now,
                   principal: Principal = Depends(HANDLE)) -> Detail:
    service.customer_replied(session, ticket_id, text=body.text, by=principal, now=now, version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/coordinator", response_model=Detail)
def transfer_coordinator(ticket_id: int, body: schemas.CoordinatorTransfer, session: DbSession, now: Now,
                         principal: Principal = Depends(SUPERVISE)) -> Detail:
    service.transfer_coordinator(session, ticket_id, coordinator_id=body.coordinator_id, reason=body.reason,
                                 by=principal, now=now, version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/attachments", response_model=Detail)
def add_attachment(
    ticket_id: int,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    file: UploadFile = File(...),
    visibility: schemas.Visibility = Form("internal"),
    version: int | None = Form(None),
    principal: Principal = Depends(HANDLE_OR_CUSTOMER),
) -> Detail:
    """multipart/form-data with `file`; too large is 413, a type not allowed 415."""
    limit = settings.ticket_attachment_max_bytes
    data = file.file.read(limit + 1)  # never more than one byte past the limit
    service.add_attachment(
        session, ticket_id, name=file.filename or "attachment", data=data, by=principal, now=now, max_bytes=limit,
        allowed_types=[t.strip() for t in settings.ticket_attachment_types.split(",") if t.strip()],
        visibility=visibility, version=version,
    )
    return _detail(session, ticket_id, principal)


@router.get("/{ticket_id}/attachments/{attachment_id}", response_class=Response)
def download_attachment(ticket_id: int, attachment_id: int, session: DbSession,
                        principal: Principal = Depends(READ)) -> Response:
    attachment = service.get_attachment(session, ticket_id, attachment_id, viewer=principal)
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/{ticket_id}/links", response_model=Detail)
def link(ticket_id: int, body: schemas.LinkCreate, session: DbSession, now: Now,
         principal: Principal = Depends(HANDLE)) -> Detail:
    service.link(session, ticket_id, to_ticket_id=body.to_ticket_id, kind=body.kind, by=principal, now=now,
                 version=body.version)
    return _detail(session, ticket_id, principal)


@router.post("/{ticket_id}/merge", response_model=Detail)
def merge(ticket_id: int, body: schemas.Merge, session: DbSession, now: Now,
          principal: Principal = Depends(DECIDE)) -> Detail:
    """Merges this ticket into `into_ticket_id`; answers with the ticket merged into."""
    target = service.merge(session, ticket_id, into_ticket_id=body.into_ticket_id, reason=body.reason,
                           by=principal, now=now, version=body.version)
    return _detail(session, target.id, principal)


@router.post("/{ticket_id}/split", response_model=Detail, status_code=201)
def split(ticket_id: int, body: schemas.Split, session: DbSession, now: Now,
          principal: Principal = Depends(HANDLE)) -> Detail:
    """Splits a demand off into a new ticket; answers with the new ticket."""
    new = service.split(session, ticket_id, core_demand=body.core_demand, description=body.description,
                        category=body.category, department=body.department, type=body.type, by=principal, now=now,
                        version=body.version)
    return _detail(session, new.id, principal)


problems_router = APIRouter(prefix="/api/v1/problems", tags=["problems"])


@problems_router.get("", response_model=list[schemas.ProblemView])
def list_problems(session: DbSession, status: str | None = None, offset: int = 0, limit: int = 50,
                  _: Principal = Depends(Authorize(*STAFF))) -> list[schemas.ProblemView]:
    page = Page(offset=offset, limit=limit)
    return service.list_problems(session, status=status, offset=page.offset, limit=page.limit)


@problems_router.post("", response_model=schemas.ProblemView, status_code=201)
def open_problem(body: schemas.ProblemCreate, session: DbSession, now: Now,
                 principal: Principal = Depends(SUPERVISE)) -> schemas.ProblemView:
    return service.open_problem(
        session, title=body.title, root_cause=body.root_cause, root_cause_class=body.root_cause_class,
        category=body.category, service_provider_code=body.service_provider_code, owner_id=body.owner_id,
        ticket_ids=body.ticket_ids, by=principal, now=now,
    )


@problems_router.get("/{problem_id}", response_model=schemas.ProblemView)
def get_problem(problem_id: int, session: DbSession,
                _: Principal = Depends(Authorize(*STAFF))) -> schemas.ProblemView:
    return service.get_problem(session, problem_id)


@problems_router.post("/{problem_id}/tickets", response_model=schemas.ProblemView)
def link_problem_tickets(problem_id: int, body: schemas.ProblemLink, session: DbSession, now: Now,
                         principal: Principal = Depends(SUPERVISE)) -> schemas.ProblemView:
    return service.link_problem_tickets(session, problem_id, ticket_ids=body.ticket_ids, by=principal, now=now)


@problems_router.post("/{problem_id}/progress", response_model=schemas.ProblemView)
def progress_problem(problem_id: int, body: schemas.ProblemProgress, session: DbSession, now: Now,
                     principal: Principal = Depends(SUPERVISE)) -> schemas.ProblemView:
    return service.progress_problem(session, problem_id, status=body.status, note=body.note, by=principal, now=now)
