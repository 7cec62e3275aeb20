"""The routing engine: the core (queues, workflows, offers) plus online transfer to a
specialist group and callback appointments (pure; see core.py for the contract).

Online transfer 在线转接 hands a live contact to a ready specialist with its context;
when every specialist is busy, or the group is closed, the caller gets a callback
appointment 预约登记 due within an hour of the group being open (seed 004).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kefu.routing import callbacks as cb
from kefu.routing.core import CoreEngine
from kefu.routing.errors import ContactNotQueued, GroupClosed, NoAgentFree, UnknownQueue
from kefu.routing.state import Callback, Contact, ContactState, Offer
from kefu.routing.workflow import ALWAYS as _ALWAYS
from kefu.routing.workflow import Filter, Step


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


@dataclass(frozen=True)
class TransferResult:
    kind: str  # "online" | "callback"
    offer: Offer | None = None
    callback_id: Hashable | None = None
    offers: tuple[Offer, ...] = ()


class RoutingEngine(CoreEngine):
    # ---- callback appointments ---------------------------------------------------
    def _group_hours(self, queue: str) -> cb.Hours | None:
        if queue not in self.queues:
            raise UnknownQueue(queue)
        group = self.queues[queue].spec.group
        return self.hours.get(group) if group else None

    def register_callback(
        self, callback_id: Hashable, *, queue: str, number: str, now: float,
        attrs: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None,
        arrived_at: float | None = None, priority: int | None = None,
    ) -> list[Offer]:
        """Registers an appointment for `queue`: due within the policy's hour of the group
        being open, offered no earlier than its opening, keeping the caller's place
        (`arrived_at`). Raises InvalidCallbackNumber before anything changes."""
        number = cb.normalize_number(number)
        hours = self._group_hours(queue)
        slot = cb.appointment(_dt(now), hours, self.callback_policy)
        return self.restore_callback(
            callback_id, queue=queue, number=number, due_at=slot.due_at.timestamp(),
            not_before=slot.not_before.timestamp(), now=now, attrs=attrs, context=context,
            arrived_at=now if arrived_at is None else arrived_at, priority=priority,
        )

    def restore_callback(
        self, callback_id: Hashable, *, queue: str, number: str, due_at: float, not_before: float, now: float,
        attempts: int = 0, attrs: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None,
        arrived_at: float, priority: int | None = None, dispatch: bool = True,
    ) -> list[Offer]:
        """Places an appointment whose times are already fixed (new, or rebuilt from storage)."""
        if queue not in self.queues:
            raise UnknownQueue(queue)
        if callback_id in self.contacts:
            raise ContactNotQueued(callback_id, self.contacts[callback_id].state.value)
        if priority is None:
            priority = self.callback_policy.base_priority
        contact = Contact(
            callback_id, "callback", {**(attrs or {}), "channel": "callback", "kind": "callback"},
            arrived_at, priority=priority, vip_level=int((attrs or {}).get("vip_level") or 0),
            context=dict(context or {}), callback=Callback(number, due_at, not_before, attempts),
        )
        contact.filter = Filter("callback", _ALWAYS, (Step(queue),), priority)
        contact.priority = priority + cb.priority_boost(_dt(now), _dt(due_at), self.callback_policy)
        contact.state = ContactState.SCHEDULED
        self.contacts[callback_id] = contact
        for at in cb.boost_times(_dt(due_at), self.callback_policy):
            if at.timestamp() > now:
                self._at(at.timestamp(), "callback_boost", contact, attempts)
        if not_before > now:
            self._at(not_before, "callback_ready", contact, 0)
            return []
        return self._enter_step(contact, 0, now, dispatch=dispatch)

    def _on_callback_ready(self, contact: Contact, _version: int, now: float) -> list[Offer]:
        if contact.state is not ContactState.SCHEDULED:
            return []
        return self._enter_step(contact, 0, now)

    def _on_callback_boost(self, contact: Contact, _version: int, now: float) -> list[Offer]:
        assert contact.callback is not None and contact.filter is not None
        boost = cb.priority_boost(_dt(now), _dt(contact.callback.due_at), self.callback_policy)
        wanted = contact.filter.priority + boost
        if wanted == contact.priority or contact.state in (ContactState.ENDED, ContactState.ABANDONED):
            return []
        contact.priority = wanted
        if contact.state is ContactState.QUEUED:
            return self._requeue(contact, now)  # same arrival time: it climbs, never loses its place
        return []

    def callback_result(
        self, callback_id: Hashable, result: str, *, now: float, wrap_up: float = 0.0
    ) -> list[Offer]:
        """Records the outcome of a call-back attempt by the assigned agent. `reached`
        finishes it; `no_answer` retries after the policy's delay until max attempts."""
        contact = self._contact(callback_id)
        result = cb.CallbackResult(result)
        if contact.callback is None or contact.state is not ContactState.ASSIGNED:
            raise ContactNotQueued(callback_id, contact.state.value)
        log = contact.callback.results
        contact.callback.attempts += 1
        log.append((now, result.value))
        made = self.complete(callback_id, now=now, wrap_up=wrap_up)
        if result is cb.CallbackResult.REACHED or contact.callback.attempts >= self.callback_policy.max_attempts:
            log.append((now, cb.CallbackResult.DONE.value))
            return made
        # Another attempt: back to scheduled, same appointment and place in line.
        log.append((now, cb.CallbackResult.RETRIED.value))
        retry = cb.retry_at(_dt(now), self._group_hours(contact.filter.steps[0].queue), self.callback_policy)
        contact.state, contact.agent, contact.answered_at, contact.ended_at = ContactState.SCHEDULED, None, None, None
        contact.declined_by.clear()
        contact.version += 1
        self._at(retry.timestamp(), "callback_ready", contact, contact.callback.attempts)
        return made

    # ---- online transfer ---------------------------------------------------------
    def transfer(
        self, contact_id: Hashable, *, to_queue: str, now: float, notes: str | None = None,
        context: Mapping[str, Any] | None = None, callback_number: str | None = None,
        wrap_up: float = 0.0,
    ) -> TransferResult:
        """Transfers a live, assigned contact to a ready agent of `to_queue`, carrying its
        context. When no one is ready or the group is closed: a callback appointment if
        `callback_number` is given, else GroupClosed / NoAgentFree (nothing changes)."""
        contact = self._contact(contact_id)
        if contact.state is not ContactState.ASSIGNED or contact.agent is None:
            raise ContactNotQueued(contact_id, contact.state.value)
        hours = self._group_hours(to_queue)
        queue = self.queues[to_queue]
        closed = not queue.open_at(now)
        specialist = None if closed else queue.best_agent(contact.cls, {contact.agent.id})
        carried = {**contact.context, **(context or {})}
        if notes:
            carried["notes"] = [*carried.get("notes", []), notes]
        if specialist is None:
            group = queue.spec.group or to_queue
            if callback_number is None:
                if closed:
                    label = getattr(hours, "label", lambda: "")()
                    raise GroupClosed(group, label)
                raise NoAgentFree(group)
            cb.normalize_number(callback_number)  # refuse a bad number before ending the call
            made = self.complete(contact_id, now=now, wrap_up=wrap_up)
            callback_id = f"{contact_id}:callback"
            made += self.register_callback(
                callback_id, queue=to_queue, number=callback_number, now=now,
                attrs=contact.attrs, context={**carried, "transferred_from": contact_id},
                arrived_at=contact.arrived_at,
            )
            return TransferResult("callback", callback_id=callback_id, offers=tuple(made))
        first = contact.agent
        contact.context = carried
        contact.context.setdefault("transferred_from_agent", first.id)
        contact.filter = Filter("transfer", _ALWAYS, (Step(to_queue),), contact.priority)
        contact.step, contact.step_due, contact.queue = 0, None, queue
        contact.declined_by = {first.id}
        contact.agent = None
        offer = self._offer(contact, specialist, now)
        if wrap_up > 0:
            first.wrapping += 1
            self._at(now + wrap_up, "wrap_end", (first, contact.cls))
            made = []
        else:
            made = self._release(first, contact.cls, now)
        return TransferResult("online", offer=offer, offers=(offer, *made))
