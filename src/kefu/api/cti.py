"""The telephony switch's adapter (/api/v1/cti/events): call events offered, answered,
transferred and ended, posted with the switch's API token (role cti_switch). Idempotent by
the switch's call id: a repeated event answers 200 with `replayed: true` and changes
nothing; an unknown call is 404, an event out of order 409."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from kefu.agents import service as agents
from kefu.api.deps import Authorize, DbSession, Now
from kefu.core.errors import InvalidInput
from kefu.identity.roles import Principal, Role
from kefu.routing import cti
from kefu.routing.schemas import ContactOut

router = APIRouter(prefix="/api/v1/cti", tags=["cti"])

SWITCH = Authorize(Role.CTI_SWITCH)


class CallEventIn(BaseModel):
    event: Literal["offered", "answered", "transferred", "ended"]
    call_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")
    caller: str | None = Field(default=None, max_length=20, description="offered: the calling number")
    subscriber_id: int | None = Field(default=None, description="offered: when the IVR identified the caller")
    attrs: dict[str, Any] = Field(default_factory=dict, description="offered: segment, vip_level, category, language …")
    priority: int = Field(default=0, ge=-100, le=100)
    agent: str | None = Field(default=None, max_length=20, description="answered: the agent's employee number 工号")
    to_queue: str | None = Field(default=None, max_length=60, description="transferred: the specialist queue")
    notes: str | None = Field(default=None, max_length=1000)


class CallEventOut(BaseModel):
    call_id: str
    state: str
    replayed: bool
    agent_no: str | None = Field(description="the 工号 of the agent the call is offered to or talking with: "
                                              "the extension the switch rings; null while the call waits")
    contact: ContactOut


def _out(session, outcome: cti.CallOutcome, *, replayed: bool | None = None) -> dict[str, Any]:
    contact = outcome.contact
    agent_no = None
    if contact.agent_id is not None and contact.state in ("offered", "assigned"):
        agent_no = agents.get_agent(session, contact.agent_id).employee_no
    return {"call_id": outcome.call.call_id, "state": outcome.call.state,
            "replayed": outcome.replayed if replayed is None else replayed, "agent_no": agent_no, "contact": contact}


def _required(value: str | None, field: str, event: str) -> str:
    if not value:
        raise InvalidInput(f"{event} 事件必须提供 {field}", f"The {event} event needs {field}", code="cti_field_missing",
                           field=field)
    return value


@router.post("/events", response_model=CallEventOut)
def call_event(body: CallEventIn, session: DbSession, now: Now, _: Principal = Depends(SWITCH)) -> Any:
    if body.event == "offered":
        outcome = cti.offered(session, call_id=body.call_id, caller=body.caller, subscriber_id=body.subscriber_id,
                              attrs=body.attrs, priority=body.priority, now=now)
    elif body.event == "answered":
        outcome = cti.answered(session, call_id=body.call_id, agent_no=_required(body.agent, "agent", body.event), now=now)
    elif body.event == "transferred":
        outcome = cti.transferred(session, call_id=body.call_id, to_queue=_required(body.to_queue, "to_queue", body.event),
                                  notes=body.notes, now=now)
    else:
        outcome = cti.ended(session, call_id=body.call_id, now=now)
    return _out(session, outcome)


@router.get("/calls/{call_id}", response_model=CallEventOut)
def call_state(call_id: str, session: DbSession, _: Principal = Depends(SWITCH)) -> Any:
    """Where a call stands — the switch asks while a queued call waits for an agent."""
    return _out(session, cti.current(session, call_id=call_id), replayed=False)
