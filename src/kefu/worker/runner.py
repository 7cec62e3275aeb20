"""Worker loop."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from sqlalchemy.orm import Session, sessionmaker

from kefu import wiring
from kefu.core.clock import Clock
from kefu.core.db import unit_of_work
from kefu.core.outbound import DemoSender, GatewaySender
from kefu.core.outbox_delivery import deliver_pending
from kefu.settings import Settings

log = logging.getLogger(__name__)


def make_sender(settings: Settings) -> DemoSender | GatewaySender:
    if settings.demo_mode and not (settings.smtp_host or settings.sms_gateway_url):
        return DemoSender()
    return GatewaySender(
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_sender=settings.smtp_sender,
        sms_gateway_url=settings.sms_gateway_url,
    )


class Worker:
    def __init__(self, factory: sessionmaker[Session], *, settings: Settings, clock: Clock) -> None:
        self.factory = factory
        self.settings = settings
        self.clock = clock
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.handlers = wiring.event_handlers()
        self.jobs = wiring.periodic_jobs(sender=make_sender(settings))
        self._last_run: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One pass: deliver pending events, then run the jobs that are due. Returns work done."""
        done = deliver_pending(self.factory, self.handlers, worker_id=self.worker_id, now=self.clock.now)
        monotonic = time.monotonic()
        for job in self.jobs:
            if monotonic - self._last_run.get(job.name, 0.0) < job.every_seconds:
                continue
            self._last_run[job.name] = monotonic
            try:
                with unit_of_work(self.factory) as session:
                    result = job.run(session, self.clock.now())
                if isinstance(result, int):
                    done += result
            except Exception:  # one failing job must not stop the worker; it runs again next time
                log.exception("periodic job %s failed", job.name)
        return done

    def run_forever(self) -> None:
        log.info("worker %s started", self.worker_id)
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.settings.worker_poll_seconds)

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="kefu-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
