"""Identity use cases: users, password login, API tokens, web sessions, one-time codes."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.core.outbound import enqueue
from kefu.identity import repository
from kefu.identity.errors import (
    BadCredentials,
    BadToken,
    LoginLocked,
    OtpRateLimited,
    SessionExpired,
    UnknownRole,
    UserExists,
    UserNotFound,
    WeakPassword,
)
from kefu.identity.models import ApiToken, LoginFailure, OtpCode, User, UserRole, WebSession
from kefu.identity.passwords import hash_password, verify_password
from kefu.identity.roles import MACHINE_ROLES, STAFF_ROLES, Principal, Role


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_roles(names: list[str] | tuple[str, ...]) -> list[Role]:
    roles = []
    for name in names:
        try:
            role = Role(name.strip())
        except ValueError:
            raise UnknownRole(name) from None
        if role not in STAFF_ROLES | MACHINE_ROLES:  # a switch account is created like a user
            raise UnknownRole(name)
        roles.append(role)
    return roles


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: list[str] | tuple[str, ...],
    now: datetime,
    department: str | None = None,
    city: str | None = None,
) -> User:
    if len(password) < 8:
        raise WeakPassword()
    parsed = parse_roles(roles)
    if repository.user_by_username(session, username) is not None:
        raise UserExists(username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        department=department,
        city=city,
        created_at=now,
        roles=[UserRole(role=r.value) for r in parsed],
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """Every staff user with roles loaded, by username (the admin's user list)."""
    return repository.users(session)


def users_with_role(session: Session, role: str) -> list[User]:
    """Active users holding `role` (who receives a notification meant for a role)."""
    return repository.users_with_role(session, role)


def staff_principal(user: User, *, session_id: int | None = None, csrf_token: str | None = None) -> Principal:
    return Principal(
        kind="staff",
        name=user.display_name,
        roles=frozenset(Role(r.role) for r in user.roles),
        user_id=user.id,
        department=user.department,
        session_id=session_id,
        csrf_token=csrf_token,
    )


def check_password(
    session: Session, *, username: str, password: str, now: datetime, max_failures: int = 5, lock_minutes: int = 15
) -> User:
    """Checks a staff password; `max_failures` wrong ones within `lock_minutes` lock the username
    for that window (a guesser learns nothing more, and the right password is refused too)."""
    name = username.strip().lower()[:60]
    since = now - timedelta(minutes=lock_minutes)
    if repository.login_failures_since(session, name, since) >= max_failures:
        raise LoginLocked(lock_minutes)
    user = repository.user_by_username(session, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        # Kept even though the caller answers with an error: the caller commits it.
        session.add(LoginFailure(username=name, at=now))
        session.flush()
        raise BadCredentials()
    repository.clear_login_failures(session, name)
    return user


# --- API tokens -------------------------------------------------------------------------


def create_api_token(session: Session, *, username: str, name: str, now: datetime, days: int) -> str:
    """Returns the token once; only its hash is kept."""
    user = repository.user_by_username(session, username)
    if user is None:
        raise UserNotFound(username)
    token = "kefu_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


class TokenCache:
    """API tokens verified in the last few seconds, per process: an integration calling
    the API many times a second then costs no query to authenticate. A revoked or
    expired token, a deactivated user or changed roles (edited in the database) take
    effect within `seconds`; the token's own expiry is checked on every call."""

    def __init__(self, seconds: float = 10.0, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._entries: dict[str, tuple[float, datetime, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, *, now: datetime) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        kept_until, expires_at, principal = entry
        if time.monotonic() >= kept_until or expires_at <= now:
            self._entries.pop(digest, None)
            return None
        return principal

    def put(self, digest: str, principal: Principal, *, expires_at: datetime) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()  # a burst of distinct tokens: start over rather than grow
            self._entries[digest] = (time.monotonic() + self.seconds, expires_at, principal)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cached_principal_for_token(cache: TokenCache, token: str, *, now: datetime) -> Principal | None:
    """The caller of a token verified moments ago, without touching the database; None
    when it has to be looked up (principal_for_token)."""
    return cache.get(_digest(token), now=now)


def principal_for_token(session: Session, token: str, *, now: datetime, cache: TokenCache | None = None) -> Principal:
    digest = _digest(token)
    if cache is not None:
        known = cache.get(digest, now=now)
        if known is not None:
            return known
    row = repository.token_by_hash(session, digest)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise BadToken()
    user = repository.user_by_id(session, row.user_id)
    if user is None or not user.active:
        raise BadToken()
    # Written at most once a minute so reads do not all become writes.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    principal = staff_principal(user)
    if cache is not None:
        cache.put(digest, principal, expires_at=row.expires_at)
    return principal


# --- Web sessions -----------------------------------------------------------------------


def start_web_session(
    session: Session,
    *,
    now: datetime,
    minutes: int,
    user: User | None = None,
    subscriber_id: int | None = None,
) -> str:
    """Opens a session for a staff user or a subscriber; returns the cookie value."""
    if (user is None) == (subscriber_id is None):
        raise ValueError("a web session belongs to exactly one user or subscriber")
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            kind="staff" if user else "subscriber",
            user_id=user.id if user else None,
            subscriber_id=subscriber_id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    session.flush()
    return token


def principal_for_web_session(session: Session, token: str, *, now: datetime, minutes: int) -> Principal:
    row = repository.web_session_by_hash(session, _digest(token))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        raise SessionExpired()
    # Sliding expiry: an agent working all day stays signed in; an idle one does not.
    if row.expires_at - now < timedelta(minutes=minutes) / 2:
        row.expires_at = now + timedelta(minutes=minutes)
    if row.kind == "subscriber":
        return Principal(
            kind="subscriber",
            name=f"subscriber:{row.subscriber_id}",
            roles=frozenset({Role.SUBSCRIBER}),
            subscriber_id=row.subscriber_id,
            session_id=row.id,
            csrf_token=row.csrf_token,
        )
    user = repository.user_by_id(session, row.user_id or 0)
    if user is None or not user.active:
        raise SessionExpired()
    return staff_principal(user, session_id=row.id, csrf_token=row.csrf_token)


def end_web_session(session: Session, token: str, *, now: datetime) -> None:
    row = repository.web_session_by_hash(session, _digest(token))
    if row is not None and row.ended_at is None:
        row.ended_at = now


# --- One-time codes for subscribers -----------------------------------------------------


def send_login_code(
    session: Session,
    *,
    phone: str,
    now: datetime,
    ttl_seconds: int,
    max_per_hour: int,
) -> None:
    """Queues an SMS with a 6-digit code. The caller has checked the number is a subscriber's."""
    if repository.otp_codes_since(session, phone, now - timedelta(hours=1)) >= max_per_hour:
        raise OtpRateLimited(60)
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        OtpCode(
            phone=phone,
            code_hash=_digest(f"{phone}:{code}"),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    enqueue(
        session,
        channel="sms",
        recipient=phone,
        purpose="otp",
        now=now,
        body=f"【客服】您的登录验证码是 {code}，{ttl_seconds // 60} 分钟内有效。请勿告诉他人。",
    )


def verify_login_code(session: Session, *, phone: str, code: str, now: datetime, max_attempts: int) -> bool:
    """Consumes the code and returns True, or counts a failed try and returns False.

    Returns instead of raising so the caller can commit the counted try before it
    answers 401: too many wrong tries burn the code even across requests."""
    otp = repository.latest_open_otp(session, phone, now)
    if otp is None or otp.attempts >= max_attempts:
        return False
    if not secrets.compare_digest(otp.code_hash, _digest(f"{phone}:{code.strip()}")):
        otp.attempts += 1
        return False
    otp.consumed_at = now
    return True
