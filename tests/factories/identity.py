"""Staff users and logged-in clients for tests."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kefu.identity import service as identity
from kefu.identity.models import User

PASSWORD = "correct-horse-42"


def create_staff(
    session: Session, *, username: str = "zhang.wei", roles: tuple[str, ...] = ("agent",), now: datetime,
    display_name: str = "张伟", department: str | None = None,
) -> User:
    user = identity.create_user(
        session, username=username, display_name=display_name, password=PASSWORD,
        roles=roles, now=now, department=department,
    )
    session.commit()
    return user


def bearer(session: Session, *, username: str, now: datetime) -> dict[str, str]:
    token = identity.create_api_token(session, username=username, name="test", now=now, days=30)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def api_client_as(client: TestClient, session: Session, *, roles: tuple[str, ...], now: datetime,
                  username: str | None = None) -> TestClient:
    """Sets a bearer token for a new staff user with `roles` on the client's default headers."""
    name = username or "u_" + "_".join(roles)
    create_staff(session, username=name, roles=roles, now=now, display_name=name)
    client.headers.update(bearer(session, username=name, now=now))
    return client
