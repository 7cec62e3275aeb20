"""/tmf-api/troubleTicket/v4/hub: listeners register a callback (and a query) and get
TroubleTicket events POSTed to it through the outbox (retried with backoff until they
answer 2xx). Supervisors and admins manage listeners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Response
from fastapi.responses import JSONResponse

from kefu.api.deps import AppSettings, Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.tickets import hub, tmf
from kefu.tickets.tmf_errors import BadTroubleTicket, SubscriptionNotFound

router = APIRouter(prefix=tmf.BASE_PATH + "/hub", tags=["TMF621 hub"])

MANAGE = Authorize(Role.SUPERVISOR, Role.ADMIN)


@router.post("", status_code=201, response_model=dict[str, Any])
def register_listener(
    session: DbSession, now: Now, settings: AppSettings, body: Any = Body(default=None),
    principal: Principal = Depends(MANAGE),
) -> Any:
    """EventSubscriptionInput {callback, query?} → 201 EventSubscription {id, callback, query}."""
    if not isinstance(body, dict) or not isinstance(body.get("callback"), str) or not body["callback"].strip():
        raise BadTroubleTicket("callback", "缺少必填属性 callback（监听地址）", "Missing mandatory attribute: callback",
                               code="missing_mandatory_attribute")
    query = body.get("query") or ""
    if not isinstance(query, str):
        raise BadTroubleTicket("query", "query 须为字符串", "query must be a string")
    row = hub.subscribe(session, callback=body["callback"], query=query, by=principal.actor, now=now,
                        allowed_hosts=settings.tmf_listener_hosts)
    out = {"id": str(row.id), "callback": row.callback, "query": row.query}
    return JSONResponse(out, status_code=201, headers={"Location": f"{tmf.BASE_PATH}/hub/{row.id}"})


@router.delete("/{id}", status_code=204, response_class=Response)
def unregister_listener(id: str, session: DbSession, principal: Principal = Depends(MANAGE)) -> Response:
    try:
        subscription_id = int(id)
    except ValueError:
        raise SubscriptionNotFound(id) from None
    hub.unsubscribe(session, subscription_id)
    return Response(status_code=204)
