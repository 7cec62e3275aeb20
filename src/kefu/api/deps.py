"""Request dependencies: the database session (one unit of work per request), the clock,
and authorisation. Every route declares `Depends(Authorize(...))` or `Depends(public)`;
tests/api/test_route_auth.py fails on a route with neither."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kefu.core.errors import PermissionDenied, Unauthenticated
from kefu.identity import service as identity
from kefu.identity.roles import STAFF_ROLES, Principal, Role
from kefu.settings import Settings

SESSION_COOKIE = "kefu_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def _db(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request. Async so that a request which never touches the
    database (a bearer token answered from the cache, a page built from memory) costs no
    hop to the thread pool; committing or rolling back, which is I/O, runs there."""
    session = request.app.state.sessionmaker()
    try:
        yield session
    except BaseException:
        await _end(session, commit=False)
        raise
    await _end(session, commit=True)


async def _end(session: Session, *, commit: bool) -> None:
    if session.in_transaction():
        await run_in_threadpool(_commit_or_roll_back, session, commit)
    else:
        session.close()


def _commit_or_roll_back(session: Session, commit: bool) -> None:
    with session:
        if commit:
            session.commit()
        else:
            session.rollback()


# scope="function": commit before the response is sent, so a failed commit is an error
# response and a client never reads data that was not stored.
DbSession = Annotated[Session, Depends(_db, scope="function")]


# async: no I/O, so they run on the event loop instead of a hop to the thread pool each.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def now(request: Request) -> datetime:
    return request.app.state.clock.now()


async def read_sessions(request: Request) -> sessionmaker[Session]:
    """Sessions that only read (kefu.core.db.make_read_sessionmaker): on SQLite they do
    not take the write lock the request's own session takes on first use."""
    return request.app.state.read_sessionmaker


Now = Annotated[datetime, Depends(now)]
ReadSessions = Annotated[sessionmaker[Session], Depends(read_sessions)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def public() -> None:
    """Marks a route that needs no login (login pages, health, static files)."""


async def _csrf_token_sent(request: Request) -> str | None:
    """The CSRF token a write request carries (header or form field); None for reads."""
    if request.method not in UNSAFE_METHODS:
        return None
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def authenticate(request: Request, session: Session) -> Principal | None:
    """The caller from a bearer token or the session cookie, or None if neither is sent."""
    settings: Settings = request.app.state.settings
    at = request.app.state.clock.now()
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        cache = getattr(request.app.state, "token_cache", None)
        return identity.principal_for_token(session, header[7:].strip(), now=at, cache=cache)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return identity.principal_for_web_session(
            session, cookie, now=at, minutes=settings.web_session_minutes
        )
    return None


def _cached_bearer(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    cache = getattr(request.app.state, "token_cache", None)
    if cache is None or not header.lower().startswith("bearer "):
        return None
    return identity.cached_principal_for_token(cache, header[7:].strip(), now=request.app.state.clock.now())


class Authorize:
    """Requires a caller holding one of `roles` (admin passes every staff check)."""

    def __init__(self, *roles: Role) -> None:
        if not roles:
            raise ValueError("name the roles; use Depends(public) for a public route")
        self.roles = frozenset(roles)

    # The database lookup runs in the thread pool (it must not block the event loop); a
    # bearer token verified moments ago is answered from the cache without that hop.
    async def __call__(
        self, request: Request, session: DbSession, csrf_sent: str | None = Depends(_csrf_token_sent)
    ) -> Principal:
        principal = _cached_bearer(request)
        if principal is None:
            principal = await run_in_threadpool(authenticate, request, session)
        if principal is None:
            raise Unauthenticated("请先登录", "Please log in first", code="login_required")
        if not principal.has_any(self.roles):
            raise PermissionDenied(
                "您的角色无权执行此操作", "Your role is not allowed to do this", code="role_required"
            )
        # Cookie-authenticated writes must carry the session's CSRF token; bearer calls cannot be forged
        # by a browser, so they need none.
        forged = not csrf_sent or not secrets.compare_digest(csrf_sent, principal.csrf_token or "")
        if principal.session_id is not None and request.method in UNSAFE_METHODS and forged:
            raise PermissionDenied(
                "页面已失效（安全校验失败），请刷新后重试",
                "The page is out of date (security check failed); reload and try again",
                code="csrf_failed",
            )
        request.state.principal = principal
        return principal


STAFF = tuple(r for r in Role if r in STAFF_ROLES)
