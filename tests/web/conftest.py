"""A live server for browser tests: the real app under uvicorn in a thread, on a free
127.0.0.1 port, over a fresh migrated SQLite file database seeded through the factories."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kefu.app import create_app
from kefu.core.clock import FixedClock
from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.settings import Settings
from tests.conftest import FIXED_NOW
from tests.factories.identity import create_staff
from tests.factories.web import SeededCustomer, customer_with_history


@dataclass
class LiveServer:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    customer: SeededCustomer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'kefu-live.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        for username, display, roles in (
            ("agent.li", "李娜", ("agent",)),
            ("boss.zhao", "赵强", ("supervisor",)),
            ("admin.wu", "吴敏", ("admin",)),
        ):
            create_staff(session, username=username, display_name=display, roles=roles, now=FIXED_NOW)
        customer = customer_with_history(session, now=FIXED_NOW)

    settings = Settings(database_url=url, instance_dir=str(folder), run_worker=False,
                        demo_mode=True)
    app = create_app(settings, clock=FixedClock(FIXED_NOW), engine=engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", engine=engine, sessions=sessions, customer=customer)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Debian's Chromium, never a downloaded browser; the flags keep it off the (closed) network.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """New isolated browser contexts; fails the test on any JavaScript error."""
    contexts, errors = [], []

    def _open(*, expected_statuses: tuple[int, ...] = (), **options):
        """`expected_statuses`: answers the test provokes on purpose (a 404 for another
        subscriber's ticket), which Chromium logs as failed loads."""
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        expected = tuple(f"status of {status}" for status in expected_statuses)

        def console(msg) -> None:
            if msg.type == "error" and not any(e in msg.text for e in expected):
                errors.append(msg.text)

        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", console)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"
