"""A real HTTP server and concurrent clients for the benches: `kefu.app:create_app` under
uvicorn (N worker processes, as `uvicorn --workers N` runs it in production), driven by
keep-alive HTTP/1.1 connections from one asyncio process.

The client is a minimal raw-socket HTTP/1.1 writer/reader on purpose: on a 2-core machine
the load generator shares the CPUs with the server, and httpx would spend more CPU per
request than a small endpoint does. Every response's status is checked.

CPU is read from /proc for the server's processes (master and workers, all threads) and
for this process (the clients), so the figures say what the server alone costs."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SRC = str(Path(__file__).resolve().parents[1] / "src")
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / TICKS


class Server:
    """`uvicorn kefu.app:create_app --factory --workers N` on a free port, no background
    worker (outbox rows are written, not delivered, as in the in-process runs)."""

    def __init__(self, database_url: str, instance_dir: str, workers: int) -> None:
        self.port = _free_port()
        self.workers = workers
        env = {**os.environ, "PYTHONPATH": SRC, "KEFU_DATABASE_URL": database_url, "KEFU_INSTANCE_DIR": instance_dir,
               "KEFU_RUN_WORKER": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "kefu.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            env=env,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        # Each worker warms its NLP model in a thread at start-up; let them finish.
                        time.sleep(3)
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        return _cpu_seconds(_descendants(self.process.pid))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Run:
    n: int
    wall: float
    server_cpu: float
    client_cpu: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.n / self.wall

    @property
    def per_server_cpu_second(self) -> float:
        return self.n / self.server_cpu

    def line(self, label: str) -> str:
        q = statistics.quantiles(self.latencies, n=100)
        return (f"  {label:<26} {self.rate:8.0f} /s wall   {self.per_server_cpu_second:8.0f} per server CPU-second"
                f" ({1000 * self.server_cpu / self.n:.2f} ms each; clients {1000 * self.client_cpu / self.n:.2f} ms)"
                f"   latency p50 {q[49] * 1000:.1f} ms p95 {q[94] * 1000:.1f} ms")


Request = tuple[str, str, dict[str, str], Any]  # method, path, headers, JSON body or None


def _encode(request: Request) -> bytes:
    method, path, headers, body = request
    data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", f"Content-Length: {len(data)}"]
    if body is not None:
        lines.append("Content-Type: application/json")
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, payload: bytes) -> tuple[int, bytes]:
    writer.write(payload)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


def drive(server: Server, make: Callable[[int], Request], n: int, *, concurrency: int, expect: int) -> Run:
    """Sends `n` requests (make(i) builds the i-th) over `concurrency` keep-alive
    connections; every answer must have status `expect`."""

    async def main() -> tuple[float, list[float]]:
        counter = iter(range(n))
        latencies: list[float] = []

        async def connection() -> None:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            for i in counter:
                payload = _encode(make(i))
                started = time.perf_counter()
                status, body = await _exchange(reader, writer, payload)
                latencies.append(time.perf_counter() - started)
                if status != expect:
                    raise AssertionError(f"HTTP {status}: {body[:500].decode(errors='replace')}")
            writer.close()

        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies

    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    wall, latencies = asyncio.run(main())
    return Run(n, wall, server.cpu_seconds() - cpu_before, time.process_time() - client_before, latencies)
