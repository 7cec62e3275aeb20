"""SQLite's one write lock, handed from transaction to transaction without sleeping.

Every transaction of a kefu engine on SQLite is a writer (BEGIN IMMEDIATE) unless it is a
reader's (kefu.core.db.make_read_sessionmaker). When the database is busy, SQLite's own
busy handler sleeps 1, 2, 5, 10 … 100 ms between retries, so under concurrent writers the
lock sits idle while they sleep. Writers of an engine first take a thread lock (a waiting
thread wakes the moment it is released), then an exclusive flock on
`<database>.writer-lock`, from BEGIN to COMMIT/ROLLBACK.

Between processes (uvicorn workers, the background worker, the CLI) the flock is polled,
first every 0.05 ms, backing off to every 0.2 ms: a hand-over then leaves the lock idle
for at most that long (bench/sqlite_writer.py measures it against the 0.1–1 ms polling
kefu had before and against SQLite's busy handler alone). A waiter thread blocked in
flock(2) was tried and measured no better: its wake-up costs a thread hand-off too. A
writer that has waited BUSY_TIMEOUT_SECONDS goes on without the flock and SQLite's busy
timeout decides, as it would without this class, so nothing hangs for good. A process
that dies holding the flock loses it with its file descriptor."""

from __future__ import annotations

import fcntl
import os
import threading
import time

BUSY_TIMEOUT_SECONDS = 30


# Polling interval between processes: from the first to the longest.
FIRST_PAUSE, LONGEST_PAUSE = 0.00005, 0.0002


class SqliteWriterLock:
    def __init__(self, database_path: str, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.database_path = database_path
        self._path = database_path + ".writer-lock"
        self._timeout = timeout
        self._fd: int | None = None
        self._thread_lock = threading.Lock()
        self._held: set[int] = set()

    def acquire(self, key: int) -> None:
        """Takes the lock for the connection `key` (a no-op if it holds it already)."""
        if key in self._held:
            return
        deadline = time.monotonic() + self._timeout
        if not self._thread_lock.acquire(timeout=self._timeout):
            return
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            pause = FIRST_PAUSE
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self._thread_lock.release()
                        return
                    time.sleep(pause)
                    pause = min(pause * 2, LONGEST_PAUSE)
        except BaseException:
            self._thread_lock.release()
            raise
        self._held.add(key)

    def holds(self, key: int) -> bool:
        return key in self._held

    def release(self, key: int) -> None:
        if key not in self._held:
            return
        self._held.discard(key)
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()
