"""Delivery of TMF621 hub notifications to listeners over HTTP (the outbox handler)."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from kefu.tickets import hub
from kefu.tickets.events import HubNotificationQueued

TMF_LISTENER_TIMEOUT_SECONDS = 5.0


def post_tmf_notification(session: Session, event: HubNotificationQueued, now: datetime) -> None:
    """POSTs one TMF621 event body to its listener. A non-2xx answer or a network error
    raises, so the outbox retries this listener (alone) with backoff, for up to a day."""
    owed = hub.notification_to_send(session, event.notification_id, now=now)
    if owed is None:
        return
    callback, body = owed
    response = httpx.post(callback, json=body, timeout=TMF_LISTENER_TIMEOUT_SECONDS)
    response.raise_for_status()
    hub.mark_delivered(session, event.notification_id, status=response.status_code, now=now)
