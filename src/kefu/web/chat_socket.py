"""WebSocket plumbing shared by the customer's and the agent's chat sockets.

Authentication: the portal or staff session cookie, checked at the handshake (before
`accept`), with the same roles as a page (`AuthorizeSocket` is an `Authorize`, so the route
walk in tests/api/test_route_auth.py sees it). A cookie is sent by the browser to any site's
socket, so the Origin must be this host: a page elsewhere cannot open a socket in the
user's name (cross-site WebSocket hijacking). Refused handshakes close with 1008 (HTTP 403).

Delivery: every message is a row first; a socket sends the rows after its cursor. A write
in this process wakes the sockets that care at once (`ChatHub.notify`); writes made by
another server process are picked up by each socket's poll of the database every
`POLL_SECONDS`. We chose polling over Redis pub/sub: the database already holds the
truth (restarts, reconnects and transcripts need it anyway), a pub/sub message published
while a socket reconnects would be lost and need this same catch-up query, and it adds no
service that can be down. The cost is one indexed query per open socket per poll.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import WebSocket, WebSocketException, status
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from kefu.api.deps import Authorize, authenticate
from kefu.core.db import unit_of_work
from kefu.core.errors import KefuError
from kefu.identity.roles import Principal

POLL_SECONDS = 1.0


class AuthorizeSocket(Authorize):
    """`Authorize` for a WebSocket handshake: session cookie, role and same origin."""

    def __call__(self, websocket: WebSocket) -> Principal:  # type: ignore[override]
        origin = websocket.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != websocket.headers.get("host"):
            raise WebSocketException(status.WS_1008_POLICY_VIOLATION, reason="cross-site socket refused")
        try:
            with unit_of_work(websocket.app.state.sessionmaker) as session:
                principal = authenticate(websocket, session)  # type: ignore[arg-type]
        except KefuError:  # an expired session or a bad token: refused like no login at all
            principal = None
        if principal is None or not principal.has_any(self.roles):
            raise WebSocketException(status.WS_1008_POLICY_VIOLATION, reason="login required")
        return principal


class ChatHub:
    """Wakes this process's sockets by key ("contact:12", "agent:3") after a write."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, event: asyncio.Event, keys: Iterable[str]) -> None:
        for key in keys:
            self._events[key].add(event)

    def unsubscribe(self, event: asyncio.Event) -> None:
        for key in list(self._events):
            self._events[key].discard(event)
            if not self._events[key]:
                del self._events[key]

    def notify(self, keys: Iterable[str]) -> None:
        for key in keys:
            for event in self._events.get(key, ()):
                event.set()


def hub_of(websocket: WebSocket) -> ChatHub:
    state = websocket.app.state
    if getattr(state, "chat_hub", None) is None:
        state.chat_hub = ChatHub()
    return state.chat_hub


def _in_flight(websocket: WebSocket) -> set[asyncio.Future[Any]]:
    if not hasattr(websocket.state, "in_flight"):
        websocket.state.in_flight = set()
    return websocket.state.in_flight


def in_transaction(websocket: WebSocket, work: Callable[..., Any]) -> Awaitable[Any]:
    """Runs `work(session, now)` in its own unit of work on the thread pool (the event loop
    never blocks on the database). A thread cannot be stopped, so each call is tracked
    until it is done: `pump` waits for them when the socket closes, and what runs after
    (the customer's departure) is written after, never before, a poll still in flight."""
    app = websocket.app

    def run() -> Any:
        with unit_of_work(app.state.sessionmaker) as session:
            return work(session, app.state.clock.now())

    call = asyncio.ensure_future(run_in_threadpool(run))
    pending = _in_flight(websocket)
    pending.add(call)
    call.add_done_callback(pending.discard)
    return asyncio.shield(call)


def error_frame(error: KefuError, lang: str) -> dict[str, Any]:
    return {"type": "error", "code": error.code, "message": error.message(lang)}


def acting_on(websocket: WebSocket, *, hub: ChatHub, lang: str,
              act: Callable[[dict[str, Any]], Callable[..., set[str]]]) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """The frame handler both sockets give `pump`: `act(frame)` is the work to do in a
    transaction, returning the hub keys to wake; a refused action answers with an error
    frame and keeps the socket."""
    async def handle(frame: dict[str, Any]) -> None:
        try:
            keys_to_wake = await in_transaction(websocket, act(frame))
        except KefuError as error:
            await websocket.send_json(error_frame(error, lang))
            return
        hub.notify(keys_to_wake)
    return handle


async def pump(websocket: WebSocket, *, hub: ChatHub, keys: Callable[[], set[str]],
               push: Callable[[], Awaitable[None]], handle: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """Runs a socket until it closes: `push` sends what is new (at once, then whenever woken
    or every POLL_SECONDS); `handle` takes each frame the client sends."""
    wake = asyncio.Event()
    hub.subscribe(wake, keys())
    # One socket's reads and writes take turns: a push never interleaves with the frame
    # being handled, so the client sees its own action's result in order.
    turn = asyncio.Lock()

    async def pushing() -> None:
        while True:
            wake.clear()
            async with turn:
                await push()
            hub.subscribe(wake, keys())  # a new chat adds its key
            with suppress(TimeoutError):  # no wake-up: poll for other processes' writes
                await asyncio.wait_for(wake.wait(), timeout=POLL_SECONDS)

    async def reading() -> None:
        while True:
            try:
                frame = await websocket.receive_json()
            except ValueError:  # not JSON: say so and keep the socket
                frame = None
            if not isinstance(frame, dict):
                await websocket.send_json({"type": "error", "code": "invalid_frame", "message": "invalid frame"})
                continue
            async with turn:
                await handle(frame)
            wake.set()

    tasks = [asyncio.create_task(pushing()), asyncio.create_task(reading())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = task.exception()
            if error is not None and not _closed(error):
                raise error
    finally:
        for task in tasks:
            task.cancel()
        # Wait for them: a database call already on the thread pool finishes first, so
        # nothing of this socket still runs once it is closed.
        with anyio.CancelScope(shield=True):
            await asyncio.gather(*tasks, *_in_flight(websocket), return_exceptions=True)
        hub.unsubscribe(wake)


def _closed(error: BaseException) -> bool:
    """The client went away: a disconnect while reading, or a send on a closed socket
    (OSError from the server, RuntimeError from Starlette's state check)."""
    return isinstance(error, WebSocketDisconnect | OSError | RuntimeError)
