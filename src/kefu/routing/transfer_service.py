"""Online transfer to a specialist group and callback appointments (seed 004), on the
durable queue. Services flush, never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.agents import service as agents
from kefu.agents.models import AgentProfile
from kefu.core.events import record
from kefu.routing import callbacks as cb
from kefu.routing import config_service, repository
from kefu.routing.errors import ContactNotQueued, GroupClosed, NoAgentFree
from kefu.routing.events import CallbackAttempted, CallbackFinished, CallbackRegistered, ContactEnded
from kefu.routing.models import CallbackResultLog, RoutingContact
from kefu.routing.service import (
    after_contact,
    assigned_to,
    build_engine,
    dispatch,
    get_contact,
    to_seconds,
)
from kefu.routing.state import channel_class


def register_callback(
    session: Session, *, queue: str, number: str, now: datetime, origin: RoutingContact | None = None,
    attrs: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
) -> RoutingContact:
    """A callback appointment 预约登记: due within an hour of the group being open; one
    registered off-hours is offered from the opening. Keeps the caller's place."""
    clean = cb.normalize_number(number)
    row_queue = config_service.get_queue(session, queue)
    hours = agents.all_group_hours(session).get(row_queue.group_code or "")
    policy = config_service.active_settings(session).for_queue(queue).callback
    slot = cb.appointment(now, hours, policy)
    carried = dict(origin.context) if origin is not None else {}
    carried.update(context or {})
    row = RoutingContact(
        kind="callback", channel="callback", state="scheduled",
        subscriber_id=origin.subscriber_id if origin else carried.get("customer_id"),
        ticket_id=origin.ticket_id if origin else carried.get("ticket_id"),
        attrs={**(origin.attrs if origin else {}), **(attrs or {}), "channel": "callback", "kind": "callback"},
        context=carried, priority=policy.base_priority, route=f"direct:{queue}", step=0, step_started_at=now,
        queue_name=queue, declined_by=[], arrived_at=origin.arrived_at if origin else now,
        origin_id=origin.id if origin else None, callback_number=clean, not_before=slot.not_before,
        due_at=slot.due_at, attempts=0,
    )
    session.add(row)
    session.flush()
    record(session, CallbackRegistered(
        row.id, row.origin_id, queue, slot.due_at, now, within_seconds=int(policy.within.total_seconds()),
        group=row_queue.group_code, segment=row.attrs.get("segment"),
    ), now=now)
    if slot.not_before <= now:
        dispatch(session, now=now)
    return row


def record_callback_result(
    session: Session, contact_id: int, *, agent: AgentProfile, result: str, now: datetime, note: str | None = None,
) -> RoutingContact:
    """reached → done; no_answer → retried after the delay, done after the last attempt."""
    try:
        outcome = cb.CallbackResult(result)
    except ValueError:
        raise ContactNotQueued(contact_id, f"result {result!r}") from None
    if outcome not in (cb.CallbackResult.REACHED, cb.CallbackResult.NO_ANSWER):
        raise ContactNotQueued(contact_id, f"result {result!r}")
    row = assigned_to(session, contact_id, agent)
    if row.kind != "callback":
        raise ContactNotQueued(contact_id, "live")
    row.attempts += 1
    policy = config_service.active_settings(session).for_queue(row.queue_name).callback
    log = [CallbackResultLog(contact_id=row.id, agent_id=agent.id, result=outcome.value, note=note, at=now)]
    finished = outcome is cb.CallbackResult.REACHED or row.attempts >= policy.max_attempts
    if finished:
        row.state, row.ended_at, row.outcome = "ended", now, "reached" if outcome is cb.CallbackResult.REACHED else "failed"
        log.append(CallbackResultLog(contact_id=row.id, agent_id=agent.id, result="done", at=now))
    else:
        hours = agents.all_group_hours(session).get(config_service.get_queue(session, row.queue_name or "").group_code or "")
        row.state, row.agent_id, row.answered_at, row.not_before = "scheduled", None, None, cb.retry_at(now, hours, policy)
        row.declined_by = []
        log.append(CallbackResultLog(contact_id=row.id, agent_id=agent.id, result="retried", at=now))
    session.add_all(log)
    session.flush()
    after_contact(session, agent, now=now)
    record(session, CallbackAttempted(row.id, agent.id, outcome.value, now), now=now)
    if finished:
        record(session, CallbackFinished(row.id, row.outcome or "", now), now=now)
    return row


def callback_results(session: Session, contact_id: int) -> list[CallbackResultLog]:
    return repository.callback_results(session, contact_id)


def transfer(
    session: Session, contact_id: int, *, agent: AgentProfile, to_queue: str, now: datetime,
    notes: str | None = None, callback_number: str | None = None,
) -> tuple[str, RoutingContact]:
    """Online transfer 在线转接 of a live contact to a ready agent of `to_queue`, with its
    context. If none is ready or the group is closed: a callback appointment when a number
    is given (kind "callback"), else GroupClosed / NoAgentFree and nothing changes."""
    row = assigned_to(session, contact_id, agent)
    if callback_number is not None:
        cb.normalize_number(callback_number)  # refuse a bad number before anything changes
    queue_row = config_service.get_queue(session, to_queue)
    engine = build_engine(session, now=now, lock=False)
    index = engine.queues[to_queue]
    closed = not index.open_at(to_seconds(now))
    free = None if closed else index.best_agent(channel_class(row.channel), {agent.id})
    context = dict(row.context)
    if notes:
        context["notes"] = [*context.get("notes", []), notes]
    context["transferred_from_agent"] = agent.id
    if free is None:
        group = queue_row.group_code or to_queue
        if callback_number is None:
            if closed:
                hours = agents.all_group_hours(session).get(group)
                raise GroupClosed(group, hours.label() if hours else "")
            raise NoAgentFree(group)
        row.state, row.ended_at, row.outcome, row.context = "ended", now, "transferred", context
        session.flush()
        after_contact(session, agent, now=now)
        record(session, ContactEnded(row.id, agent.id, "transferred", now), now=now)
        return "callback", register_callback(session, queue=to_queue, number=callback_number, now=now, origin=row)
    # Back in line, at the head of the specialist queue: the caller is still on the line.
    row.state, row.agent_id, row.route, row.step, row.step_started_at = "queued", None, f"direct:{to_queue}", 0, now
    row.queue_name, row.declined_by, row.context, row.answered_at = to_queue, [agent.id], context, None
    row.priority += 100
    session.flush()
    after_contact(session, agent, now=now)
    dispatch(session, now=now)
    session.refresh(row)
    return "online", row


__all__ = ["get_contact", "register_callback", "record_callback_result", "transfer"]
