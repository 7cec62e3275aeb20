"""The telephony adapter (issue #7 part 2): the switch posts a call's events — offered,
answered, transferred, ended — and each maps onto the voice contact it stands for:

    offered      a voice contact is queued and routed (the engine picks the agent to ring)
    answered     the contact is bound to the agent who picked up (the switch is the truth
                 for voice: if it rang someone other than our offer, that agent has it)
    transferred  online transfer to the named specialist queue, context travelling along
    ended        the contact is closed and the agent goes to wrap-up; hung up while
                 waiting, it is abandoned

Calls are keyed by the switch's call id, so a repeated event (the switch retries on a
timeout) changes nothing and answers as before; an event out of order is 409, an unknown
call 404. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.errors import AgentNotFound
from kefu.agents.models import AgentProfile
from kefu.agents.presence import Presence
from kefu.core.events import record
from kefu.routing import chat_repository as repo
from kefu.routing import service, transfer_service
from kefu.routing.chat_errors import CallEventOutOfOrder, UnknownAgent, UnknownCall
from kefu.routing.chat_models import CtiCall
from kefu.routing.events import ContactAssigned
from kefu.routing.models import RoutingContact

EVENTS = ("offered", "answered", "transferred", "ended")
# Which events may follow a call's state; anything else is out of order (409).
NEXT: dict[str, frozenset[str]] = {
    "offered": frozenset({"answered", "ended"}),
    "answered": frozenset({"transferred", "ended"}),
    "transferred": frozenset({"answered", "ended"}),
    "ended": frozenset(),
}


def event_key(event: str, *, agent: str | None = None, to_queue: str | None = None) -> str:
    """What makes an event the same event again: its kind and its target."""
    if event == "answered":
        return f"answered:{agent}"
    if event == "transferred":
        return f"transferred:{to_queue}"
    return event


def check_order(state: str, event: str, *, call_id: str) -> None:
    """Pure: raises CallEventOutOfOrder when `event` cannot follow `state`."""
    if event not in NEXT.get(state, frozenset()):
        raise CallEventOutOfOrder(call_id, state, event)


@dataclass(frozen=True)
class CallOutcome:
    call: CtiCall
    contact: RoutingContact
    replayed: bool


def _agent(session: Session, employee_no: str | None) -> AgentProfile:
    agent = agents.agent_by_employee_no(session, employee_no or "")
    if agent is None:
        raise UnknownAgent(employee_no or "")
    return agent


def offered(session: Session, *, call_id: str, caller: str | None, now: datetime, subscriber_id: int | None = None,
            attrs: dict[str, Any] | None = None, priority: int = 0) -> CallOutcome:
    existing = repo.call_by_id(session, call_id)
    if existing is not None:
        return CallOutcome(existing, service.get_contact(session, existing.contact_id), replayed=True)
    contact = service.receive_contact(
        session, channel="voice", now=now, attrs={**(attrs or {}), "caller": caller} if caller else attrs,
        subscriber_id=subscriber_id, priority=priority, context={"call_id": call_id, "caller": caller},
    )
    call = CtiCall(call_id=call_id, contact_id=contact.id, state="offered", caller=caller, applied=["offered"],
                   created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:
        # Two deliveries of one offer raced: the other one's contact stands, ours goes.
        contact.state, contact.ended_at, contact.outcome = "ended", now, "duplicate"
        session.flush()
        existing = repo.call_by_id(session, call_id)
        assert existing is not None
        return CallOutcome(existing, service.get_contact(session, existing.contact_id), replayed=True)
    return CallOutcome(call, contact, replayed=False)


def _call(session: Session, call_id: str) -> CtiCall:
    call = repo.call_by_id(session, call_id, for_update=True)
    if call is None:
        raise UnknownCall(call_id)
    return call


def _applied(call: CtiCall, key: str, state: str, now: datetime, *, agent_id: int | None = None) -> None:
    call.applied = [*call.applied, key]  # a new list: the JSON column is not mutation-tracked
    call.state, call.updated_at = state, now
    if agent_id is not None:
        call.agent_id = agent_id


def answered(session: Session, *, call_id: str, agent_no: str, now: datetime) -> CallOutcome:
    call = _call(session, call_id)
    key = event_key("answered", agent=agent_no)
    if call.applied and call.applied[-1] == key:
        return CallOutcome(call, service.get_contact(session, call.contact_id), replayed=True)
    check_order(call.state, "answered", call_id=call_id)
    agent = _agent(session, agent_no)
    contact = service.get_contact(session, call.contact_id, for_update=True)
    if contact.state == "offered" and contact.agent_id == agent.id:
        contact = service.accept(session, contact.id, agent=agent, offer_seq=contact.offer_seq, now=now)
    else:
        # The switch connected someone other than our offer (or before we offered): the
        # call is theirs; bumping offer_seq voids any offer still ringing elsewhere.
        contact.state, contact.agent_id, contact.offer_seq = "assigned", agent.id, contact.offer_seq + 1
        contact.answered_at, contact.offered_at, contact.offer_expires_at = now, contact.offered_at or now, None
        session.flush()
        if agent.presence in (Presence.READY, Presence.WRAP_UP):
            agents.change_presence(session, agent, to=Presence.TALKING, now=now, by_routing=True)
        record(session, ContactAssigned(contact.id, agent.id, contact.ticket_id,
                                        (now - contact.arrived_at).total_seconds(), now), now=now)
    _applied(call, key, "answered", now, agent_id=agent.id)
    session.flush()
    return CallOutcome(call, contact, replayed=False)


def transferred(session: Session, *, call_id: str, to_queue: str, now: datetime, notes: str | None = None) -> CallOutcome:
    call = _call(session, call_id)
    key = event_key("transferred", to_queue=to_queue)
    if call.applied and call.applied[-1] == key:
        return CallOutcome(call, service.get_contact(session, call.contact_id), replayed=True)
    check_order(call.state, "transferred", call_id=call_id)
    try:
        agent = agents.get_agent(session, call.agent_id or 0)
    except AgentNotFound:
        raise CallEventOutOfOrder(call_id, call.state, "transferred") from None
    _, contact = transfer_service.transfer(session, call.contact_id, agent=agent, to_queue=to_queue, notes=notes, now=now)
    _applied(call, key, "transferred", now)
    session.flush()
    return CallOutcome(call, contact, replayed=False)


def ended(session: Session, *, call_id: str, now: datetime) -> CallOutcome:
    call = _call(session, call_id)
    if call.state == "ended":
        return CallOutcome(call, service.get_contact(session, call.contact_id), replayed=True)
    contact = service.get_contact(session, call.contact_id, for_update=True)
    if contact.state == "assigned" and contact.agent_id is not None:
        contact = service.complete(session, contact.id, agent=agents.get_agent(session, contact.agent_id), now=now)
    elif contact.state in ("queued", "offered", "scheduled"):
        contact = service.abandon(session, contact.id, now=now)
    _applied(call, "ended", "ended", now)
    session.flush()
    return CallOutcome(call, contact, replayed=False)


def current(session: Session, *, call_id: str) -> CallOutcome:
    """The call and its contact as they stand (UnknownCall for an id never offered)."""
    call = repo.call_by_id(session, call_id)
    if call is None:
        raise UnknownCall(call_id)
    return CallOutcome(call, service.get_contact(session, call.contact_id), replayed=False)
