"""The ticket page's forms: one POST per step, each carrying csrf_token and the ticket
`version` the agent read. Success goes back to the ticket page (HX-Redirect for htmx);
a stale version answers 409 naming who changed the ticket and when, swapped into
#flash so the typed form stays; other errors go through the shared error page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import AppSettings, Authorize, DbSession, Now
from kefu.identity.roles import Principal
from kefu.sla import service as sla
from kefu.tickets import service as tickets
from kefu.tickets.errors import StaleVersion
from kefu.web.ticket_views import DECIDERS, HANDLERS, SUPERVISORS, stale_answer

router = APIRouter(include_in_schema=False)

HANDLE = Authorize(*HANDLERS)
DECIDE = Authorize(*DECIDERS)
SUPERVISE = Authorize(*SUPERVISORS)


def _back(request: Request, ticket_id: int) -> Response:
    target = f"/tickets/{ticket_id}"
    if "hx-request" in request.headers:
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _run(request: Request, ticket_id: int, step: Callable[[], object]) -> Response:
    try:
        step()
    except StaleVersion as error:
        return stale_answer(request, error)
    return _back(request, ticket_id)


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.post("/tickets/{ticket_id}/accept")
def accept(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
           note: str = Form(""), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.accept(session, ticket_id, by=principal, now=now,
                                                           version=version, note=_text(note)))


@router.post("/tickets/{ticket_id}/dispatch")
def dispatch(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
             department: str = Form(...), instructions: str = Form(""), city: str = Form(""),
             principal: Principal = Depends(HANDLE)) -> Response:
    # The SLA policy says how soon a dispatched task is taken up (seed 001: 15 minutes for a complaint).
    due = sla.task_due_at(session, ticket_id, now=now)
    return _run(request, ticket_id, lambda: tickets.dispatch(
        session, ticket_id, department=department, city=_text(city), instructions=instructions.strip(),
        due_at=due, by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/tasks/{task_id}/accept")
def accept_task(request: Request, ticket_id: int, task_id: int, session: DbSession, now: Now,
                principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.accept_task(session, ticket_id, task_id, by=principal, now=now))


@router.post("/tickets/{ticket_id}/tasks/{task_id}/complete")
def complete_task(request: Request, ticket_id: int, task_id: int, session: DbSession, now: Now,
                  result: str = Form(...), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.complete_task(session, ticket_id, task_id, result=result.strip(),
                                                                  by=principal, now=now))


@router.post("/tickets/{ticket_id}/findings")
def finding(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
            track: str = Form(...), summary: str = Form(...), evidence: str = Form(""),
            principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.record_finding(
        session, ticket_id, track=track, summary=summary.strip(), evidence=evidence.strip(), attachment_ids=[],
        task_id=None, by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/remedies")
def remedy(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
           kind: str = Form(...), description: str = Form(""), amount_yuan: str = Form(""),
           data_mb: str = Form(""), basis: str = Form(""), product_code: str = Form(""), multiplier: int = Form(1),
           principal: Principal = Depends(DECIDE)) -> Response:
    amount = round(float(amount_yuan) * 100) if amount_yuan.strip().replace(".", "", 1).isdigit() else None
    mb = int(data_mb) if data_mb.strip().isdigit() else None
    return _run(request, ticket_id, lambda: tickets.propose_remedy(
        session, ticket_id, kind=kind, description=description.strip(), amount_fen=amount or None,
        data_mb=mb or None, basis=_text(basis) if kind == "refund" else None, product_code=_text(product_code),
        multiplier=max(1, min(multiplier, 3)), by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/remedies/{remedy_id}/consent")
def consent(request: Request, ticket_id: int, remedy_id: int, session: DbSession, now: Now,
            version: int = Form(...), agreed: str = Form(...), note: str = Form(""),
            principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.give_consent(
        session, ticket_id, remedy_id, agreed=agreed == "yes", note=_text(note), by=principal, now=now,
        version=version))


@router.post("/tickets/{ticket_id}/remedies/{remedy_id}/apply")
def apply(request: Request, ticket_id: int, remedy_id: int, session: DbSession, now: Now,
          version: int = Form(...), principal: Principal = Depends(DECIDE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.apply_remedy(session, ticket_id, remedy_id, by=principal,
                                                                 now=now, version=version))


@router.post("/tickets/{ticket_id}/resolve")
def resolve(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
            resolution: str = Form(""), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.resolve(session, ticket_id, resolution=_text(resolution),
                                                            by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/return-visit")
def return_visit(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
                 outcome: str = Form(...), note: str = Form(""), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.return_visit(
        session, ticket_id, outcome=outcome, note=_text(note), by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/reopen")
def reopen(request: Request, ticket_id: int, session: DbSession, now: Now, settings: AppSettings,
           version: int = Form(...), reason: str = Form(...), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.reopen(
        session, ticket_id, reason=reason.strip(), by=principal, now=now, version=version,
        window_days=settings.ticket_reopen_window_days))


@router.post("/tickets/{ticket_id}/cancel")
def cancel(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
           reason: str = Form(...), reject: str = Form(""), principal: Principal = Depends(DECIDE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.cancel(
        session, ticket_id, reason=reason.strip(), reject=reject == "yes", by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/reclassify")
def reclassify(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
               category: str = Form(...), department: str = Form(""), reason: str = Form(""),
               principal: Principal = Depends(HANDLE)) -> Response:
    """The agent's correction of the (automatic) category; a wrong automatic task is re-dispatched."""
    return _run(request, ticket_id, lambda: tickets.reclassify(
        session, ticket_id, category=category, department=_text(department), root_cause=None, reason=_text(reason),
        redispatch=True, by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/escalate")
def escalate(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
             level: int = Form(...), reason: str = Form(...), principal: Principal = Depends(SUPERVISE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.escalate(
        session, ticket_id, level=level, reason=reason.strip(), by=principal.actor, now=now, version=version))


@router.post("/tickets/{ticket_id}/notes")
def note(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
         text: str = Form(...), visibility: str = Form("internal"), principal: Principal = Depends(HANDLE)) -> Response:
    return _run(request, ticket_id, lambda: tickets.add_note(
        session, ticket_id, text=text.strip(), visibility="customer" if visibility == "customer" else "internal",
        by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/wait")
def wait(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
         reason: str = Form(""), principal: Principal = Depends(HANDLE)) -> Response:
    """Waiting for the customer (documents, a callback time): the SLA clocks pause."""
    return _run(request, ticket_id, lambda: tickets.wait_on_customer(
        session, ticket_id, reason=reason.strip()[:200], by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/customer-replied")
def customer_replied(request: Request, ticket_id: int, session: DbSession, now: Now, version: int = Form(...),
                     text: str = Form(""), principal: Principal = Depends(HANDLE)) -> Response:
    """The customer answered (called back, sent the documents): the clocks run again."""
    return _run(request, ticket_id, lambda: tickets.customer_replied(
        session, ticket_id, text=text.strip(), by=principal, now=now, version=version))


@router.post("/tickets/{ticket_id}/attachments")
def attach(request: Request, ticket_id: int, session: DbSession, now: Now, settings: AppSettings,
           file: UploadFile = File(...), visibility: str = Form("internal"), version: int = Form(...),
           principal: Principal = Depends(HANDLE)) -> Response:
    limit = settings.ticket_attachment_max_bytes
    data = file.file.read(limit + 1)
    return _run(request, ticket_id, lambda: tickets.add_attachment(
        session, ticket_id, name=file.filename or "attachment", data=data, by=principal, now=now, max_bytes=limit,
        allowed_types=[t.strip() for t in settings.ticket_attachment_types.split(",") if t.strip()],
        visibility="customer" if visibility == "customer" else "internal", version=version))


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}")
def download(ticket_id: int, attachment_id: int, session: DbSession,
             principal: Principal = Depends(HANDLE)) -> Response:
    from urllib.parse import quote

    attachment = tickets.get_attachment(session, ticket_id, attachment_id, viewer=principal)
    return Response(attachment.data, media_type=attachment.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name, safe='')}",
        "X-Content-Type-Options": "nosniff"})
