"""The subscriber's tickets in the portal (phone-sized): my tickets with every customer-visible
step, filing a complaint or fault report in plain words, answering a proposed remedy and
rating the service once resolved (kept by kefu.feedback, shown in the ticket's history).
Another subscriber's ticket is 404 (the ticket service scopes every read and write to the
caller's own tickets)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kefu.api.deps import AppSettings, Authorize, DbSession, Now
from kefu.api.intake import intake_nlp
from kefu.core.errors import KefuError
from kefu.core.pagination import Page
from kefu.feedback import service as feedback
from kefu.identity.roles import Principal, Role
from kefu.tickets import schemas
from kefu.tickets import service as tickets
from kefu.tickets.errors import StaleVersion
from kefu.web.rendering import language, render
from kefu.web.ticket_views import STATUS_LABELS, stale_answer, who

router = APIRouter(include_in_schema=False)

SUBSCRIBER = Authorize(Role.SUBSCRIBER)
# What a subscriber may file, in plain words (the API's self-service types).
KINDS = {
    "complaint": "我要投诉",
    "fault": "报故障（信号、上网、宽带不通）",
    "consultation": "我要咨询",
    "service_request": "我要办理业务",
    "suggestion": "我有建议",
}
# Plain-word topics → ticket categories; "not sure" leaves it to the centre's classifier.
TOPICS = {
    "": "不确定，请帮我判断",
    "billing": "话费、账单不对",
    "vas": "被扣了不认识的费用（增值业务）",
    "mobile_network": "手机没信号、上网慢",
    "broadband": "宽带不通、上门安装维修",
    "plan": "套餐、合约问题",
    "payment": "缴费、退费",
    "marketing": "推销电话、短信骚扰",
    "attitude": "对服务人员不满意",
}
# Customer-facing step names; the statuses are shown with their own labels.
EVENT_LABELS = {
    "opened": "已受理您的诉求",
    "status": "处理进度更新",
    "note": "客服回复",
    "customer_message": "您的留言",
    "remedy_proposed": "给出解决方案",
    "consent": "您对方案的答复",
    "remedy_applied": "方案已执行",
    "return_visit": "回访",
    "attachment": "附件",
    "task_dispatched": "已派往相关部门处理",
    "customer_replied": "您的回复",
    "satisfaction_rated": "您的服务评价",
}


def _done(request: Request, target: str) -> Response:
    if "hx-request" in request.headers:
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/portal/tickets")
def my_tickets(request: Request, session: DbSession, principal: Principal = Depends(SUBSCRIBER)) -> Response:
    page = tickets.list_tickets(session, tickets.TicketFilter(), page_=Page(offset=0, limit=50), viewer=principal)
    return render(request, "portal/tickets.html", items=page.items, status_labels=STATUS_LABELS, kinds=KINDS)


def _form(request: Request, *, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    return render(request, "portal/tickets_new.html", status_code=status, values=values, error=error, kinds=KINDS,
                  topics=TOPICS)


@router.get("/portal/tickets/new")
def new_ticket(request: Request, principal: Principal = Depends(SUBSCRIBER)) -> Response:
    return _form(request, values={"type": "complaint", "category": "", "core_demand": "", "description": "",
                                  "idempotency_key": uuid.uuid4().hex})


@router.post("/portal/tickets")
def file_ticket(
    request: Request, session: DbSession, now: Now, settings: AppSettings,
    type: str = Form("complaint"), category: str = Form(""), core_demand: str = Form(""),
    description: str = Form(""), idempotency_key: str = Form(""),
    principal: Principal = Depends(SUBSCRIBER),
) -> Response:
    values = {"type": type, "category": category, "core_demand": core_demand.strip(),
              "description": description.strip(), "idempotency_key": idempotency_key}
    if type not in KINDS or category not in TOPICS:
        return _form(request, values=values, status=422, error="请选择您要办理的事项")
    try:
        body = schemas.TicketCreate(
            type=type, subscriber_id=principal.subscriber_id or 0, channel="web", core_demand=values["core_demand"],
            description=values["description"], category=category or None,
        )
        ticket, _created = tickets.open_ticket(
            session, body, by=principal, now=now, idempotency_key=idempotency_key or None,
            repeat_window_days=settings.ticket_repeat_window_days, nlp=intake_nlp(settings),
        )
    except ValidationError:
        return _form(request, values=values, status=422, error="请用一句话说明您遇到的问题（400 字以内）")
    except KefuError as error:
        session.rollback()
        return _form(request, values=values, status=error.status_code, error=error.message(language(request)))
    return _done(request, f"/portal/tickets/{ticket.id}")


@router.get("/portal/tickets/{ticket_id}")
def ticket_page(request: Request, session: DbSession, ticket_id: int,
                principal: Principal = Depends(SUBSCRIBER)) -> Response:
    detail = tickets.get_ticket(session, ticket_id, viewer=principal)
    return render(request, "portal/tickets_detail.html", t=detail, status_labels=STATUS_LABELS, kinds=KINDS,
                  event_labels=EVENT_LABELS, who=who, rating=feedback.rating_of_ticket(session, ticket_id),
                  scale=feedback.SCALE)


@router.post("/portal/tickets/{ticket_id}/remedies/{remedy_id}/consent")
def answer_remedy(request: Request, session: DbSession, now: Now, ticket_id: int, remedy_id: int,
                  version: int = Form(...), agreed: str = Form(...), note: str = Form(""),
                  principal: Principal = Depends(SUBSCRIBER)) -> Response:
    try:
        tickets.give_consent(session, ticket_id, remedy_id, agreed=agreed == "yes", note=note.strip() or None,
                             by=principal, now=now, version=version)
    except StaleVersion as error:
        return stale_answer(request, error)
    return _done(request, f"/portal/tickets/{ticket_id}")


@router.post("/portal/tickets/{ticket_id}/messages")
def message(request: Request, session: DbSession, now: Now, ticket_id: int, text: str = Form(...),
            principal: Principal = Depends(SUBSCRIBER)) -> Response:
    if text.strip():
        tickets.add_note(session, ticket_id, text=text.strip(), by=principal, now=now)
    return _done(request, f"/portal/tickets/{ticket_id}")


@router.post("/portal/tickets/{ticket_id}/rating")
def rate(request: Request, session: DbSession, now: Now, ticket_id: int, score: int = Form(0),
         comment: str = Form(""), principal: Principal = Depends(SUBSCRIBER)) -> Response:
    # A second submit (double click, another tab) keeps the first rating: one per ticket.
    feedback.rate_ticket(session, ticket_id, score=score, comment=comment, channel="web", by=principal, now=now)
    return _done(request, f"/portal/tickets/{ticket_id}")
