"""Knowledge-base answers beside the ticket form (issue #8): as the agent types the
customer's demand, the best published articles appear (htmx, no reload); opening one
loads its answer (counted as a use of the article)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.knowledge import search_service
from kefu.knowledge.schemas import MAX_QUERY_CHARS
from kefu.web.rendering import render
from kefu.web.ticket_views import FRONT

router = APIRouter(include_in_schema=False)

READ = Authorize(*FRONT, Role.SUPERVISOR)
TOP = 3


def query_of(core_demand: str, description: str) -> str:
    """The core demand first (it says what the customer wants), then as much of the
    description as the search takes."""
    text = " ".join(f"{core_demand} {description}".split())
    return text[:MAX_QUERY_CHARS]


@router.post("/tickets/new/knowledge")
async def knowledge_fragment(request: Request, session: DbSession, now: Now,
                             principal: Principal = Depends(READ)) -> Response:
    form = await request.form()
    query = query_of(str(form.get("core_demand", "")), str(form.get("description", "")))
    hits = search_service.suggest(session, query, now=now, limit=TOP) if query else []
    return render(request, "tickets/_knowledge.html", hits=hits, query=query)


@router.get("/tickets/knowledge/{article_id}")
def knowledge_answer(request: Request, article_id: int, session: DbSession, now: Now,
                     principal: Principal = Depends(READ)) -> Response:
    answer = search_service.read_answer(session, article_id, audience="agent", now=now)
    return render(request, "tickets/_knowledge_answer.html", answer=answer)
