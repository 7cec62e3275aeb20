"""The subscriber self-service portal: log in with an SMS code, see plan, usage and bills.

The number step answers the same whether or not the number is ours (and whether or not
its hourly code limit is reached), so the form cannot be used to probe numbers; the text
tells a person what to do when no SMS arrives.
"""

from __future__ import annotations

import re
from contextlib import suppress

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import AppSettings, Authorize, DbSession, Now, public
from kefu.core.clock import local
from kefu.customers import service as customers
from kefu.identity import service as identity
from kefu.identity.errors import OtpRateLimited
from kefu.identity.roles import Principal, Role
from kefu.web.error_page import safe_next
from kefu.web.rendering import login_csrf_ok, month_label, render
from kefu.web.staff import set_session_cookie

router = APIRouter(include_in_schema=False)

_NUMBER = re.compile(r"^\d{5,20}$")


def normalise_number(raw: str) -> str:
    """'+86 138-0013-8000' → '13800138000'."""
    number = re.sub(r"[\s\-()]", "", raw)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    return number


def _number_form(request: Request, *, next: str, number: str = "", error: str | None = None,
                 status: int = 200) -> Response:
    return render(request, "portal/login.html", status_code=status, login_form=True,
                  next=next, number=number, error=error)


def _code_form(request: Request, settings, *, next: str, number: str, error: str | None = None,
               status: int = 200) -> Response:
    return render(request, "portal/code.html", status_code=status, login_form=True, next=next,
                  number=number, error=error, ttl_minutes=max(settings.otp_ttl_seconds // 60, 1),
                  max_per_hour=settings.otp_max_per_hour)


@router.get("/portal/login", dependencies=[Depends(public)])
def portal_login_page(request: Request, next: str | None = None) -> Response:
    return _number_form(request, next=safe_next(next) or "")


@router.post("/portal/login", dependencies=[Depends(public)])
def request_code(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    number: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form(""),
) -> Response:
    next = safe_next(next) or ""
    if not login_csrf_ok(request, csrf_token):
        return _number_form(request, next=next, number=number, error="页面已过期，请重新输入号码", status=400)
    phone = normalise_number(number)
    if not _NUMBER.match(phone):
        return _number_form(request, next=next, number=number, status=422,
                            error="请输入正确的号码（如 13800138000）")
    subscriber = customers.subscriber_by_number(session, phone)
    if subscriber is not None:
        # Over the hourly limit is answered like any other number: the page states the limit.
        with suppress(OtpRateLimited):
            identity.send_login_code(session, phone=phone, now=now, ttl_seconds=settings.otp_ttl_seconds,
                                     max_per_hour=settings.otp_max_per_hour)
    return _code_form(request, settings, next=next, number=phone)


@router.post("/portal/verify", dependencies=[Depends(public)])
def verify_code(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    number: str = Form(""),
    code: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form(""),
) -> Response:
    next = safe_next(next) or ""
    phone = normalise_number(number)
    if not login_csrf_ok(request, csrf_token):
        return _number_form(request, next=next, number=phone, error="页面已过期，请重新获取验证码", status=400)
    if not _NUMBER.match(phone):
        return _number_form(request, next=next, number=number, status=422,
                            error="请输入正确的号码（如 13800138000）")
    ok = identity.verify_login_code(session, phone=phone, code=code, now=now,
                                    max_attempts=settings.otp_max_attempts)
    subscriber = customers.subscriber_by_number(session, phone) if ok else None
    if subscriber is None:
        # Returned, not raised: the request still commits, so the failed try is counted.
        return _code_form(request, settings, next=next, number=phone, status=401,
                          error="验证码错误或已过期，请检查后重新输入，或重新获取验证码")
    token = identity.start_web_session(
        session, now=now, minutes=settings.web_session_minutes, subscriber_id=subscriber.id
    )
    response = RedirectResponse(next if next.startswith("/portal") else "/portal", status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.get("/portal")
def portal_home(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    principal: Principal = Depends(Authorize(Role.SUBSCRIBER)),
) -> Response:
    view = customers.customer_360(session, principal.subscriber_id, now=now)
    month = local(now, settings.timezone).strftime("%Y-%m")
    this_month = next((u for u in view.usage if month_label(u.month) == month), None)
    return render(request, "portal/home.html", view=view, this_month=this_month)
