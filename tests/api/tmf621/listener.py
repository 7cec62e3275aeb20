"""A TMF event listener on 127.0.0.1 (a real HTTP server in a thread) for hub tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Listener:
    """Records every JSON body POSTed to it; answers 500 to the first `failures` posts."""

    def __init__(self, *, failures: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.failures = failures
        self.attempts = 0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"null")
                listener.attempts += 1
                if listener.failures > 0:
                    listener.failures -= 1
                    self.send_response(500)
                else:
                    listener.received.append(body)
                    self.send_response(201)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/listener"

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def types(self) -> list[str]:
        return [body["eventType"] for body in self.received]
