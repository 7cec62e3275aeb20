"""Web pages (Jinja2 + htmx): agent, supervisor, admin consoles and the subscriber portal."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    from kefu.web import pages

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages.install(app)
