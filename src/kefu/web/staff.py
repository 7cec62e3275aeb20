"""Staff login, logout and the home page with each role's navigation."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.api.deps import SESSION_COOKIE, STAFF, AppSettings, Authorize, DbSession, Now, public
from kefu.identity import service as identity
from kefu.identity.errors import BadCredentials, LoginLocked
from kefu.identity.roles import Principal, Role
from kefu.web.error_page import safe_next
from kefu.web.rendering import login_csrf_ok, render

router = APIRouter(include_in_schema=False)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    # A browser-session cookie: the server keeps the (sliding) expiry, the browser forgets on close.
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )


@router.get("/login", dependencies=[Depends(public)])
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", login_form=True, next=safe_next(next) or "", username="", error=None)


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form(""),
) -> Response:
    def again(error: str, status: int) -> Response:
        return render(
            request, "login.html", status_code=status, login_form=True,
            next=safe_next(next) or "", username=username, error=error,
        )

    if not login_csrf_ok(request, csrf_token):
        return again("页面已过期，请重新输入后登录", 400)
    if not username.strip() or not password:
        return again("请输入用户名和密码", 422)
    try:
        user = identity.check_password(
            session, username=username.strip(), password=password, now=now,
            max_failures=settings.login_max_failures, lock_minutes=settings.login_lock_minutes,
        )
    except BadCredentials:
        return again("用户名或密码错误，请重新输入", 401)
    except LoginLocked:
        return again("密码错误次数过多，账号已暂时锁定，请稍后再试或联系管理员", 429)
    token = identity.start_web_session(session, now=now, minutes=settings.web_session_minutes, user=user)
    response = RedirectResponse(safe_next(next) or "/", status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: DbSession,
    now: Now,
    principal: Principal = Depends(Authorize(*STAFF, Role.SUBSCRIBER)),
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        identity.end_web_session(session, token, now=now)
    target = "/portal/login" if principal.kind == "subscriber" else "/login"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, principal: Principal = Depends(Authorize(*STAFF, Role.SUBSCRIBER))) -> Response:
    if principal.kind == "subscriber":
        return RedirectResponse("/portal", status_code=303)
    return render(request, "home.html")
