"""TMF Error bodies {code, reason, message, status, @type} for every error under /tmf-api/.

Our 422 (invalid input) is a 400 here, as TMF630 asks."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from kefu.api.errors import ERROR_RENDERERS

PREFIX = "/tmf-api/"


def error_body(status: int, body: dict[str, Any]) -> dict[str, Any]:
    problems = (body.get("details") or {}).get("fields") or []
    if any("JSON decode" in str(p.get("reason", "")) for p in problems if isinstance(p, dict)):
        body = {"code": "malformed_json", "message": "请求体不是有效的 JSON", "message_en": "The body is not valid JSON"}
    zh, en = body.get("message") or "", body.get("message_en") or body.get("message") or ""
    out: dict[str, Any] = {
        "code": str(body.get("code") or status),
        "reason": en,
        "message": f"{zh}（{en}）" if zh and zh != en else en,
        "status": str(status),
        "@type": "Error",
    }
    details = body.get("details")
    if details:
        # An extension of Error: the machine-readable specifics (field, allowed statuses …).
        out["details"] = details
    return out


def render(request: Request, status: int, body: dict[str, Any]) -> Response:
    status = 400 if status == 422 else status
    return JSONResponse(error_body(status, body), status_code=status)


def install() -> None:
    """Registers the renderer once (create_app may run many times in one process)."""
    if not any(prefix == PREFIX for prefix, _ in ERROR_RENDERERS):
        ERROR_RENDERERS.append((PREFIX, render))
