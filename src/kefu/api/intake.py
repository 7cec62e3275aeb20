"""Intake classification over HTTP: suggestions for the ticket form while the agent types
(POST /api/v1/intake/suggest) and the agent's correction of an automatic classification
(POST /api/v1/tickets/{id}/reclassify). Staff handling contacts only."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kefu.api.deps import AppSettings, Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.settings import Settings
from kefu.tickets import schemas, service

router = APIRouter(prefix="/api/v1/intake", tags=["intake"])
tickets_router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])

CLASSIFY = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR, Role.ADMIN)


def intake_nlp(settings: Settings) -> service.IntakeNlp:
    """The instance's models and thresholds (also used by POST /api/v1/tickets)."""
    return service.IntakeNlp.from_settings(settings)


@router.post("/suggest", response_model=schemas.IntakeSuggestion)
def suggest(body: schemas.IntakeSuggest, session: DbSession, now: Now, settings: AppSettings,
            _: Principal = Depends(CLASSIFY)) -> schemas.IntakeSuggestion:
    """Category, department, emotion, urgency, hint, evidence, keywords, the top three
    categories with their confidence, and similar open tickets in the subscriber's district.
    Empty or unreadable text answers `other` with confidence 0 and `rejected` set."""
    return service.suggest(session, body.text, subscriber_id=body.subscriber_id, now=now, nlp=intake_nlp(settings))


@tickets_router.post("/{ticket_id}/reclassify", response_model=schemas.TicketDetail)
def reclassify(ticket_id: int, body: schemas.Reclassify, session: DbSession, now: Now,
               principal: Principal = Depends(CLASSIFY)) -> schemas.TicketDetail:
    """The agent corrects the category (and department): recorded in history and as
    training feedback; a wrong automatic task is cancelled and the ticket re-dispatched."""
    service.reclassify(
        session, ticket_id, category=body.category, department=body.department, root_cause=body.root_cause,
        reason=body.reason, redispatch=body.redispatch, by=principal, now=now, version=body.version,
    )
    return service.get_ticket(session, ticket_id, viewer=principal)
