"""Discrete-event simulation of the centre on a virtual clock, driving the REAL routing
engine (kefu.routing.engine): Poisson arrivals per interval, handle times, patience
(abandonment), wrap-up, online transfers and callback appointments.

Arrivals stop after `hours`; the run then drains so every offered contact ends answered
or abandoned. Contacts arriving during the warm-up are routed but not counted. The 95%
confidence half-width of the service level comes from batch means: the measured period
is cut into `batches` equal slices by arrival time, and t(0.975, b−1)·s/√b.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kefu.core.errors import KefuError
from kefu.routing.engine import RoutingEngine
from kefu.routing.state import Offer
from kefu.workforce.scenario import Scenario, Stream

# Student t, 97.5% quantile, by degrees of freedom (batch means use few batches).
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 12: 2.179, 15: 2.131, 19: 2.093, 20: 2.086, 24: 2.064, 29: 2.045, 30: 2.042}


def t975(df: int) -> float:
    if df in _T975:
        return _T975[df]
    if df > 30:
        return 1.96 + 2.4 / df  # close to the exact quantile beyond 30
    return _T975[max(k for k in _T975 if k <= df)]


@dataclass
class Tally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    within_target: int = 0
    wait_answered: float = 0.0

    def answer(self, wait: float, target: float) -> None:
        self.answered += 1
        self.wait_answered += wait
        if wait <= target:
            self.within_target += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "offered": self.offered, "answered": self.answered, "abandoned": self.abandoned,
            "service_level": self.within_target / self.offered if self.offered else None,
            "abandon_rate": self.abandoned / self.offered if self.offered else None,
            "asa_seconds": self.wait_answered / self.answered if self.answered else None,
        }


@dataclass
class _Record:
    stream: Stream
    arrived: float
    counted: bool
    batch: int
    transfer: bool = False
    specialist: bool = False


@dataclass
class Result:
    total: Tally = field(default_factory=Tally)
    by_stream: dict[str, Tally] = field(default_factory=dict)
    by_queue: dict[str, Tally] = field(default_factory=dict)
    batches: list[Tally] = field(default_factory=list)
    busy_seconds: float = 0.0
    busy_by_pool: dict[str, float] = field(default_factory=dict)
    agents_by_pool: dict[str, int] = field(default_factory=dict)
    measured_seconds: float = 0.0
    agent_count: int = 0
    contacts: int = 0
    callbacks: dict[str, Any] = field(default_factory=dict)
    warmup_seconds: float = 0.0

    def ci95(self) -> float | None:
        levels = [b.within_target / b.offered for b in self.batches if b.offered]
        if len(levels) < 2:
            return None
        mean = sum(levels) / len(levels)
        var = sum((x - mean) ** 2 for x in levels) / (len(levels) - 1)
        return t975(len(levels) - 1) * math.sqrt(var / len(levels))

    def occupancy(self) -> float | None:
        capacity = self.agent_count * self.measured_seconds
        return self.busy_seconds / capacity if capacity > 0 else None

    def occupancy_by_pool(self) -> dict[str, float]:
        """Busy time over available time per agent pool (a voice agent's single slot)."""
        return {name: self.busy_by_pool.get(name, 0.0) / (count * self.measured_seconds)
                for name, count in self.agents_by_pool.items() if count and self.measured_seconds > 0}


def run(scenario: Scenario, *, progress: Callable[[float], None] | None = None) -> Result:
    """Runs the scenario once; deterministic for a given seed."""
    rng = random.Random(scenario.seed)
    t0 = scenario.start.timestamp()
    end = t0 + scenario.hours * 3600
    warmup = scenario.warmup_seconds
    if warmup is None:
        warmup = min(1800.0, 0.1 * scenario.hours * 3600)
    measured_from = t0 + warmup
    batch_len = (end - measured_from) / scenario.batches
    engine = RoutingEngine(scenario.queues, scenario.workflow, hours=scenario.group_hours, offer_timeout=None)
    result = Result(warmup_seconds=warmup, measured_seconds=end - measured_from,
                    batches=[Tally() for _ in range(scenario.batches)])
    agent_id = 0
    pool_of: dict[Any, str] = {}
    for pool in scenario.agents:
        result.agents_by_pool[pool.name] = result.agents_by_pool.get(pool.name, 0) + pool.count
        for _ in range(pool.count):
            agent_id += 1
            pool_of[agent_id] = pool.name
            engine.add_agent(agent_id, attrs=pool.attrs, capacity=pool.capacity, ready=True, now=t0)
    result.agent_count = agent_id
    records: dict[Any, _Record] = {}
    events: list[tuple[float, int, str, Any]] = []
    seq = 0
    callbacks = {"registered": 0, "reached": 0, "no_answer": 0, "done": 0, "on_time": 0, "delays": []}

    def push(at: float, kind: str, ref: Any) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind, ref))

    def next_arrival(stream: Stream, now: float) -> float | None:
        # Piecewise-constant Poisson: memoryless, so restart at each interval boundary.
        while now < end:
            index = int((now - t0) // stream.interval_seconds)
            rate = stream.calls_per_hour[index % len(stream.calls_per_hour)] / 3600.0
            boundary = t0 + (index + 1) * stream.interval_seconds
            if rate > 0:
                at = now + rng.expovariate(rate)
                if at < boundary:
                    return at if at < end else None
            now = boundary
        return None

    target = scenario.target_seconds

    def handle_time(mean: float, kind: str) -> float:
        return mean if kind == "fixed" else rng.expovariate(1.0 / mean)

    def busy(start: float, stop: float, agent_id: Any) -> None:
        lo, hi = max(start, measured_from), min(stop, end)
        if hi > lo:
            result.busy_seconds += hi - lo
            pool = pool_of[agent_id]
            result.busy_by_pool[pool] = result.busy_by_pool.get(pool, 0.0) + hi - lo

    def finish(contact_id: Any) -> None:
        # Long runs stay small: finished contacts leave the engine and the records, except
        # those a callback still refers to.
        engine.forget(contact_id)
        record = records.get(contact_id)
        if record is not None and not record.transfer:
            del records[contact_id]

    def on_offers(offers: list[Offer], now: float) -> None:
        pending = list(offers)
        while pending:
            offer = pending.pop()
            contact = offer.contact
            pending += engine.accept(offer.id, now=now)
            if contact.callback is not None:
                origin = records[contact.context["transferred_from"]]
                push(now + handle_time(origin.stream.transfer.aht, "exponential"), "callback_done", contact.id)
                continue
            record = records[contact.id]
            if not record.specialist:
                wait = now - contact.arrived_at
                if record.counted:
                    per_queue = result.by_queue.setdefault(contact.queue.name, Tally())
                    per_queue.offered += 1  # a contact's queue is known once it is answered or lost
                    for tally in (result.total, result.by_stream[record.stream.name], per_queue,
                                  result.batches[record.batch]):
                        tally.answer(wait, target)
                mean = record.stream.aht
            else:
                mean = record.stream.transfer.aht
            push(now + handle_time(mean, record.stream.handle), "end", contact.id)

    for stream in scenario.streams:
        result.by_stream[stream.name] = Tally()
        first = next_arrival(stream, t0)
        if first is not None:
            push(first, "arrive", stream)
    inf = math.inf
    while True:
        t_event = events[0][0] if events else inf
        t_engine = engine.next_due()
        if t_engine is not None and t_engine <= t_event:
            on_offers(engine.advance(t_engine), t_engine)
            continue
        if not events:
            break
        now, _, kind, ref = heapq.heappop(events)
        if kind == "arrive":
            stream = ref
            result.contacts += 1
            cid = result.contacts
            counted = now >= measured_from
            batch = min(int((now - measured_from) // batch_len), scenario.batches - 1) if counted else 0
            transfer = stream.transfer is not None and rng.random() < stream.transfer.share
            records[cid] = _Record(stream, now, counted, batch, transfer)
            if counted:
                for t in (result.total, result.by_stream[stream.name], result.batches[batch]):
                    t.offered += 1
            if stream.patience is not None:
                push(now + rng.expovariate(1.0 / stream.patience), "abandon", cid)
            on_offers(engine.enqueue(cid, channel=stream.channel, attrs=stream.attrs, now=now), now)
            nxt = next_arrival(stream, now)
            if nxt is not None:
                push(nxt, "arrive", stream)
            if progress is not None:
                progress(min(1.0, (now - t0) / (end - t0)))
        elif kind == "abandon":
            contact = engine.contacts.get(ref)
            record = records.get(ref)
            if contact is not None and record is not None and contact.answered_at is None and contact.ended_at is None:
                on_offers(engine.abandon(ref, now=now), now)
                if record.counted:
                    per_queue = result.by_queue.setdefault(contact.queue.name, Tally())
                    per_queue.offered += 1
                    for tally in (result.total, result.by_stream[record.stream.name], per_queue,
                                  result.batches[record.batch]):
                        tally.abandoned += 1
                finish(ref)
        elif kind == "end":
            contact = engine.contacts[ref]
            record = records[ref]
            agent_id = contact.agent.id
            busy(contact.answered_at, now, agent_id)
            if record.transfer and not record.specialist:
                record.specialist = True
                try:
                    moved = engine.transfer(ref, to_queue=record.stream.transfer.to_queue, now=now,
                                            callback_number="13800138000", wrap_up=scenario.wrap_up)
                except KefuError:  # the engine refused (e.g. closed, no number): the call just ends
                    on_offers(engine.complete(ref, now=now, wrap_up=scenario.wrap_up), now)
                    finish(ref)
                    continue
                if moved.kind == "callback":
                    callbacks["registered"] += 1
                busy(now, now + scenario.wrap_up, agent_id)
                on_offers(list(moved.offers), now)
                continue
            busy(now, now + scenario.wrap_up, agent_id)
            on_offers(engine.complete(ref, now=now, wrap_up=scenario.wrap_up), now)
            finish(ref)
        elif kind == "callback_done":
            contact = engine.contacts[ref]
            record = records[contact.context["transferred_from"]]
            busy(contact.answered_at, now, contact.agent.id)
            reached = rng.random() < record.stream.transfer.reach_rate
            assert contact.callback is not None
            if reached:
                callbacks["reached"] += 1
                callbacks["delays"].append(now - contact.callback.not_before)
                callbacks["on_time"] += now <= contact.callback.due_at
            else:
                callbacks["no_answer"] += 1
            on_offers(engine.callback_result(ref, "reached" if reached else "no_answer", now=now,
                                             wrap_up=scenario.wrap_up), now)
            if contact.callback.results[-1][1] == "done":
                callbacks["done"] += 1
                engine.forget(ref)
    delays = callbacks.pop("delays")
    callbacks["mean_delay_seconds"] = sum(delays) / len(delays) if delays else None
    result.callbacks = callbacks
    return result
