"""A server process dies mid-chat (kill -9: no socket is closed, no `finally` runs). The
upkeep job, run later by another process, writes into the transcript that the customer's
connection was lost, so the agent sees why the customer went quiet."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kefu.core.db import make_engine, make_sessionmaker
from kefu.migrate import upgrade
from kefu.routing import chat, chat_upkeep
from tests.conftest import PG_URL, throwaway_pg_database
from tests.factories.routing import create_centre
from tests.factories.web import csrf_token, customer_with_history, last_code

websockets_client = pytest.importorskip("websockets.sync.client")

ROOT = Path(__file__).resolve().parents[2]
HTML = {"Accept": "text/html"}


@pytest.fixture(params=["sqlite", "postgresql"] if PG_URL else ["sqlite"])
def database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kefu.db'}"
        return
    with throwaway_pg_database() as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int) -> subprocess.Popen:
    code = ("import uvicorn\nfrom kefu.app import create_app\nfrom kefu.settings import Settings\n"
            f"uvicorn.run(create_app(Settings(database_url={url!r}, run_worker=False)), host='127.0.0.1', "
            f"port={port}, log_level='warning')")
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def test_a_chat_whose_server_process_was_killed_gets_the_lost_connection_in_its_transcript(database):
    engine = make_engine(database)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        create_centre(session, now=datetime.now(UTC))
        number = customer_with_history(session, now=datetime.now(UTC)).number
        session.commit()
    port = _free_port()
    server = _serve(database, port)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as client:
            form = client.get("/portal/login", headers=HTML)
            page = client.post("/portal/login", data={"number": number, "csrf_token": csrf_token(form.text)},
                               headers=HTML)
            with sessions() as session:
                code = last_code(session, number)
            verified = client.post("/portal/verify", headers=HTML,
                                   data={"number": number, "code": code, "csrf_token": csrf_token(page.text)})
            assert verified.status_code == 303, verified.text
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        with websockets_client.connect(f"ws://127.0.0.1:{port}/portal/livechat/ws",
                                       additional_headers={"Cookie": cookie, "Origin": base}) as ws:
            ws.send(json.dumps({"type": "start"}))
            frame = json.loads(ws.recv(timeout=20))
            while not frame.get("contact"):
                frame = json.loads(ws.recv(timeout=20))
            contact_id = frame["contact"]["id"]
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    with sessions() as session:
        assert "customer_left_at" not in chat.get_chat(session, contact_id).context  # nobody noted the departure
        later = datetime.now(UTC)
        assert chat_upkeep.scan(session, later + timedelta(seconds=30)) == 0  # could still be a slow poll
        assert chat_upkeep.scan(session, later + chat_upkeep.SOCKET_LOST_AFTER) == 1
        session.commit()
        lines = [m.text for m in chat.messages(session, contact_id)]
        assert lines[-1] == chat_upkeep.CONNECTION_LOST
        row = chat.get_chat(session, contact_id)
        assert row.state == "queued" and row.context["customer_left_at"]  # the waiting rule takes over
    engine.dispose()
