"""The engine's in-memory records: agents, contacts, offers and per-queue indexes.

Times are POSIX seconds (float): the engine makes a decision in microseconds and the
simulation drives it millions of times, so it avoids datetime arithmetic inside.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kefu.routing.workflow import Filter, QueueSpec, Strategy

# Contacts of these channels share one capacity class (an agent's chat slots serve web,
# app and WeChat alike); a callback is an outbound voice call.
CHANNEL_CLASS = {
    "voice": "voice", "callback": "voice",
    "chat": "chat", "web": "chat", "app": "chat", "wechat": "chat",
    "email": "email", "sms": "email",
}
# An agent on a voice call gets nothing else, and one busy elsewhere gets no call.
EXCLUSIVE = frozenset({"voice"})


def channel_class(channel: str) -> str:
    return CHANNEL_CLASS.get(channel, channel)


def class_loads(loads: Mapping[str, int]) -> dict[str, int]:
    """Live contacts by channel, summed by capacity class."""
    out: dict[str, int] = {}
    for channel, n in loads.items():
        out[channel_class(channel)] = out.get(channel_class(channel), 0) + n
    return out


def could_take(load: Mapping[str, int], capacity: Mapping[str, int]) -> bool:
    """Whether an agent with this load (by capacity class) has room for some contact — the
    rule of AgentState.available, for agents read from storage before the engine has them."""
    busy = sum(load.values())
    if any(load.get(x, 0) for x in EXCLUSIVE):
        return False
    return any(load.get(cls, 0) < cap and (cls not in EXCLUSIVE or busy == 0) for cls, cap in capacity.items())


class ContactState(StrEnum):
    SCHEDULED = "scheduled"  # a callback waiting for its earliest time
    QUEUED = "queued"
    OFFERED = "offered"
    ASSIGNED = "assigned"
    ENDED = "ended"
    ABANDONED = "abandoned"


@dataclass(slots=True, eq=False)
class AgentState:
    id: Hashable
    attrs: dict[str, Any]
    capacity: dict[str, int]
    ready: bool = False
    idle_since: float = 0.0
    handled: int = 0
    load: dict[str, int] = field(default_factory=dict)
    busy: int = 0  # sum of load, kept in step with it (checked on every offer)
    wrapping: int = 0
    offer: Offer | None = None
    version: int = 0
    queues: list[QueueIndex] = field(default_factory=list)

    def total_load(self) -> int:
        return self.busy

    def take(self, cls: str, n: int) -> None:
        self.load[cls] = self.load.get(cls, 0) + n
        self.busy += n

    def available(self, cls: str) -> bool:
        if not self.ready or self.offer is not None:
            return False
        if self.load.get(cls, 0) >= self.capacity.get(cls, 0):
            return False
        if cls in EXCLUSIVE:
            return self.busy == 0
        return not self.busy or not any(self.load.get(x, 0) for x in EXCLUSIVE)

    def activity(self) -> str:
        if self.offer is not None:
            return "offered"
        if self.total_load() > self.wrapping:
            return "talking"
        if self.wrapping:
            return "wrap_up"
        return "ready" if self.ready else "not_ready"


@dataclass(slots=True, eq=False)
class Callback:
    number: str
    due_at: float
    not_before: float
    attempts: int = 0
    results: list[tuple[float, str]] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Contact:
    id: Hashable
    channel: str
    attrs: dict[str, Any]
    arrived_at: float
    priority: int = 0
    vip_level: int = 0
    state: ContactState = ContactState.QUEUED
    filter: Filter | None = None
    step: int = 0
    step_started: float = 0.0
    step_due: float | None = None
    widen_pending: bool = False
    queue: QueueIndex | None = None
    version: int = 0
    declined_by: set[Hashable] = field(default_factory=set)
    offer: Offer | None = None
    agent: AgentState | None = None
    context: dict[str, Any] = field(default_factory=dict)
    callback: Callback | None = None
    queued_at: float = 0.0
    answered_at: float | None = None
    ended_at: float | None = None
    cls: str = field(init=False, default="")  # the capacity class of `channel`

    def __post_init__(self) -> None:
        self.cls = channel_class(self.channel)

    def key(self) -> tuple[int, int, float]:
        """Priority first, VIP ahead, then age: the oldest waits least."""
        return (-self.priority, -self.vip_level, self.arrived_at)


@dataclass(slots=True, eq=False)
class Offer:
    id: int
    contact: Contact
    agent: AgentState
    at: float
    expires_at: float | None  # None: the engine never withdraws it (simulation)


class QueueIndex:
    """One queue: its member agents and, per capacity class, a heap of available agents
    keyed by the strategy and a heap of waiting contacts keyed by Contact.key.

    Heaps use lazy deletion: an entry is valid while its version equals the record's.
    """

    __slots__ = ("spec", "is_open", "next_open", "opening_timer", "members", "agent_heaps", "contact_heaps",
                 "_seq", "_key")

    def __init__(
        self, spec: QueueSpec, is_open: Callable[[float], bool] | None = None,
        next_open: Callable[[float], float] | None = None,
    ) -> None:
        self.spec = spec
        self.is_open = is_open
        self.next_open = next_open
        self.opening_timer: float | None = None  # when a "queue opens" timer is already set
        self.members: set[AgentState] = set()
        self.agent_heaps: dict[str, list[tuple[Any, ...]]] = {}
        self.contact_heaps: dict[str, list[tuple[Any, ...]]] = {}
        self._seq = 0
        skill = spec.skill
        if spec.strategy is Strategy.FEWEST_CONTACTS:
            self._key: Callable[[AgentState], tuple[float, float]] = lambda a: (a.handled, a.idle_since)
        elif spec.strategy is Strategy.HIGHEST_SKILL:
            self._key = lambda a: (-(a.attrs.get("skills") or {}).get(skill, 0), a.idle_since)
        else:
            self._key = lambda a: (a.idle_since, 0.0)

    @property
    def name(self) -> str:
        return self.spec.name

    def open_at(self, now: float) -> bool:
        return self.is_open is None or self.is_open(now)

    def push_agent(self, agent: AgentState, cls: str) -> None:
        self._seq += 1
        k0, k1 = self._key(agent)
        heap = self.agent_heaps.setdefault(cls, [])
        heapq.heappush(heap, (k0, k1, self._seq, agent.version, agent))
        if len(heap) > 4 * len(self.members) + 64:
            self._compact_agents(cls)

    def _compact_agents(self, cls: str) -> None:
        heap = [e for e in self.agent_heaps[cls] if e[3] == e[4].version and e[4].available(cls)]
        heapq.heapify(heap)
        self.agent_heaps[cls] = heap

    def best_agent(self, cls: str, exclude: set[Hashable]) -> AgentState | None:
        """The best available agent not in `exclude`, left in the heap."""
        heap = self.agent_heaps.get(cls)
        if not heap:
            return None
        skipped = []
        found = None
        while heap:
            entry = heap[0]
            agent = entry[4]
            if entry[3] != agent.version or not agent.available(cls):
                heapq.heappop(heap)
                continue
            if agent.id in exclude:
                skipped.append(heapq.heappop(heap))
                continue
            found = agent
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

    def push_contact(self, contact: Contact) -> None:
        self._seq += 1
        heap = self.contact_heaps.setdefault(contact.cls, [])
        heapq.heappush(heap, (*contact.key(), self._seq, contact.version, contact))

    def best_contact(self, cls: str, agent_id: Hashable) -> tuple[tuple[Any, ...], Contact] | None:
        """The first waiting contact this agent has not declined, left in the heap."""
        heap = self.contact_heaps.get(cls)
        if not heap:
            return None
        skipped = []
        found = None
        while heap:
            entry = heap[0]
            contact = entry[5]
            if entry[4] != contact.version or contact.state is not ContactState.QUEUED or contact.queue is not self:
                heapq.heappop(heap)
                continue
            if agent_id in contact.declined_by:
                skipped.append(heapq.heappop(heap))
                continue
            found = (entry[:4], contact)
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

    def waiting(self) -> list[Contact]:
        """Valid waiting contacts in order (for pages and tests; O(n log n))."""
        found = {
            e[5] for heap in self.contact_heaps.values() for e in heap
            if e[4] == e[5].version and e[5].state is ContactState.QUEUED and e[5].queue is self
        }
        return sorted(found, key=lambda c: (*c.key(), str(c.id)))
