"""A routing decision with 2,000 signed-in agents, 50 skills and 500 queued contacts.

Two decisions, both through the real engine (kefu.routing.engine):
  arrival — a contact arrives and is offered to the best ready agent of its step's queue;
  release — an agent finishes and is offered the best waiting contact of its queues.
Each is timed over thousands of calls (p50/p99), beside a naive linear scan over every
agent / every waiting contact making the same choice, in the same process.
Target (issue #7): p99 under 1 ms. Both wall-clock and thread CPU time are reported:
on a shared, overloaded machine the wall p99 measures the scheduler, not the engine.

    .venv/bin/python bench/routing_decision.py
"""

from __future__ import annotations

import os
import random
import statistics
import time

from kefu.routing.engine import RoutingEngine
from kefu.routing.state import ContactState
from kefu.routing.workflow import parse_workflow, queue_spec

SKILLS = [f"s{i}" for i in range(49)] + ["english"]
AGENTS, ENGLISH_AGENTS, QUEUED = 2000, 40, 500


def build(rng: random.Random) -> RoutingEngine:
    queues = [queue_spec("en", 'skills.english >= 4 and language == "en"', strategy="fewest_contacts")]
    for s in SKILLS[:-1]:
        queues.append(queue_spec(f"{s}_l3", f"skills.{s} >= 3", strategy="highest_skill"))
        queues.append(queue_spec(f"{s}_any", f"skills.{s} >= 1"))
    workflow = parse_workflow({
        "filters": [{"name": "english", "match": "language == 'en'", "steps": [{"queue": "en"}]}]
        + [{"name": s, "match": f"category == '{s}'",
            "steps": [{"queue": f"{s}_l3", "timeout": 30}, {"queue": f"{s}_any"}]} for s in SKILLS[:-1]],
        "default": {"queue": "s0_any"},
    })
    engine = RoutingEngine(queues, workflow)
    for i in range(AGENTS):
        skills = {s: rng.randint(1, 5) for s in rng.sample(SKILLS[:-1], 4)}
        attrs = {"skills": skills, "language": "zh"}
        if i < ENGLISH_AGENTS:
            attrs = {"skills": {**skills, "english": 5}, "language": "en"}
        engine.add_agent(i, attrs=attrs, capacity={"voice": 1}, ready=True, now=rng.random() * 100)
    return engine


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def naive_best_agent(engine: RoutingEngine, queue) -> object:
    """Linear scan: every agent, membership by the queue expression, best by the strategy key."""
    best, best_key = None, None
    for agent in engine.agents.values():
        if not agent.available("voice") or not queue.spec.expression(agent.attrs):
            continue
        key = queue._key(agent)
        if best_key is None or key < best_key:
            best, best_key = agent, key
    return best


def naive_best_contact(engine: RoutingEngine, agent) -> object:
    best, best_key = None, None
    member_of = set(agent.queues)
    for contact in engine.contacts.values():
        if contact.state is not ContactState.QUEUED or contact.queue not in member_of:
            continue
        key = contact.key()
        if best_key is None or key < best_key:
            best, best_key = contact, key
    return best


def main() -> None:
    rng = random.Random(1)
    engine = build(rng)
    now = 1000.0
    next_id = 0

    def new_id() -> int:
        nonlocal next_id
        next_id += 1
        return next_id

    # The English agents are all talking; 500 English callers wait for them.
    for _ in range(ENGLISH_AGENTS):
        offer = engine.enqueue(new_id(), channel="voice", attrs={"language": "en"}, now=now)[0]
        engine.accept(offer.id, now=now)
    for _ in range(QUEUED):
        now += 0.01
        engine.enqueue(new_id(), channel="voice", attrs={"language": "en", "vip_level": rng.randint(0, 5)}, now=now)
    waiting = sum(1 for c in engine.contacts.values() if c.state is ContactState.QUEUED)
    ready = sum(1 for a in engine.agents.values() if a.available("voice"))
    print(f"agents {len(engine.agents)} (ready {ready}), skills {len(SKILLS)}, queues {len(engine.queues)}, "
          f"queued contacts {waiting}")
    assert waiting == QUEUED

    arrival, arrival_naive, release, release_naive = [], [], [], []
    arrival_cpu, release_cpu = [], []
    clock_cpu = time.thread_time_ns
    for _ in range(5000):
        now += 0.5
        cid = new_id()
        category = rng.choice(SKILLS[:-1])
        queue = engine.queues[f"{category}_l3"]
        t = time.perf_counter_ns()
        expected = naive_best_agent(engine, queue)
        arrival_naive.append((time.perf_counter_ns() - t) / 1e3)
        c, t = clock_cpu(), time.perf_counter_ns()
        offers = engine.enqueue(cid, channel="voice", attrs={"category": category}, now=now)
        arrival.append((time.perf_counter_ns() - t) / 1e3)
        arrival_cpu.append((clock_cpu() - c) / 1e3)
        if not offers:
            assert expected is None
            engine.abandon(cid, now=now)
            continue
        assert offers[0].agent is expected, "the scan and the engine must agree"
        engine.accept(offers[0].id, now=now)
        engine.complete(cid, now=now + 0.1)

    live = [c.id for c in engine.contacts.values()
            if c.state is ContactState.ASSIGNED and c.agent.attrs.get("language") == "en"]
    for _ in range(5000):
        now += 0.5
        cid = live.pop(rng.randrange(len(live)))
        agent = engine.contacts[cid].agent
        t = time.perf_counter_ns()
        expected = naive_best_contact(engine, agent)
        release_naive.append((time.perf_counter_ns() - t) / 1e3)
        c, t = clock_cpu(), time.perf_counter_ns()
        offers = engine.complete(cid, now=now)
        release.append((time.perf_counter_ns() - t) / 1e3)
        release_cpu.append((clock_cpu() - c) / 1e3)
        assert offers and offers[0].contact is expected, "the scan and the engine must agree"
        engine.accept(offers[0].id, now=now)
        live.append(offers[0].contact.id)
        engine.enqueue(new_id(), channel="voice", attrs={"language": "en", "vip_level": rng.randint(0, 5)}, now=now)

    for name, fast, cpu, slow in (("arrival", arrival, arrival_cpu, arrival_naive),
                                  ("release", release, release_cpu, release_naive)):
        p50, p99 = percentile(fast, 0.5), percentile(fast, 0.99)
        c50, c99 = percentile(cpu, 0.5), percentile(cpu, 0.99)
        n50, n99 = percentile(slow, 0.5), percentile(slow, 0.99)
        print(f"{name:8s} engine wall p50 {p50:7.1f} µs p99 {p99:8.1f} µs | cpu p50 {c50:6.1f} µs p99 {c99:7.1f} µs "
              f"| naive scan p50 {n50:8.1f} µs p99 {n99:8.1f} µs | naive/engine p50 {n50 / p50:5.1f}x "
              f"| cpu p99 {'OK' if c99 < 1000 else 'OVER'} (< 1000 µs)")
    print(f"mean engine decision {statistics.mean(arrival + release):.1f} µs wall over {len(arrival) + len(release)} "
          f"decisions; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
