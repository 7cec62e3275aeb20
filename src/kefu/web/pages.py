"""Registers every page router and the HTML error page."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    for router in routers():
        app.include_router(router)


def routers() -> list:
    return []
