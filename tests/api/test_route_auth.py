"""Every route declares who may call it: Authorize(roles) or public."""

from __future__ import annotations

from fastapi.routing import APIRoute, APIWebSocketRoute

from kefu.api.deps import Authorize, public

# FastAPI's own documentation pages.
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _declares_auth(dependant) -> bool:
    for dep in dependant.dependencies:
        call = dep.call
        if isinstance(call, Authorize) or call is public:
            return True
        if _declares_auth(dep):
            return True
    return False


def test_every_route_declares_an_auth_rule(app):
    missing = []
    for route in app.routes:
        if isinstance(route, APIRoute | APIWebSocketRoute):
            if route.path in FRAMEWORK_ROUTES:
                continue
            if not _declares_auth(route.dependant):
                missing.append(f"{sorted(getattr(route, 'methods', []) or [])} {route.path}")
    assert not missing, "routes without Authorize(...) or public:\n" + "\n".join(missing)


def test_anonymous_api_call_is_refused_with_a_bilingual_message(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "请先登录" and body["message_en"] == "Please log in first"
