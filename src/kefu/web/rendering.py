"""Server-side rendering: one Jinja2 environment, the request's language, and `render()`.

Language: `?lang=en|zh` switches (and is remembered in the `lang` cookie), else the cookie,
else the browser's Accept-Language, else the configured default. Templates call `_(<Chinese text>)`;
Chinese is the msgid and English comes from kefu/core/locales/en.json.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kefu.api.deps import CSRF_FIELD, CSRF_HEADER
from kefu.core.clock import local
from kefu.core.i18n import LANGUAGES, gettext, pick_language
from kefu.identity.roles import ROLE_LABELS_ZH, Principal, Role
from kefu.web import nav

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "lang"
# Double-submit token for the forms shown before anyone is logged in (login, portal code):
# a cross-site page cannot read this cookie, so it cannot post a login in the victim's browser.
LOGIN_CSRF_COOKIE = "kefu_login_csrf"
ONE_YEAR = 365 * 24 * 3600


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    settings = request.app.state.settings
    return pick_language(None, request.headers.get("accept-language"), default=settings.default_language)


def yuan(fen: int | None) -> str:
    """Integer fen shown as yuan with two decimals: 2900 → 29.00, -150 → -1.50."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def money(fen: int | None) -> str:
    """2900 → ¥29.00, -1250 → -¥12.50."""
    if fen is None:
        return ""
    text = yuan(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def mb_as_gb(mb: int | None) -> str:
    if mb is None:
        return ""
    if mb >= 1024:
        return f"{mb / 1024:.1f} GB"
    return f"{mb} MB"


def month_label(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m") if value else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = yuan
    env.filters["money"] = money
    env.filters["gb"] = mb_as_gb
    env.filters["month"] = month_label
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False, default=str)
    return env


def _switch_url(request: Request, lang: str) -> str:
    """This page in the other language; after a form post (no GET at this path), the form's page."""
    if request.method == "GET":
        query = dict(request.query_params)
        query["lang"] = lang
        return f"{request.url.path}?{urlencode(query)}"
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return f"/?{urlencode({'lang': lang})}"
    query = dict(parse_qsl(referer.query))
    query["lang"] = lang
    return f"{referer.path}?{urlencode(query)}"


def principal_of(request: Request) -> Principal | None:
    return getattr(request.state, "principal", None)


def login_csrf_token(request: Request) -> str:
    """The pre-login form token: the cookie's value, or a new one `render` will set."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or getattr(request.state, "new_login_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_login_csrf = token
    return token


def login_csrf_ok(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(cookie and sent and secrets.compare_digest(cookie, sent))


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Renders a template with the request's language, the caller, navigation and CSRF token."""
    lang = language(request)
    principal = context.pop("principal", None) or principal_of(request)

    def _(message: str, **values: Any) -> str:
        text = gettext(message, lang)
        return text.format(**values) if values else text

    def role_label(role: Role | str) -> str:
        zh = ROLE_LABELS_ZH.get(Role(role), str(role))
        return gettext(zh, lang)

    def local_time(at: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if at is None:
            return ""
        return local(at, request.app.state.settings.timezone).strftime(fmt)

    csrf = principal.csrf_token if principal and principal.csrf_token else None
    if csrf is None and context.get("login_form"):
        csrf = login_csrf_token(request)
    htmx_headers = {CSRF_HEADER: csrf or "", "Accept": "text/html"}
    values = {
        "request": request,
        "_": _,
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "switch_url": _switch_url(request, "en" if lang == "zh" else "zh"),
        "principal": principal,
        "nav_items": nav.items_for(request.app, principal),
        "csrf_token": csrf or "",
        "csrf_field": CSRF_FIELD,
        "htmx_headers": json.dumps(htmx_headers),
        "role_label": role_label,
        "local_time": local_time,
        "demo_mode": request.app.state.settings.demo_mode,
        "current_path": request.url.path,
    }
    values.update(context)
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    secure = request.url.scheme == "https"
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, str(asked), max_age=ONE_YEAR, httponly=True, samesite="lax", secure=secure)
    new_login_csrf = getattr(request.state, "new_login_csrf", None)
    if new_login_csrf:
        response.set_cookie(LOGIN_CSRF_COOKIE, new_login_csrf, httponly=True, samesite="lax", secure=secure)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
