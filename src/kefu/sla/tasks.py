"""The SLA scan the worker runs: warnings, breaches and escalations that are due.

Takes clocks by an index range scan on next_check_at, claims them (SKIP LOCKED on
PostgreSQL; SQLite's IMMEDIATE transaction serialises scans), and does every due step
in the caller's unit of work. Safe to run twice and from several workers at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.sla import escalation, repository
from kefu.sla.escalation import ScanContext

log = logging.getLogger(__name__)

SCAN_EVERY_SECONDS = 10.0
BATCH = 500
RETRY_FAILED_AFTER = timedelta(minutes=1)


def scan_due(
    session: Session, now: datetime, *, limit: int = BATCH, context: ScanContext | None = None
) -> int:
    """Handles up to `limit` due clocks; returns how many it handled (0 when none is due).

    A clock whose step fails is rolled back to its savepoint, logged and retried a minute
    later, so one bad clock neither blocks the batch nor spins at the head of the queue."""
    context = context or ScanContext()
    handled = 0
    for clock in repository.claim_due_clocks(session, now=now, limit=limit):
        clock_id = clock.id
        try:
            with session.begin_nested():
                escalation.process(session, clock, now=now, context=context)
        except Exception:
            log.exception("SLA clock %s failed; retrying in %s", clock_id, RETRY_FAILED_AFTER)
            session.expire(clock)
            clock.next_check_at = now + RETRY_FAILED_AFTER
        handled += 1
    session.flush()
    return handled
