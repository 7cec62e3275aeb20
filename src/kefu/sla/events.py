"""Events the SLA module publishes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event


@dataclass(frozen=True)
class SlaClockStepped(Event):
    """A clock of a non-ticket subject (a callback appointment) warned or breached."""

    clock_id: int
    subject: str
    subject_id: int
    stage: str  # warned | breached
    at: datetime
