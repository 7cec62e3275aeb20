"""Benchmark: business-calendar `due_at` computations per second.

A realistic mix of targets (15 min, 1 h, 24 h, 72 h) on the default calendars
(specialist 9:00–22:00 with holidays, weekday back office with 调休, natural days,
7×24), starting at random instants across 2025–2026 (so Spring Festival, National Day
and make-up Saturdays are crossed). Baseline in the same process: plain datetime
addition `start + target`, the floor of any deadline arithmetic.
Target (issue #4): at least 100,000 due_at per second.

    .venv/bin/python bench/sla_due_at.py [--n 300000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from kefu.sla import defaults
from kefu.sla.calendar import BusinessCalendar, CalendarSpec, due_at

TARGETS = [timedelta(minutes=15), timedelta(hours=1), timedelta(hours=24), timedelta(hours=72)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000)
    args = parser.parse_args()
    rng = random.Random(4)
    calendars = [BusinessCalendar(CalendarSpec.from_dict(code, item["spec"])) for code, item in defaults.CALENDARS.items()]
    first = datetime(2025, 1, 1, tzinfo=UTC)
    # The end of 2026 is the last year chinese-calendar knows; stay 4 days short of it.
    span = int((datetime(2026, 12, 20, tzinfo=UTC) - first).total_seconds())
    cases = [
        (first + timedelta(seconds=rng.randrange(span)), rng.choice(TARGETS), rng.choice(calendars))
        for _ in range(args.n)
    ]
    for start, target, calendar in cases[:20_000]:  # warm the per-date caches once, as a worker would be
        due_at(start, target, calendar)

    t0, c0 = time.perf_counter(), time.process_time()
    for start, target, _calendar in cases:
        start + target
    baseline, baseline_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    for start, target, calendar in cases:
        due_at(start, target, calendar)
    elapsed, elapsed_cpu = time.perf_counter() - t0, time.process_time() - c0

    rate, base_rate = args.n / elapsed, args.n / baseline
    # CPU time leaves out the time this process waited for a core on a shared machine.
    cpu_rate = args.n / elapsed_cpu
    print(f"due_at:            {rate:>12,.0f} per second wall, {cpu_rate:,.0f} per CPU-second "
          f"({elapsed * 1e6 / args.n:.2f} µs each, n={args.n:,})")
    print(f"baseline (a + b):  {base_rate:>12,.0f} per second wall, {args.n / baseline_cpu:,.0f} per CPU-second")
    print(f"ratio:             due_at costs {base_rate / rate:.1f}× a plain datetime addition")
    print(f"target ≥100,000/s: {'met' if rate >= 100_000 else 'NOT met'} (wall clock)")


if __name__ == "__main__":
    main()
