"""Benchmark: `kefu demo` (staff, catalogue, subscribers, usage, bills, payments) on a fresh
SQLite file, 100,000 subscribers by default.

Prints wall and CPU time, rows per table, rows/s, peak RSS, and the ratio against a
baseline run in the same process: plain sqlite3 executemany of the same number of rows
into a one-table schema, chunked into as many transactions (the floor for getting that
many rows into SQLite from Python). The machine's load average is printed too: on a
shared machine it moves wall times more than anything in the code.

    .venv/bin/python bench/demo_generation.py [subscribers]
"""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kefu.core.db import make_engine, make_sessionmaker
from kefu.demo.generate import CHUNK_SIZE, generate
from kefu.migrate import upgrade

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (the writer) and of its finished children (the drawing one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def baseline(path: Path, total_rows: int, chunks: int) -> float:
    """Seconds to executemany `total_rows` five-column rows into one indexed-by-id table."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, account_id INTEGER, month TEXT, amount INTEGER, status TEXT)"
    )
    per_chunk = total_rows // chunks + 1
    started = time.perf_counter()
    done = 0
    while done < total_rows:
        n = min(per_chunk, total_rows - done)
        rows = [(done + k + 1, (done + k) // 7, "2026-10-01", 2900 + k % 1000, "paid") for k in range(n)]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        done += n
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    subscribers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        upgrade(engine)
        load_before = os.getloadavg()
        cpu_before = _cpu()
        result = generate(make_sessionmaker(engine), subscribers=subscribers, now=NOW)
        cpu_after = _cpu()
        writer_cpu, child_cpu = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
        engine.dispose()
        peak_parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        total = sum(result.rows.values())

        chunks = max(1, -(-subscribers // CHUNK_SIZE))
        base = baseline(Path(tmp) / "baseline.db", total, chunks)

    print(f"kefu demo --subscribers {subscribers:,} on SQLite")
    print(f"  load average before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f} on {os.cpu_count()} CPUs")
    for name, count in result.rows.items():
        print(f"  {name:<18} {count:>12,}")
    print(f"  {'total rows':<18} {total:>12,}")
    print(f"  wall {result.seconds:.1f} s, {total / result.seconds:,.0f} rows/s")
    print(f"  CPU {writer_cpu:.1f} s writing (this process) + {child_cpu:.1f} s drawing (child process);"
          f" on two idle cores the wall time is about the larger of the two")
    print(f"  peak RSS: {peak_parent:.0f} MiB (writer) + {peak_child:.0f} MiB (drawing child)")
    print(f"baseline: sqlite3 executemany of {total:,} rows into one table in {chunks} transactions: "
          f"{base:.1f} s, {total / base:,.0f} rows/s")
    print(f"ratio kefu demo / baseline: {result.seconds / base:.1f}x")


if __name__ == "__main__":
    main()
