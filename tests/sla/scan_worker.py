"""A worker process for the crash and concurrency tests: runs the SLA scan in a loop
against a real database until nothing is due, one unit of work per batch, as the
worker does. Prints how many clocks it handled. Usage: scan_worker.py URL NOW_ISO BATCH"""

from __future__ import annotations

import sys
from datetime import datetime

from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.sla.escalation import ScanContext
from kefu.sla.tasks import scan_due


def no_ticket(session, ticket_id, *, level, reason, now) -> None:
    """The seeded clocks belong to no ticket; raising real tickets is tested in test_with_tickets."""


def main() -> None:
    url, at, batch = sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
    factory = make_sessionmaker(make_engine(url))
    handled = 0
    while True:
        with unit_of_work(factory) as session:
            done = scan_due(session, at, limit=batch, context=ScanContext(escalator=no_ticket))
        handled += done
        print(f"handled {handled}", flush=True)
        if not done:
            break


if __name__ == "__main__":
    main()
