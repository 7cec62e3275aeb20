"""Routing REST API (/api/v1/routing): queues and versioned workflows (supervisors),
contacts from channel adapters, offers the agent accepts or declines, completion,
online transfer and callback appointments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kefu.agents import service as agents
from kefu.agents.models import AgentProfile
from kefu.api.deps import STAFF, Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.routing import config_service, schemas, service, transfer_service

router = APIRouter(prefix="/api/v1/routing", tags=["routing"])

READ = Authorize(*STAFF)
EDIT = Authorize(Role.SUPERVISOR)
SEAT = Authorize(Role.AGENT, Role.SPECIALIST, Role.COMPLAINT_HANDLER, Role.SUPERVISOR)


def _me(session: DbSession, principal: Principal) -> AgentProfile:
    return agents.agent_for_user(session, principal.user_id or 0)


@router.get("/queues", response_model=list[schemas.QueueOut])
def list_queues(session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    return config_service.list_queues(session)


@router.put("/queues", response_model=schemas.QueueOut)
def save_queue(body: schemas.QueueIn, session: DbSession, now: Now, _: Principal = Depends(EDIT)) -> Any:
    """Creates or updates a queue; an unknown skill or attribute is 422 and nothing is saved."""
    return config_service.save_queue(session, name=body.name, expression=body.expression, strategy=body.strategy,
                                     skill=body.skill, group=body.group, now=now)


@router.get("/queues/{name}/waiting", response_model=list[schemas.ContactOut])
def waiting(name: str, session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    config_service.get_queue(session, name)
    return service.waiting(session, queue=name)


@router.get("/workflow", response_model=schemas.WorkflowOut)
def active_workflow(session: DbSession, _: Principal = Depends(READ)) -> Any:
    return config_service.active_workflow(session)[0]


@router.post("/workflow", response_model=schemas.WorkflowOut, status_code=201)
def save_workflow(body: dict[str, Any], session: DbSession, now: Now, principal: Principal = Depends(EDIT)) -> Any:
    """Saves a new version (the previous ones stay readable). A workflow without a default
    step, naming an unknown queue or attribute, is 422."""
    return config_service.save_workflow(session, definition=body, by=principal.actor, now=now)


@router.get("/workflow/{name}/versions", response_model=list[schemas.WorkflowOut])
def workflow_versions(name: str, session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    return config_service.workflow_versions(session, name)


@router.post("/contacts", response_model=schemas.ContactOut, status_code=201)
def receive_contact(body: schemas.ContactIn, session: DbSession, now: Now, _: Principal = Depends(SEAT)) -> Any:
    return service.receive_contact(session, channel=body.channel, attrs=body.attrs, subscriber_id=body.subscriber_id,
                                   ticket_id=body.ticket_id, priority=body.priority, context=body.context, now=now)


@router.get("/contacts/{contact_id}", response_model=schemas.ContactOut)
def get_contact(contact_id: int, session: DbSession, _: Principal = Depends(READ)) -> Any:
    return service.get_contact(session, contact_id)


@router.get("/offers", response_model=list[schemas.ContactOut])
def my_offers(session: DbSession, principal: Principal = Depends(SEAT)) -> list[Any]:
    return service.offers_for(session, _me(session, principal))


@router.post("/contacts/{contact_id}/accept", response_model=schemas.ContactOut)
def accept(contact_id: int, body: schemas.OfferAnswer, session: DbSession, now: Now,
           principal: Principal = Depends(SEAT)) -> Any:
    """409 when the offer expired, was declined or another accept won."""
    return service.accept(session, contact_id, agent=_me(session, principal), offer_seq=body.offer_seq, now=now)


@router.post("/contacts/{contact_id}/decline", response_model=schemas.ContactOut)
def decline(contact_id: int, body: schemas.OfferAnswer, session: DbSession, now: Now,
            principal: Principal = Depends(SEAT)) -> Any:
    return service.decline(session, contact_id, agent=_me(session, principal), offer_seq=body.offer_seq, now=now)


@router.post("/contacts/{contact_id}/complete", response_model=schemas.ContactOut)
def complete(contact_id: int, session: DbSession, now: Now, principal: Principal = Depends(SEAT)) -> Any:
    return service.complete(session, contact_id, agent=_me(session, principal), now=now)


@router.post("/contacts/{contact_id}/abandon", response_model=schemas.ContactOut)
def abandon(contact_id: int, session: DbSession, now: Now, _: Principal = Depends(SEAT)) -> Any:
    return service.abandon(session, contact_id, now=now)


@router.post("/contacts/{contact_id}/transfer", response_model=schemas.TransferOut)
def transfer(contact_id: int, body: schemas.TransferIn, session: DbSession, now: Now,
             principal: Principal = Depends(SEAT)) -> Any:
    """Online transfer to a ready specialist; with `callback_number`, a callback appointment
    when none is free or the group is closed (otherwise 409, and the call stays yours)."""
    kind, row = transfer_service.transfer(session, contact_id, agent=_me(session, principal), to_queue=body.to_queue,
                                          notes=body.notes, callback_number=body.callback_number, now=now)
    return {"kind": kind, "contact": row}


@router.post("/callbacks", response_model=schemas.ContactOut, status_code=201)
def register_callback(body: schemas.CallbackIn, session: DbSession, now: Now, _: Principal = Depends(SEAT)) -> Any:
    origin = service.get_contact(session, body.origin_id) if body.origin_id is not None else None
    return transfer_service.register_callback(session, queue=body.queue, number=body.number, origin=origin,
                                              context=body.context, now=now)


@router.post("/callbacks/{contact_id}/result", response_model=schemas.ContactOut)
def callback_result(contact_id: int, body: schemas.CallbackResultIn, session: DbSession, now: Now,
                    principal: Principal = Depends(SEAT)) -> Any:
    return transfer_service.record_callback_result(session, contact_id, agent=_me(session, principal),
                                                   result=body.result, note=body.note, now=now)


@router.get("/callbacks/{contact_id}/results", response_model=list[schemas.CallbackResultOut])
def callback_results(contact_id: int, session: DbSession, _: Principal = Depends(READ)) -> list[Any]:
    service.get_contact(session, contact_id)
    return transfer_service.callback_results(session, contact_id)


@router.post("/dispatch", response_model=list[schemas.ContactOut])
def dispatch(session: DbSession, now: Now, _: Principal = Depends(EDIT)) -> list[Any]:
    """Routes what waits now (the worker does this every second)."""
    return service.dispatch(session, now=now)
