"""Clients and payloads for the TMF621 tests."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories.customers import create_subscriber
from tests.factories.identity import bearer, create_staff

BASE = "/tmf-api/troubleTicket/v4"
TT = f"{BASE}/troubleTicket"


def as_staff(app, session, now, *, username: str, roles: tuple[str, ...]) -> TestClient:
    create_staff(session, username=username, display_name=username, roles=roles, now=now)
    client = TestClient(app)
    client.headers.update(bearer(session, username=username, now=now))
    return client


@pytest.fixture
def handler(app, session, now) -> TestClient:
    return as_staff(app, session, now, username="yang.qian", roles=("complaint_handler",))


@pytest.fixture
def supervisor(app, session, now) -> TestClient:
    return as_staff(app, session, now, username="chen.jing", roles=("supervisor",))


@pytest.fixture
def subscriber(session):
    row = create_subscriber(session, name="王芳")
    session.commit()
    return row


def trouble_ticket(subscriber_id: int, **extra: Any) -> dict[str, Any]:
    """A TroubleTicket_Create as an outside system sends it."""
    return {
        "name": "宽带每天晚上断线",
        "description": "宽带每天晚上八点后频繁断线，已重启光猫无效",
        "severity": "Major",
        "ticketType": "complaint",
        "channel": {"id": "hotline", "name": "hotline"},
        "relatedParty": [{"id": str(subscriber_id), "role": "customer", "@referredType": "Customer"}],
        "troubleTicketCharacteristic": [
            {"name": "category", "value": "broadband"},
            {"name": "address", "value": "福田区景田路 12 号"},
        ],
        "@type": "TroubleTicket",
        **extra,
    }
