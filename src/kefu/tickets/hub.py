"""The TMF621 notification hub: listeners subscribe with a callback and a query; every
ticket event becomes a TMF event body owed to each matching listener.

Fan-out (these handlers) stores one HubNotification per listener and records
HubNotificationQueued for it, so the outbox delivers and retries each listener on its
own; the HTTP POST itself is the handler wiring.py registers for HubNotificationQueued.

Ticket events → TMF events:
    TicketOpened                              → TroubleTicketCreateEvent
    TicketStatusChanged (TMF status changes)  → TroubleTicketStatusChangeEvent
    TicketStatusChanged (same TMF status)     → TroubleTicketAttributeValueChangeEvent (fieldPath statusChange)
    TicketWaitingOnCustomer / CustomerReplied → TroubleTicketStatusChangeEvent (pending / back)
    TicketResolved                            → TroubleTicketResolvedEvent
    TicketUpdated                             → TroubleTicketAttributeValueChangeEvent (fieldPath: the attributes)
    TicketEscalated                           → TroubleTicketAttributeValueChangeEvent (fieldPath priority)
    TicketDeleted                             → TroubleTicketDeleteEvent
"""

from __future__ import annotations

import fnmatch
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy.orm import Session

from kefu.core.events import record
from kefu.tickets import changes, tmf, tmf_repository
from kefu.tickets.events import (
    HubNotificationQueued,
    TicketCustomerReplied,
    TicketDeleted,
    TicketEscalated,
    TicketOpened,
    TicketResolved,
    TicketStatusChanged,
    TicketUpdated,
    TicketWaitingOnCustomer,
)
from kefu.tickets.hub_models import HubNotification, HubSubscription
from kefu.tickets.lifecycle import Status
from kefu.tickets.tmf_errors import BadCallback, BadQuery, ListenerHostNotAllowed, SubscriptionNotFound
from kefu.tickets.views import detail

EVENT_TYPES = tmf.EVENT_TYPES
# A listener down this long has missed the event; retrying further only grows the outbox.
GIVE_UP_AFTER = timedelta(hours=24)
log = logging.getLogger(__name__)


def subscribe(
    session: Session, *, callback: str, query: str = "", by: str, now: datetime, allowed_hosts: str = "localhost,127.0.0.1"
) -> HubSubscription:
    """Registers a listener. The callback must be an absolute http(s) URL on an allowed host
    (comma-separated patterns with * wildcards); the query's eventType values must be events
    this hub sends."""
    parts = urlsplit(callback.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadCallback(callback)
    patterns = [p.strip().lower() for p in allowed_hosts.split(",") if p.strip()]
    if not any(fnmatch.fnmatchcase(parts.hostname.lower(), p) for p in patterns):
        raise ListenerHostNotAllowed(parts.hostname)
    for key, value in parse_qsl((query or "").strip().lstrip("?"), keep_blank_values=True):
        unknown = [v for v in value.split(",") if key == "eventType" and v.strip() not in EVENT_TYPES]
        if unknown:
            raise BadQuery(unknown)
    row = HubSubscription(callback=callback.strip(), query=(query or "").strip(), created_by=by, created_at=now)
    tmf_repository.add(session, row)
    session.flush()
    return row


def unsubscribe(session: Session, subscription_id: int) -> None:
    """Removes the listener; notifications not yet delivered to it are dropped with it."""
    row = tmf_repository.subscription(session, subscription_id)
    if row is None:
        raise SubscriptionNotFound(str(subscription_id))
    tmf_repository.delete_subscription(session, row)
    session.flush()


def matches(query: str, event_type: str, resource: dict[str, Any]) -> bool:
    """TMF hub query: `eventType=A,B&status=resolved&event.troubleTicket.severity=Critical`;
    values comma-separated are OR-ed, attributes AND-ed; an empty query takes everything."""
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        wanted = {v.strip() for v in value.split(",") if v.strip()}
        if key == "eventType":
            if event_type not in wanted:
                return False
            continue
        path = key.removeprefix("event.").removeprefix("troubleTicket.")
        if _value_at(resource, path.split(".")) & wanted == set():
            return False
    return True


def _value_at(node: Any, path: list[str]) -> set[str]:
    if not path:
        if isinstance(node, (dict, list)) or node is None:
            return set()
        return {str(node).lower() if isinstance(node, bool) else str(node)}
    if isinstance(node, list):
        return set().union(*(_value_at(item, path) for item in node)) if node else set()
    if isinstance(node, dict):
        return _value_at(node.get(path[0]), path[1:])
    return set()


def _fan_out(
    session: Session, ticket_id: int, *, event_type: str, key: str, at: datetime, now: datetime,
    field_path: str | None = None,
) -> int:
    """Queues the event for every matching listener not yet told of it; returns how many."""
    listeners = tmf_repository.subscriptions(session)
    if not listeners:
        return 0
    ticket = changes.load(session, ticket_id)
    resource = tmf.to_trouble_ticket(detail(session, ticket))
    body: dict[str, Any] = {
        "eventId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"kefu:{key}")),
        "eventTime": at.isoformat().replace("+00:00", "Z"),
        "eventType": event_type,
        "event": {"troubleTicket": resource},
    }
    if field_path:
        body["fieldPath"] = field_path
    queued = 0
    for listener in listeners:
        if not matches(listener.query, event_type, resource):
            continue
        if tmf_repository.notification_exists(session, listener.id, key):
            continue
        row = HubNotification(subscription_id=listener.id, event_key=key, event_type=event_type, ticket_id=ticket_id,
                              body=body, created_at=now)
        tmf_repository.add(session, row)
        session.flush()
        record(session, HubNotificationQueued(notification_id=row.id, at=now), now=now)
        queued += 1
    return queued


def on_ticket_opened(session: Session, event: TicketOpened, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketCreateEvent",
             key=f"opened:{event.ticket_id}", at=event.at, now=now)


def on_ticket_status_changed(session: Session, event: TicketStatusChanged, now: datetime) -> None:
    before = tmf.TO_TMF[Status(event.from_status)]
    after = tmf.TO_TMF[Status(event.to_status)]
    key = f"status:{event.ticket_id}:{event.from_status}:{event.to_status}:{event.at.isoformat()}"
    if before != after:
        _fan_out(session, event.ticket_id, event_type="TroubleTicketStatusChangeEvent", key=key, at=event.at, now=now)
    else:
        _fan_out(session, event.ticket_id, event_type="TroubleTicketAttributeValueChangeEvent", key=key,
                 at=event.at, now=now, field_path="statusChange")


def on_ticket_waiting(session: Session, event: TicketWaitingOnCustomer, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketStatusChangeEvent",
             key=f"waiting:{event.ticket_id}:{event.at.isoformat()}", at=event.at, now=now)


def on_customer_replied(session: Session, event: TicketCustomerReplied, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketStatusChangeEvent",
             key=f"replied:{event.ticket_id}:{event.at.isoformat()}", at=event.at, now=now)


def on_ticket_resolved(session: Session, event: TicketResolved, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketResolvedEvent",
             key=f"resolved:{event.ticket_id}:{event.at.isoformat()}", at=event.at, now=now)


def on_ticket_updated(session: Session, event: TicketUpdated, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketAttributeValueChangeEvent",
             key=f"updated:{event.ticket_id}:{','.join(event.fields)}:{event.at.isoformat()}", at=event.at, now=now,
             field_path=",".join(event.fields))


def on_ticket_escalated(session: Session, event: TicketEscalated, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketAttributeValueChangeEvent",
             key=f"escalated:{event.ticket_id}:{event.level}", at=event.at, now=now, field_path="priority")


def on_ticket_deleted(session: Session, event: TicketDeleted, now: datetime) -> None:
    _fan_out(session, event.ticket_id, event_type="TroubleTicketDeleteEvent",
             key=f"deleted:{event.ticket_id}", at=event.at, now=now)


def notification_to_send(
    session: Session, notification_id: int, *, now: datetime
) -> tuple[str, dict[str, Any]] | None:
    """(callback, body) still owed, or None when it was delivered, its listener is gone, or
    it has failed for GIVE_UP_AFTER (then it is marked abandoned: response_status 0)."""
    found = tmf_repository.notification(session, notification_id)
    if found is None or found[0].delivered_at is not None:
        return None
    notification, listener = found
    if now - notification.created_at > GIVE_UP_AFTER:
        log.warning("TMF621 listener %s: giving up on notification %s after %s", listener.callback,
                    notification_id, GIVE_UP_AFTER)
        notification.delivered_at, notification.response_status = now, 0
        session.flush()
        return None
    return listener.callback, notification.body


def mark_delivered(session: Session, notification_id: int, *, status: int, now: datetime) -> None:
    found = tmf_repository.notification(session, notification_id)
    if found is not None:
        found[0].delivered_at, found[0].response_status = now, status
        session.flush()


def notifications(session: Session, ticket_id: int) -> list[HubNotification]:
    return tmf_repository.notifications_for(session, ticket_id)
