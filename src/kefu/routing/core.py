"""The routing engine core (ACD): queues, workflows, offers, wrap-up and capacity (pure).

An in-memory state machine driven by calls that carry `now` (POSIX seconds); it owns no
clock, thread or database. The service layer rebuilds it from the tables and the
simulation drives it on a virtual clock; both call the same methods:

    offers = engine.enqueue("c1", channel="voice", attrs={...}, now=t)
    engine.accept(offers[0].id, now=t)
    engine.complete("c1", now=t2, wrap_up=15)
    engine.advance(t3)            # timers: widening steps, offer expiry, wrap-up end, callbacks

Every mutating call returns the offers it created. Invariants: an agent never holds
more than its capacity (offers count), a contact has at most one offer and one agent.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from kefu.routing import callbacks as cb
from kefu.routing.errors import (
    AgentUnknownToRouting,
    ContactNotFound,
    ContactNotQueued,
    OfferNoLongerValid,
    OfferNotFound,
    UnknownQueue,
)
from kefu.routing.state import AgentState, Contact, ContactState, Offer, QueueIndex, channel_class
from kefu.routing.workflow import ALWAYS, Filter, QueueSpec, Step, Workflow

DEFAULT_CAPACITY = {"voice": 1, "chat": 3, "email": 5}


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


class CoreEngine:
    def __init__(
        self,
        queues: Iterable[QueueSpec],
        workflow: Workflow,
        *,
        hours: Mapping[str, cb.Hours] | None = None,
        offer_timeout: float | None = 20.0,
        callback_policy: cb.CallbackPolicy | None = None,
    ) -> None:
        """`hours` maps a group name to its service hours; a queue of a closed group
        offers nothing (its contacts wait; callbacks are scheduled after opening)."""
        self.hours = dict(hours or {})
        self.queues: dict[str, QueueIndex] = {}
        for spec in queues:
            group_hours = self.hours.get(spec.group) if spec.group else None
            if group_hours is None:
                self.queues[spec.name] = QueueIndex(spec)
            else:
                self.queues[spec.name] = QueueIndex(
                    spec, lambda t, h=group_hours: h.is_open(_dt(t)),
                    lambda t, h=group_hours: h.next_open(_dt(t)).timestamp(),
                )
        for name in sorted(workflow.queue_names() - set(self.queues)):
            raise UnknownQueue(name)
        self.workflow = workflow
        self.offer_timeout = offer_timeout
        self.callback_policy = callback_policy or cb.CallbackPolicy()
        self.agents: dict[Hashable, AgentState] = {}
        self.contacts: dict[Hashable, Contact] = {}
        self.offers: dict[int, Offer] = {}
        self._timers: list[tuple[float, int, str, Any, int]] = []
        self._seq = 0
        self._offer_seq = 0

    # ---- timers ---------------------------------------------------------------
    def _at(self, when: float, kind: str, ref: Any, version: int = 0) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (when, self._seq, kind, ref, version))

    def next_due(self) -> float | None:
        return self._timers[0][0] if self._timers else None

    def advance(self, now: float) -> list[Offer]:
        """Runs every timer due by `now`, in time order."""
        made: list[Offer] = []
        while self._timers and self._timers[0][0] <= now:
            when, _, kind, ref, version = heapq.heappop(self._timers)
            handler: Callable[[Any, int, float], list[Offer]] = getattr(self, f"_on_{kind}")
            made += handler(ref, version, when)
        return made

    # ---- agents ---------------------------------------------------------------
    def add_agent(
        self, agent_id: Hashable, *, attrs: Mapping[str, Any], capacity: Mapping[str, int] | None = None,
        ready: bool = False, now: float, load: Mapping[str, int] | None = None, handled: int = 0,
        idle_since: float | None = None, member_of: Iterable[str] | None = None,
    ) -> list[Offer]:
        """Adds (or refreshes the attributes of) an agent and recomputes its queues.
        `load`, `handled` and `idle_since` restore an agent rebuilt from storage;
        `member_of` names its queues when the caller already matched them (a cache)."""
        agent = self.agents.get(agent_id)
        if agent is None:
            agent = AgentState(agent_id, dict(attrs), dict(capacity or DEFAULT_CAPACITY), handled=handled,
                               idle_since=now if idle_since is None else idle_since)
            for cls, n in (load or {}).items():
                agent.take(cls, n)
            self.agents[agent_id] = agent
        else:
            agent.attrs, agent.capacity = dict(attrs), dict(capacity or agent.capacity)
            for queue in agent.queues:
                queue.members.discard(agent)
        if member_of is None:
            agent.queues = [q for q in self.queues.values() if q.spec.expression(agent.attrs)]
        else:
            agent.queues = [self.queues[name] for name in member_of if name in self.queues]
        for queue in agent.queues:
            queue.members.add(agent)
        if idle_since is not None:  # restored: keep its place among the idle
            agent.ready = ready
            return self._agent_changed(agent, now)
        return self.set_ready(agent_id, ready, now=now)

    def remove_agent(self, agent_id: Hashable, *, now: float) -> list[Offer]:
        agent = self._agent(agent_id)
        made = self.set_ready(agent_id, False, now=now)
        if agent.total_load() == 0:
            for queue in agent.queues:
                queue.members.discard(agent)
            del self.agents[agent_id]
        return made

    def set_ready(self, agent_id: Hashable, ready: bool, *, now: float) -> list[Offer]:
        """Ready agents receive offers; not ready keeps current contacts, takes no new ones."""
        agent = self._agent(agent_id)
        if ready and not agent.ready and agent.total_load() == 0:
            agent.idle_since = now
        agent.ready = ready
        return self._agent_changed(agent, now)

    def _agent(self, agent_id: Hashable) -> AgentState:
        agent = self.agents.get(agent_id)
        if agent is None:
            raise AgentUnknownToRouting(agent_id)
        return agent

    def _agent_changed(self, agent: AgentState, now: float) -> list[Offer]:
        agent.version += 1
        pushed = False
        for cls in agent.capacity:
            if agent.available(cls):
                pushed = True
                for queue in agent.queues:
                    queue.push_agent(agent, cls)
        return self._dispatch_agent(agent, now) if pushed else []

    # ---- contacts -------------------------------------------------------------
    def enqueue(
        self, contact_id: Hashable, *, channel: str, attrs: Mapping[str, Any] | None = None, now: float,
        priority: int = 0, arrived_at: float | None = None, context: Mapping[str, Any] | None = None,
        queue: str | None = None, step: int = 0, step_started: float | None = None,
        declined_by: Iterable[Hashable] = (), dispatch: bool = True,
    ) -> list[Offer]:
        """Routes a new contact through the workflow (or straight to `queue`). A known id
        is refused (never twice). `step`, `step_started` and `declined_by` restore a contact
        rebuilt from storage; with dispatch=False it only joins its queue (see dispatch_all)."""
        if contact_id in self.contacts:
            raise ContactNotQueued(contact_id, self.contacts[contact_id].state.value)
        attrs = {**(attrs or {}), "channel": channel}
        contact = Contact(
            contact_id, channel, attrs, now if arrived_at is None else arrived_at,
            vip_level=int(attrs.get("vip_level") or 0), context=dict(context or {}),
        )
        contact.declined_by.update(declined_by)
        if queue is not None:
            if queue not in self.queues:
                raise UnknownQueue(queue)
            chosen = Filter(f"direct:{queue}", ALWAYS, (Step(queue),), 0)
        else:
            chosen = self.workflow.filter_for(attrs)
        contact.filter, contact.priority = chosen, chosen.priority + priority
        self.contacts[contact_id] = contact
        return self._enter_step(contact, step, now, started=step_started, dispatch=dispatch)

    def _enter_step(
        self, contact: Contact, step: int, now: float, *, started: float | None = None, dispatch: bool = True
    ) -> list[Offer]:
        assert contact.filter is not None
        steps = contact.filter.steps
        step = min(step, len(steps) - 1)
        start = now if started is None else started
        # A restored contact may have outlived several steps while nobody was routing.
        while steps[step].timeout is not None and step + 1 < len(steps) and start + steps[step].timeout <= now:
            start += steps[step].timeout
            step += 1
        contact.step, contact.step_started, contact.widen_pending = step, start, False
        contact.queue = self.queues[steps[step].queue]
        timeout = steps[step].timeout
        contact.step_due = start + timeout if timeout is not None and step + 1 < len(steps) else None
        if contact.step_due is not None:
            self._at(contact.step_due, "step", contact, step)
        return self._requeue(contact, now, dispatch=dispatch)

    def _requeue(self, contact: Contact, now: float, *, dispatch: bool = True) -> list[Offer]:
        contact.state, contact.queued_at = ContactState.QUEUED, now
        contact.version += 1
        assert contact.queue is not None
        contact.queue.push_contact(contact)
        return self._dispatch_contact(contact, now) if dispatch else []

    def dispatch_all(self, now: float) -> list[Offer]:
        """Offers every waiting contact, best first (priority, VIP, age), to the best
        agent its queue's strategy picks — used after a rebuild from storage."""
        waiting = sorted(
            (c for c in self.contacts.values() if c.state is ContactState.QUEUED),
            key=lambda c: (*c.key(), str(c.id)),
        )
        made: list[Offer] = []
        for contact in waiting:
            if contact.state is ContactState.QUEUED:
                made += self._dispatch_contact(contact, now)
        return made

    def _on_step(self, contact: Contact, step: int, now: float) -> list[Offer]:
        if contact.step != step or contact.state not in (ContactState.QUEUED, ContactState.OFFERED):
            return []
        if contact.state is ContactState.OFFERED:
            contact.widen_pending = True
            return []
        return self._enter_step(contact, step + 1, now)

    def abandon(self, contact_id: Hashable, *, now: float) -> list[Offer]:
        """The customer hung up or left while waiting."""
        contact = self._contact(contact_id)
        if contact.state not in (ContactState.QUEUED, ContactState.OFFERED, ContactState.SCHEDULED):
            raise ContactNotQueued(contact_id, contact.state.value)
        offer = contact.offer
        contact.state, contact.ended_at = ContactState.ABANDONED, now
        contact.version += 1
        return self._withdraw(offer, now) if offer is not None else []

    def _contact(self, contact_id: Hashable) -> Contact:
        contact = self.contacts.get(contact_id)
        if contact is None:
            raise ContactNotFound(contact_id)
        return contact

    # ---- matching -------------------------------------------------------------
    def _dispatch_contact(self, contact: Contact, now: float) -> list[Offer]:
        queue = contact.queue
        if queue is None:
            return []
        if not queue.open_at(now):
            self._wake_at_opening(queue, now)
            return []
        agent = queue.best_agent(contact.cls, contact.declined_by)
        return [self._offer(contact, agent, now)] if agent is not None else []

    def _wake_at_opening(self, queue: QueueIndex, now: float) -> None:
        """Contacts waiting in a closed queue are routed when it opens, even if no agent
        changes state then (agents often sign in before opening)."""
        if queue.next_open is None or (queue.opening_timer is not None and queue.opening_timer > now):
            return
        queue.opening_timer = queue.next_open(now)
        self._at(queue.opening_timer, "queue_open", queue)

    def _on_queue_open(self, queue: QueueIndex, _version: int, now: float) -> list[Offer]:
        queue.opening_timer = None
        made: list[Offer] = []
        for contact in queue.waiting():
            if contact.state is ContactState.QUEUED and contact.queue is queue:
                made += self._dispatch_contact(contact, now)
        return made

    def _dispatch_agent(self, agent: AgentState, now: float) -> list[Offer]:
        best: tuple[tuple[Any, ...], Contact] | None = None
        for cls in agent.capacity:
            if not agent.available(cls):
                continue
            for queue in agent.queues:
                if not queue.contact_heaps.get(cls) or not queue.open_at(now):
                    continue
                found = queue.best_contact(cls, agent.id)
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
        return [self._offer(best[1], agent, now)] if best is not None else []

    def _offer(self, contact: Contact, agent: AgentState, now: float) -> Offer:
        self._offer_seq += 1
        expires = None if self.offer_timeout is None else now + self.offer_timeout
        offer = Offer(self._offer_seq, contact, agent, now, expires)
        contact.state, contact.offer = ContactState.OFFERED, offer
        contact.version += 1
        agent.offer = offer
        agent.take(contact.cls, 1)
        agent.version += 1  # its heap entries are stale until it answers
        self.offers[offer.id] = offer
        if expires is not None:
            self._at(expires, "offer_expiry", offer)
        return offer

    def _current(self, offer_id: int) -> Offer:
        offer = self.offers.get(offer_id)
        if offer is None:
            if 0 < offer_id <= self._offer_seq:  # answered, declined, withdrawn or rung out
                raise OfferNoLongerValid(offer_id)
            raise OfferNotFound(offer_id)
        if offer.contact.offer is not offer or offer.contact.state is not ContactState.OFFERED:
            raise OfferNoLongerValid(offer_id)
        return offer

    def accept(self, offer_id: int, *, now: float) -> list[Offer]:
        """The agent takes the contact: it is assigned to them and to no one else."""
        offer = self._current(offer_id)
        contact, agent = offer.contact, offer.agent
        contact.state, contact.offer, contact.agent = ContactState.ASSIGNED, None, agent
        contact.answered_at = now
        contact.version += 1
        agent.offer = None
        agent.handled += 1
        del self.offers[offer_id]
        return self._agent_changed(agent, now)

    def decline(self, offer_id: int, *, now: float) -> list[Offer]:
        """The agent refuses: the contact keeps its place and goes to someone else."""
        offer = self._current(offer_id)
        offer.contact.declined_by.add(offer.agent.id)
        return self._withdraw(offer, now)

    def _on_offer_expiry(self, offer: Offer, _version: int, now: float) -> list[Offer]:
        if offer.id not in self.offers or offer.contact.offer is not offer:
            return []
        # An agent who lets an offer ring out is away from the desk: stop offering to them.
        offer.agent.ready = False
        offer.contact.declined_by.add(offer.agent.id)
        return self._withdraw(offer, now)

    def _withdraw(self, offer: Offer, now: float) -> list[Offer]:
        contact, agent = offer.contact, offer.agent
        self.offers.pop(offer.id, None)
        contact.offer = None
        agent.offer = None
        agent.take(contact.cls, -1)
        made: list[Offer] = []
        if contact.state is ContactState.OFFERED:
            if contact.widen_pending:
                made += self._enter_step(contact, contact.step + 1, now)
            else:
                made += self._requeue(contact, now)
        made += self._agent_changed(agent, now)
        return made

    def complete(self, contact_id: Hashable, *, now: float, wrap_up: float = 0.0) -> list[Offer]:
        """The conversation ended; the agent's slot stays taken for `wrap_up` seconds (整理)."""
        contact = self._contact(contact_id)
        if contact.state is not ContactState.ASSIGNED or contact.agent is None:
            raise ContactNotQueued(contact_id, contact.state.value)
        contact.state, contact.ended_at = ContactState.ENDED, now
        contact.version += 1
        agent = contact.agent
        if wrap_up > 0:
            agent.wrapping += 1
            self._at(now + wrap_up, "wrap_end", (agent, contact.cls))
            agent.version += 1
            return []
        return self._release(agent, contact.cls, now)

    def _on_wrap_end(self, ref: tuple[AgentState, str], _version: int, now: float) -> list[Offer]:
        agent, cls = ref
        agent.wrapping -= 1
        return self._release(agent, cls, now)

    def _release(self, agent: AgentState, cls: str, now: float) -> list[Offer]:
        agent.take(cls, -1)
        if agent.busy == 0:
            agent.idle_since = now
        if agent.id not in self.agents:
            return []
        return self._agent_changed(agent, now)

    def forget(self, contact_id: Hashable) -> None:
        """Drops a finished contact (ended or abandoned) from memory; storage keeps the record."""
        contact = self.contacts.get(contact_id)
        if contact is not None and contact.state in (ContactState.ENDED, ContactState.ABANDONED):
            del self.contacts[contact_id]

    # ---- reading --------------------------------------------------------------
    def waiting(self, queue: str) -> list[Contact]:
        if queue not in self.queues:
            raise UnknownQueue(queue)
        return self.queues[queue].waiting()

    def channel_class(self, channel: str) -> str:
        return channel_class(channel)
