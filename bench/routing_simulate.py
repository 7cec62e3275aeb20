"""`kefu simulate` speed: 100,000 contacts through the real routing engine.

Prints seconds and contacts/s for two centres (10 Erlangs on 14 agents; 180 Erlangs on
190 agents with abandonment), beside a bare M/M/N event loop (heapq + FIFO list, no
engine) over the same arrivals in the same process as the baseline.
Target (issue #7): 100,000 contacts in under 10 s. CPU seconds are printed beside wall
seconds: on a shared, overloaded machine wall time measures the neighbours.

    .venv/bin/python bench/routing_simulate.py
"""

from __future__ import annotations

import heapq
import os
import random
import time
from collections import deque

from kefu.workforce.scenario import simple_scenario
from kefu.workforce.simulation import run


def bare_mmn(calls_per_hour: float, aht: float, agents: int, contacts: int, seed: int) -> float:
    """The simplest correct M/M/N loop: what an engine-free simulation costs."""
    rng = random.Random(seed)
    events: list[tuple[float, int]] = []
    waiting: deque[float] = deque()
    free, now, answered_in_20 = agents, 0.0, 0
    arrivals = 0
    heapq.heappush(events, (rng.expovariate(calls_per_hour / 3600), 0))
    while events:
        now, kind = heapq.heappop(events)
        if kind == 0:
            arrivals += 1
            if arrivals < contacts:
                heapq.heappush(events, (now + rng.expovariate(calls_per_hour / 3600), 0))
            if free:
                free -= 1
                answered_in_20 += 1
                heapq.heappush(events, (now + rng.expovariate(1 / aht), 1))
            else:
                waiting.append(now)
        elif waiting:
            arrived = waiting.popleft()
            answered_in_20 += now - arrived <= 20
            heapq.heappush(events, (now + rng.expovariate(1 / aht), 1))
        else:
            free += 1
    return answered_in_20 / contacts


def main() -> None:
    cases = [
        ("10 Erlangs, 14 agents", dict(calls_per_hour=360, aht=100, agents=14, patience=None)),
        ("180 Erlangs, 190 agents, patience 120 s", dict(calls_per_hour=3600, aht=180, agents=190, patience=120)),
    ]
    for name, case in cases:
        hours = 100_000 / case["calls_per_hour"]
        scenario = simple_scenario(target_seconds=20, hours=hours, seed=1, **case)
        started, cpu = time.perf_counter(), time.process_time()
        result = run(scenario)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        bare = time.process_time()
        bare_mmn(case["calls_per_hour"], case["aht"], case["agents"], result.contacts, 1)
        bare = time.process_time() - bare
        sl = result.total.within_target / result.total.offered
        print(f"{name}: {result.contacts} contacts in {elapsed:.2f} s wall, {cpu:.2f} s CPU = "
              f"{result.contacts / cpu:,.0f} contacts/CPU-s (SL {sl:.3f} ± {result.ci95():.3f}) | bare M/M/N loop "
              f"{bare:.2f} CPU-s | engine/bare {cpu / bare:.1f}x | CPU {'OK' if cpu < 10 else 'OVER'}, "
              f"wall {'OK' if elapsed < 10 else 'OVER'} (< 10 s)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
