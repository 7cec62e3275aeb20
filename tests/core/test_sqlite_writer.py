"""SQLite's write lock between processes: one writer at a time, handed over when the
holder lets go, and a writer that waited too long goes on (SQLite's busy timeout decides)
instead of hanging, without keeping the lock from the others."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from kefu.core.sqlite_writer import SqliteWriterLock


def _count(path: str, times: int) -> None:
    lock = SqliteWriterLock(path)
    counter = Path(path + ".count")
    for i in range(times):
        lock.acquire(i)
        value = int(counter.read_text())
        time.sleep(0.0005)  # a lost update shows if two writers overlap here
        counter.write_text(str(value + 1))
        lock.release(i)


def test_two_processes_never_write_at_the_same_time(tmp_path: Path) -> None:
    path = str(tmp_path / "kefu.db")
    Path(path + ".count").write_text("0")
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_count, args=(path, 150)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert Path(path + ".count").read_text() == "300"


def test_a_waiting_writer_gets_the_lock_when_the_other_lets_go(tmp_path: Path) -> None:
    path = str(tmp_path / "kefu.db")
    holder, waiter = SqliteWriterLock(path), SqliteWriterLock(path)  # two open files: two "processes"
    holder.acquire(1)
    got = threading.Event()

    def wait_for_it() -> None:
        waiter.acquire(2)
        got.set()

    thread = threading.Thread(target=wait_for_it)
    thread.start()
    assert not got.wait(0.2), "it must wait while the other holds the lock"
    holder.release(1)
    assert got.wait(2), "handed over once released"
    thread.join()
    assert not _try(holder), "the waiter holds it now"
    waiter.release(2)
    assert _try(holder)


def test_a_writer_that_waited_too_long_goes_on_without_the_lock(tmp_path: Path) -> None:
    path = str(tmp_path / "kefu.db")
    holder, impatient = SqliteWriterLock(path), SqliteWriterLock(path, timeout=0.2)
    holder.acquire(1)
    started = time.monotonic()
    impatient.acquire(2)  # returns without the lock: SQLite's busy timeout decides from here
    assert 0.15 < time.monotonic() - started < 5
    impatient.release(2)  # not held: nothing to do
    holder.release(1)
    deadline = time.monotonic() + 5
    while not _try(holder):
        assert time.monotonic() < deadline, "the given-up wait kept the lock"
        time.sleep(0.01)
    # And the impatient one can wait again later.
    holder.acquire(3)
    again = threading.Thread(target=impatient.acquire, args=(4,))
    again.start()
    time.sleep(0.05)
    holder.release(3)
    again.join(2)
    assert not again.is_alive()
    impatient.release(4)


def _try(lock: SqliteWriterLock) -> bool:
    """Takes and gives back the lock if it is free right now (another 'process' may hold it)."""
    result: list[bool] = []

    def attempt() -> None:
        probe = SqliteWriterLock(lock.database_path, timeout=0.05)
        probe.acquire(99)
        held = probe.holds(99)
        probe.release(99)
        result.append(held)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(5)
    return result == [True]
