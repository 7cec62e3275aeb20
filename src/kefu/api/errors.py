"""Error categories mapped to HTTP once. JSON for the API; pages get their own handler."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kefu.core.errors import KefuError

# Paths that answer in another error format (TMF621) register a renderer here.
ERROR_RENDERERS: list[tuple[str, Any]] = []


def _wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/tmf-api/", "/docs", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _render(request: Request, status: int, body: dict[str, Any]) -> Response:
    for prefix, renderer in ERROR_RENDERERS:
        if request.url.path.startswith(prefix):
            return renderer(request, status, body)
    if _wants_page(request) and hasattr(request.app.state, "render_error_page"):
        return request.app.state.render_error_page(request, status, body)
    return JSONResponse(body, status_code=status)


def _validation_body(exc: RequestValidationError) -> dict[str, Any]:
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        problems.append({"field": where, "reason": error.get("msg", "")})
    fields = "、".join(p["field"] for p in problems) or "请求"
    return {
        "code": "invalid_input",
        "message": f"输入有误，请检查：{fields}",
        "message_en": "Some fields are invalid: " + ", ".join(p["field"] for p in problems),
        "details": {"fields": problems},
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(KefuError)
    async def _kefu_error(request: Request, exc: KefuError) -> Response:
        return _render(request, exc.status_code, exc.to_dict())

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return _render(request, 422, _validation_body(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {
            404: ("找不到该页面或资源", "Not found"),
            405: ("不支持该请求方法", "Method not allowed"),
        }
        zh, en = messages.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        return _render(request, exc.status_code, {"code": f"http_{exc.status_code}", "message": zh, "message_en": en})
