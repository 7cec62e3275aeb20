"""Events tickets publish. SLA clocks, notifications and analytics react to these; the
tickets module knows nothing of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import Event


@dataclass(frozen=True)
class TicketOpened(Event):
    ticket_id: int
    ticket_type: str  # consultation | service_request | fault | complaint | suggestion | cross_region | external
    channel: str
    priority: str  # low | normal | high | urgent
    segment: str  # the subscriber's segment: individual | family | government_enterprise | vip
    category: str | None
    at: datetime


@dataclass(frozen=True)
class TicketResponded(Event):
    """The first handling action on the ticket (accepted, dispatched or answered)."""

    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketFeedbackGiven(Event):
    """The first progress feedback the customer received."""

    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketWaitingOnCustomer(Event):
    ticket_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class TicketCustomerReplied(Event):
    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketStatusChanged(Event):
    ticket_id: int
    from_status: str
    to_status: str
    by: str
    at: datetime


@dataclass(frozen=True)
class TicketResolved(Event):
    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketReturnVisited(Event):
    ticket_id: int
    satisfied: bool
    at: datetime


@dataclass(frozen=True)
class TicketClosed(Event):
    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketReopened(Event):
    ticket_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class TicketCancelled(Event):
    ticket_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class TicketEscalated(Event):
    ticket_id: int
    level: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class TicketDeleted(Event):
    ticket_id: int
    at: datetime


@dataclass(frozen=True)
class TicketUpdated(Event):
    """Attributes edited in place (name, description, priority, severity, characteristics …)."""

    ticket_id: int
    fields: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class HubNotificationQueued(Event):
    """A TMF621 event body is owed to one hub listener; delivery POSTs it (and retries)."""

    notification_id: int
    at: datetime
