"""The SLA scan the worker runs: warnings, breaches and escalations that are due.

Takes clock ids by an index range scan on next_check_at, claims them (SKIP LOCKED on
PostgreSQL; SQLite's IMMEDIATE transaction serialises scans), and does every due step
in the caller's unit of work. Safe to run twice and from several workers at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kefu.sla import escalation, repository
from kefu.sla.escalation import ScanContext

SCAN_EVERY_SECONDS = 10.0
BATCH = 500


def scan_due(
    session: Session, now: datetime, *, limit: int = BATCH, context: ScanContext | None = None
) -> int:
    """Handles up to `limit` due clocks; returns how many it handled (0 when none is due)."""
    context = context or ScanContext()
    handled = 0
    for clock in repository.claim_due_clocks(session, now=now, limit=limit):
        escalation.process(session, clock, now=now, context=context)
        handled += 1
    session.flush()
    return handled
