"""Every query on the identity tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from kefu.identity.models import ApiToken, LoginFailure, OtpCode, User, WebSession


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).options(selectinload(User.roles)).where(User.username == username))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).options(selectinload(User.roles)).where(User.id == user_id))


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).options(selectinload(User.roles)).order_by(User.username)))


def users_with_role(session: Session, role: str) -> list[User]:
    from kefu.identity.models import UserRole

    return list(
        session.scalars(
            select(User)
            .options(selectinload(User.roles))
            .join(UserRole)
            .where(UserRole.role == role, User.active.is_(True))
            .order_by(User.id)
        )
    )


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def web_session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def otp_codes_since(session: Session, phone: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count(OtpCode.id)).where(OtpCode.phone == phone, OtpCode.created_at >= since)
        )
        or 0
    )


def latest_open_otp(session: Session, phone: str, now: datetime) -> OtpCode | None:
    return session.scalar(
        select(OtpCode)
        .where(OtpCode.phone == phone, OtpCode.consumed_at.is_(None), OtpCode.expires_at > now)
        .order_by(OtpCode.id.desc())
        .limit(1)
    )


def login_failures_since(session: Session, username: str, since: datetime) -> int:
    return int(
        session.scalar(
            select(func.count(LoginFailure.id)).where(LoginFailure.username == username, LoginFailure.at >= since)
        )
        or 0
    )


def clear_login_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
