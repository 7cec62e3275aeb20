"""Staff pages for the robot's answers (issue #8 part 4):

- /robot/review — answers customers thumbed down or the robot was unsure of (or all), each
  with the customer's question and a review form: right, or wrong with the right article
  (searched as the agent types) or "no article fits" (a gap for editors);
- /robot/review/conversations/{id} — any conversation, whole, with the same form per answer;
- /robot/metrics — hit rate, accuracy (reviews over thumbs), self-service rate, the
  questions that failed and the knowledge gaps.

With htmx a review posts in place and the answer's card is swapped; without JavaScript
the form posts and the page reloads.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import Authorize, DbSession, Now
from kefu.identity.roles import Principal, Role
from kefu.knowledge import search_service as kb
from kefu.robot import metrics, review
from kefu.robot.schemas import CorrectionIn
from kefu.web.nav import FRONT_LINE
from kefu.web.rendering import render

router = APIRouter(include_in_schema=False)

REVIEWERS = Authorize(*FRONT_LINE, Role.SUPERVISOR, Role.KB_EDITOR)
FIGURES = Authorize(Role.SUPERVISOR, Role.KB_EDITOR, Role.ANALYST, Role.ADMIN)
PAGE_SIZE = 20
VERDICTS = {"right": "正确", "wrong": "错误"}
KINDS = {"answer": "已回答", "unsure": "不确定", "handover": "转人工"}


def _htmx(request: Request) -> bool:
    return "hx-request" in request.headers


@router.get("/robot/review")
def review_page(request: Request, session: DbSession, now: Now, show: str = Query("flagged", pattern="^(flagged|all)$"),
                _: Principal = Depends(REVIEWERS)) -> Response:
    items = review.answers(session, now=now, flagged=show == "flagged", limit=PAGE_SIZE)
    return render(request, "robot_review/answers.html", items=items, show=show, verdicts=VERDICTS, kinds=KINDS)


@router.get("/robot/review/conversation")
def find_conversation(id: int = Query(..., ge=1), _: Principal = Depends(REVIEWERS)) -> Response:  # noqa: A002
    """The "open conversation no." box: any conversation by its number."""
    return RedirectResponse(f"/robot/review/conversations/{id}", status_code=303)


@router.get("/robot/review/conversations/{conversation_id}")
def conversation_page(conversation_id: int, request: Request, session: DbSession, now: Now,
                      _: Principal = Depends(REVIEWERS)) -> Response:
    found = review.conversation(session, conversation_id)
    items = {t.id: review.answer(session, t.id, now=now) for t in found.turns
             if t.speaker == "robot" and t.intent == "faq"}
    return render(request, "robot_review/conversation.html", conversation=found, items=items, verdicts=VERDICTS,
                  kinds=KINDS)


@router.get("/robot/review/articles")
def article_options(request: Request, session: DbSession, now: Now, q: str = Query("", max_length=200),
                    _: Principal = Depends(REVIEWERS)) -> Response:
    """<option>s of published articles matching what the reviewer typed."""
    hits = kb.suggest(session, q, now=now, limit=8) if q.strip() else []
    return render(request, "robot_review/_options.html", hits=hits)


@router.post("/robot/review/answers/{turn_id}")
def submit_review(
    turn_id: int, request: Request, session: DbSession, now: Now, verdict: str = Form(...),
    right_article_id: str = Form(""), no_article_fits: str = Form(""), note: str = Form(""),
    principal: Principal = Depends(REVIEWERS),
) -> Response:
    data = CorrectionIn.model_validate({
        "verdict": verdict, "right_article_id": int(right_article_id) if right_article_id.strip().isdigit() else None,
        "no_article_fits": bool(no_article_fits), "note": note[:500] or None,
    })
    review.correct(session, turn_id, data, by=principal.actor, now=now)
    if not _htmx(request):
        return RedirectResponse(request.headers.get("referer") or "/robot/review", status_code=303)
    return render(request, "robot_review/_item.html", item=review.answer(session, turn_id, now=now),
                  verdicts=VERDICTS, kinds=KINDS)


@router.get("/robot/metrics")
def metrics_page(request: Request, session: DbSession, now: Now, days: int = Query(30, ge=1, le=366),
                 _: Principal = Depends(FIGURES)) -> Response:
    return render(request, "robot_review/metrics.html", figures=metrics.figures(session, now=now, days=days), days=days)
