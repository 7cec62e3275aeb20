"""Every route declares who may call it: Authorize(roles) or public."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts

from kefu.api.deps import Authorize, public

# FastAPI's own documentation pages.
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _declares_auth(dependant) -> bool:
    return any(
        isinstance(dep.call, Authorize) or dep.call is public or _declares_auth(dep)
        for dep in dependant.dependencies
    )


def _routes(app):
    # FastAPI nests included routers; iter_route_contexts yields every route with its full dependant.
    return [r for r in iter_route_contexts(app.routes) if getattr(r, "dependant", None) is not None]


def test_every_route_declares_an_auth_rule(app):
    routes = _routes(app)
    assert len(routes) > 20, "the walk must see the routers' routes, not only the top level"
    missing = [
        f"{sorted(getattr(r, 'methods', None) or [])} {r.path}"
        for r in routes
        if r.path not in FRAMEWORK_ROUTES and not _declares_auth(r.dependant)
    ]
    assert not missing, "routes without Authorize(...) or public:\n" + "\n".join(missing)


def test_the_check_notices_a_route_without_a_rule(app):
    @app.get("/api/v1/forgotten")
    def forgotten() -> dict:
        return {}

    unguarded = [r.path for r in _routes(app) if not _declares_auth(r.dependant)]
    assert "/api/v1/forgotten" in unguarded


def test_anonymous_api_call_is_refused_with_a_bilingual_message(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "请先登录" and body["message_en"] == "Please log in first"
