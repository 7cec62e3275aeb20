"""The HTML answer to an error on a page (api/errors.py calls it for browsers).

401 → the login page (the portal's for /portal paths) with `?next=` to come back;
other errors → a friendly page in both languages. An htmx request gets the same decisions
as headers htmx understands (HX-Redirect, or a message swapped into #flash).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from kefu.web.rendering import render

TITLES = {
    401: "请先登录",
    403: "没有权限",
    404: "找不到页面",
    405: "不支持该操作",
    409: "操作冲突",
    422: "输入有误",
    429: "操作过于频繁",
}


def safe_next(value: str | None) -> str | None:
    """A local path to return to after login, or None (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    # Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" would become "//evil.example".
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return None
    return value


def login_url_for(path: str, next_path: str | None) -> str:
    base = "/portal/login" if path == "/portal" or path.startswith("/portal/") else "/login"
    return f"{base}?{urlencode({'next': next_path})}" if next_path else base


def _return_path(request: Request) -> str | None:
    if "hx-request" in request.headers:
        current = request.headers.get("hx-current-url", "")
        parts = urlsplit(current)
        return safe_next(parts.path + (f"?{parts.query}" if parts.query else "")) if parts.path else None
    if request.method == "GET":
        query = request.url.query
        return safe_next(request.url.path + (f"?{query}" if query else ""))
    # A form posted after the session expired: back to the page the form was on (same site
    # only), where the browser restores what was typed (static/kefu.js, data-draft forms).
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc and referer.path:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return None


def render_error_page(request: Request, status: int, body: dict[str, Any]) -> Response:
    if status == 401:
        target = login_url_for(request.url.path, _return_path(request))
        if "hx-request" in request.headers:
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    context = {
        "status": status,
        "title": TITLES.get(status, "出错了"),
        "message_zh": body.get("message", ""),
        "message_en": body.get("message_en", ""),
        "code": body.get("code", ""),
    }
    if "hx-request" in request.headers:
        response = render(request, "_error_fragment.html", status_code=status, **context)
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "error.html", status_code=status, **context)
