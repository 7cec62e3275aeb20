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
from kefu.sla.models import SlaClock

log = logging.getLogger(__name__)

# Cheap when nothing is due (one index probe); short, so a backlog after a restart drains fast.
SCAN_EVERY_SECONDS = 2.0
BATCH = 500
RETRY_FAILED_AFTER = timedelta(minutes=1)


def scan_due(
    session: Session, now: datetime, *, limit: int = BATCH, context: ScanContext | None = None
) -> int:
    """Handles up to `limit` due clocks; returns how many it handled (0 when none is due).

    The batch is done in one savepoint with a single flush. If anything in it fails, the
    savepoint is rolled back and the clocks are redone one by one, each in its own
    savepoint: a failing clock is logged and retried a minute later, so it neither blocks
    the others nor spins at the head of the queue."""
    context = context or ScanContext()
    claimed = repository.claim_due_clocks(session, now=now, limit=limit)
    if not claimed:
        return 0
    context.levels_done = repository.levels_done_for(session, [c.id for c in claimed])
    try:
        with session.begin_nested():
            with session.no_autoflush:
                for clock in claimed:
                    escalation.process(session, clock, now=now, context=context)
            context.apply(session, now=now)
    except Exception:
        log.warning("SLA scan batch failed; redoing its %s clocks one by one", len(claimed), exc_info=True)
        context.discard()
        _one_by_one(session, claimed, now=now, context=context)
    session.flush()
    return len(claimed)


def _one_by_one(session: Session, claimed: list[SlaClock], *, now: datetime, context: ScanContext) -> None:
    context.levels_done = repository.levels_done_for(session, [c.id for c in claimed])
    for clock in claimed:
        clock_id = clock.id
        try:
            with session.begin_nested():
                escalation.process(session, clock, now=now, context=context)
                context.apply(session, now=now)
        except Exception:
            log.exception("SLA clock %s failed; retrying in %s", clock_id, RETRY_FAILED_AFTER)
            context.discard()
            session.expire(clock)
            clock.next_check_at = now + RETRY_FAILED_AFTER
