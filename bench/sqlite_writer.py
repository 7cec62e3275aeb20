"""SQLite's write lock between processes (kefu.core.sqlite_writer): how many short write
transactions two processes get through together, against baselines in the same run.

Each process runs the same loop: BEGIN IMMEDIATE, one INSERT, ~`--held-ms` of CPU, COMMIT,
then ~`--work-ms` of CPU outside the transaction — shaped like a ticket create (store
under the lock, classification and the HTTP stack outside it). Variants:

  one process          the same loop alone (what one core does)
  busy handler only    no writer lock: SQLite's own busy handler sleeps 1, 2, 5 … ms
  polling 0.1–1 ms     the lock kefu had before: flock polled every 0.1 ms backing off to 1 ms
  kefu                 SqliteWriterLock: flock polled every 0.05 ms backing off to 0.2 ms

    .venv/bin/python bench/sqlite_writer.py [--transactions 3000] [--held-ms 1.0] [--work-ms 2.5]
"""

from __future__ import annotations

import argparse
import fcntl
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kefu.core.sqlite_writer import SqliteWriterLock  # noqa: E402


class PollingLock:
    """The baseline: kefu's lock before (flock polled every 0.1 ms, backing off to 1 ms)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path + ".writer-lock", os.O_RDWR | os.O_CREAT, 0o644)

    def acquire(self, key: int) -> None:
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                time.sleep(pause)
                pause = min(pause * 2, 0.001)

    def release(self, key: int) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


def _spin(ms: float) -> None:
    end = time.process_time() + ms / 1000
    while time.process_time() < end:
        pass


def _loop(path: str, kind: str, n: int, held_ms: float, work_ms: float, start: float) -> None:
    lock = {"kefu": SqliteWriterLock, "polling": PollingLock}.get(kind)
    lock = lock(path) if lock else None
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    while time.time() < start:
        time.sleep(0.001)
    for i in range(n):
        if lock:
            lock.acquire(i)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (pid, payload) VALUES (?, ?)", (os.getpid(), "x" * 200))
        _spin(held_ms)
        conn.execute("COMMIT")
        if lock:
            lock.release(i)
        _spin(work_ms)
    conn.close()


def run(kind: str, processes: int, n: int, held_ms: float, work_ms: float) -> float:
    workdir = tempfile.mkdtemp()
    path = os.path.join(workdir, "w.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, pid INTEGER, payload TEXT)")
    conn.close()
    spawn = multiprocessing.get_context("spawn")
    start = time.time() + 1.5
    workers = [spawn.Process(target=_loop, args=(path, kind, n // processes, held_ms, work_ms, start)) for _ in range(processes)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        assert w.exitcode == 0
    wall = time.time() - start
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == (n // processes) * processes
    return (n // processes) * processes / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transactions", type=int, default=3000)
    parser.add_argument("--held-ms", type=float, default=1.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--work-ms", type=float, default=2.5)
    args = parser.parse_args()
    print(f"{args.transactions} write transactions, {args.held_ms} ms of CPU in each and {args.work_ms} ms around it,"
          f" {os.cpu_count()} cores,"
          f" load {os.getloadavg()[0]:.1f} before")
    alone = run("kefu", 1, args.transactions, args.held_ms, args.work_ms)
    print(f"  one process                 {alone:8.0f} /s")
    for label, kind in (("busy handler only", "none"), ("polling 0.1–1 ms (before)", "polling"), ("kefu", "kefu")):
        rate = run(kind, args.processes, args.transactions, args.held_ms, args.work_ms)
        print(f"  {args.processes} processes, {label:<26} {rate:8.0f} /s   {rate / alone:5.2f}× one process")


if __name__ == "__main__":
    main()
