"""Web pages (Jinja2 + htmx): agent, supervisor, admin consoles and the subscriber portal.

Adding a page:
- a router in web/<name>.py; every route declares `Depends(Authorize(Role...))` or
  `Depends(public)`; it calls domain `service` functions and returns
  `render(request, "<name>/<page>.html", **values)` (web/rendering.py);
- append the router in web/pages.py `routers()`, and one `NavItem` in web/nav.py for a menu entry;
- templates extend "base.html" (block `content`, optional `head`), write Chinese inside
  `_("…")` and add the English to core/locales/en.json (tests/web checks none is missing);
- forms carry `<input type="hidden" name="{{ csrf_field }}" value="{{ csrf_token }}">`;
  htmx requests get the CSRF header from <body hx-headers>; an error answer to an htmx
  request is swapped into #flash, a 401 sends the browser to the login page;
- charts: `<div class="chart" data-chart='{{ option|tojson }}'>` plus
  `{% block head %}<script src="/static/vendor/echarts.min.js" defer></script>{% endblock %}`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    from kefu.web import pages

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages.install(app)
