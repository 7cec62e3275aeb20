"""Events routing publishes (analytics computes answer rate, ASA and occupancy from them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event


@dataclass(frozen=True)
class ContactOffered(Event):
    contact_id: int
    agent_id: int
    queue: str
    at: datetime


@dataclass(frozen=True)
class ContactAssigned(Event):
    contact_id: int
    agent_id: int
    ticket_id: int | None
    waited_seconds: float
    at: datetime


@dataclass(frozen=True)
class ContactEnded(Event):
    contact_id: int
    agent_id: int | None
    outcome: str  # handled | abandoned | transferred
    at: datetime


@dataclass(frozen=True)
class CallbackRegistered(Event):
    contact_id: int
    origin_id: int | None
    queue: str
    due_at: datetime
    at: datetime
    # What the SLA clock of the appointment needs (issue #7 part 5): the window from the
    # routing settings and the group whose seat owns it.
    within_seconds: int = 3600
    group: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class CallbackAttempted(Event):
    contact_id: int
    agent_id: int | None
    result: str
    at: datetime


@dataclass(frozen=True)
class CallbackFinished(Event):
    """The appointment is over: reached, failed (out of attempts) or cancelled."""

    contact_id: int
    outcome: str  # reached | failed | cancelled
    at: datetime
