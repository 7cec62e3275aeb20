"""The web shell through the ASGI app: logins, role-gated pages, CSRF, unmasking, language."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from kefu.core.audit import AuditEntry
from kefu.identity.models import OtpCode, WebSession
from tests.factories.identity import PASSWORD, create_staff
from tests.factories.web import (
    HTML,
    csrf_token,
    customer_with_history,
    last_code,
    login_staff,
    login_subscriber,
)


def _count(session, column) -> int:
    return session.scalar(select(func.count(column)))


# --- logging in -------------------------------------------------------------------------


def test_anonymous_page_visit_is_sent_to_the_login_page_and_back(client):
    response = client.get("/customers?q=138", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == ["/customers?q=138"]

    portal = client.get("/portal", headers=HTML, follow_redirects=False)
    assert portal.headers["location"] == "/portal/login?next=%2Fportal"


def test_staff_login_sets_a_safe_cookie_and_returns_to_the_page_asked_for(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now, display_name="李娜")
    form = client.get("/login?next=/customers", headers=HTML)
    response = client.post(
        "/login",
        data={"username": "li.na", "password": PASSWORD, "csrf_token": csrf_token(form.text), "next": "/customers"},
        headers=HTML, follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/customers"
    cookie = response.headers["set-cookie"].lower()
    assert "kefu_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "您好，李娜" in client.get("/", headers=HTML).text


def test_login_never_redirects_to_another_site(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now)
    form = client.get("/login", headers=HTML)
    response = client.post(
        "/login", data={"username": "li.na", "password": PASSWORD, "csrf_token": csrf_token(form.text),
                        "next": "//evil.example/"},
        headers=HTML, follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_shows_a_clear_message_and_changes_nothing(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now)
    form = client.get("/login", headers=HTML)
    response = client.post(
        "/login", data={"username": "li.na", "password": "not-the-password", "csrf_token": csrf_token(form.text)},
        headers=HTML, follow_redirects=False,
    )
    assert response.status_code == 401
    assert "用户名或密码错误，请重新输入" in response.text
    assert 'value="li.na"' in response.text  # the username stays filled in
    assert "kefu_session" not in response.headers.get("set-cookie", "")
    assert _count(session, WebSession.id) == 0

    english = client.post(
        "/login?lang=en", data={"username": "li.na", "password": "nope", "csrf_token": csrf_token(form.text)},
        headers=HTML,
    )
    assert "Wrong username or password, please try again" in english.text


def test_login_form_posted_from_another_site_is_refused(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now)
    response = client.post("/login", data={"username": "li.na", "password": PASSWORD, "csrf_token": "forged"},
                           headers=HTML, follow_redirects=False)
    assert response.status_code == 400 and "页面已过期" in response.text
    assert _count(session, WebSession.id) == 0


def test_logout_ends_the_session(client, session, now):
    token = login_staff(client, session, roles=("agent",), now=now)
    response = client.post("/logout", data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert session.scalar(select(WebSession.ended_at)) is not None
    assert client.get("/", headers=HTML, follow_redirects=False).headers["location"].startswith("/login")


# --- CSRF ---------------------------------------------------------------------------------


def test_post_without_or_with_a_forged_csrf_token_is_refused(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    missing = client.post("/logout", headers=HTML, follow_redirects=False)
    forged = client.post("/logout", data={"csrf_token": "forged"}, headers=HTML, follow_redirects=False)
    for response in (missing, forged):
        assert response.status_code == 403
        assert "页面已失效" in response.text and "security check failed" in response.text
    assert session.scalar(select(WebSession.ended_at)) is None


def test_htmx_post_with_a_forged_token_gets_a_message_in_the_flash_area(client, session, now):
    customer = customer_with_history(session, now=now)
    login_staff(client, session, roles=("supervisor",), now=now)
    response = client.post(f"/customers/{customer.subscriber.id}/reveal",
                           headers={**HTML, "HX-Request": "true", "X-CSRF-Token": "forged"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#flash" and 'role="alert"' in response.text
    assert "<html" not in response.text
    assert _count(session, AuditEntry.id) == 0


def test_expired_session_on_an_htmx_call_sends_the_browser_to_login(client):
    response = client.post("/customers/1/reveal", headers={**HTML, "HX-Request": "true",
                                                            "HX-Current-URL": "http://testserver/customers/1"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=%2Fcustomers%2F1"


# --- navigation by role ---------------------------------------------------------------------


def test_home_shows_each_role_its_own_pages_and_no_dead_links(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    agent_home = client.get("/", headers=HTML).text
    assert 'href="/customers"' in agent_home
    assert "/admin/audit" not in agent_home
    assert 'href="/tickets"' not in agent_home or client.get("/tickets", headers=HTML).status_code == 200

    client.cookies.clear()
    login_staff(client, session, roles=("admin",), now=now)
    admin_home = client.get("/", headers=HTML).text
    for path in ("/admin/users", "/admin/outbox", "/admin/audit"):
        assert f'href="{path}"' in admin_home
        assert client.get(path, headers=HTML).status_code == 200


def test_agent_is_refused_admin_pages_with_a_friendly_page(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    response = client.get("/admin/audit", headers=HTML)
    assert response.status_code == 403
    assert "没有权限" in response.text and "Your role is not allowed to do this" in response.text
    assert "返回首页" in response.text


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page", headers=HTML)
    assert response.status_code == 404 and "找不到页面" in response.text and "Not found" in response.text


def test_admin_user_list_shows_every_user_and_role(client, session, now):
    create_staff(session, username="wang.fang", roles=("inspector", "kb_editor"), now=now, display_name="王芳")
    login_staff(client, session, roles=("admin",), now=now)
    page = client.get("/admin/users", headers=HTML).text
    assert "wang.fang" in page and "王芳" in page and "质检员" in page and "知识库编辑" in page


# --- customer pages ---------------------------------------------------------------------------


def test_agent_finds_a_customer_and_sees_the_360_page_masked(client, session, now):
    customer = customer_with_history(session, now=now)
    login_staff(client, session, roles=("agent",), now=now)
    results = client.get("/customers", params={"q": customer.number}, headers=HTML).text
    assert "138****8000" in results and f'href="/customers/{customer.subscriber.id}"' in results
    assert customer.number not in results.split("<tbody>")[1]  # only the query box echoes what was typed

    page = client.get(f"/customers/{customer.subscriber.id}", headers=HTML).text
    assert "138****8000" in page and "王**" in page and "4401**********1234" in page
    assert customer.number not in page and "王小明" not in page
    assert 'id="usage-chart"' in page and "data-chart=" in page
    assert "畅享59元套餐" in page and "彩铃" in page and "64.00" in page  # plan, bill line, bill total
    assert "12.50" in page  # arrears
    assert "显示完整信息" not in page  # agents may not unmask


def test_agent_cannot_reveal_personal_data(client, session, now):
    customer = customer_with_history(session, now=now)
    token = login_staff(client, session, roles=("agent",), now=now)
    response = client.post(f"/customers/{customer.subscriber.id}/reveal",
                           headers={**HTML, "HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 403
    assert customer.number not in response.text
    assert _count(session, AuditEntry.id) == 0


def test_supervisor_reveals_personal_data_and_the_access_is_audited(client, session, now):
    customer = customer_with_history(session, now=now)
    token = login_staff(client, session, roles=("supervisor",), now=now, username="boss")
    page = client.get(f"/customers/{customer.subscriber.id}", headers=HTML).text
    assert "显示完整信息" in page
    response = client.post(f"/customers/{customer.subscriber.id}/reveal",
                           headers={**HTML, "HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 200
    assert customer.number in response.text and "王小明" in response.text and "440105198001011234" in response.text
    entry = session.scalars(select(AuditEntry)).one()
    assert entry.target_id == str(customer.subscriber.id) and "boss" in entry.actor


def test_unknown_customer_is_a_friendly_404(client, session, now):
    login_staff(client, session, roles=("agent",), now=now)
    response = client.get("/customers/999999", headers=HTML)
    assert response.status_code == 404 and "返回首页" in response.text


# --- subscriber portal ------------------------------------------------------------------------


def test_subscriber_logs_in_with_an_sms_code_and_sees_plan_usage_and_bills(client, session, now):
    customer = customer_with_history(session, now=now)
    login_subscriber(client, session, number=customer.number)
    page = client.get("/portal", headers=HTML).text
    assert "畅享59元套餐" in page and "本月用量" in page and "彩铃" in page and "64.00" in page
    assert "11.7 GB / 10.0 GB" in page  # this month's data against the plan
    assert customer.bill_months[0].strftime("%Y-%m") in page


def test_portal_answers_the_same_for_unknown_numbers_and_sends_them_nothing(client, session, now):
    customer = customer_with_history(session, now=now)
    form = csrf_token(client.get("/portal/login", headers=HTML).text)
    known = client.post("/portal/login", data={"number": customer.number, "csrf_token": form}, headers=HTML)
    unknown = client.post("/portal/login", data={"number": "13900000000", "csrf_token": form}, headers=HTML)
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(customer.number, "N") == unknown.text.replace("13900000000", "N")
    assert "10000" in unknown.text  # tells the person what to do when no SMS comes
    assert _count(session, OtpCode.id) == 1


def test_wrong_code_is_counted_and_explained(client, session, now):
    customer = customer_with_history(session, now=now)
    form = csrf_token(client.get("/portal/login", headers=HTML).text)
    client.post("/portal/login", data={"number": customer.number, "csrf_token": form}, headers=HTML)
    wrong = "000000" if last_code(session, customer.number) != "000000" else "111111"
    response = client.post("/portal/verify", data={"number": customer.number, "code": wrong, "csrf_token": form},
                           headers=HTML, follow_redirects=False)
    assert response.status_code == 401 and "验证码错误或已过期" in response.text
    assert session.scalar(select(OtpCode.attempts)) == 1
    assert _count(session, WebSession.id) == 0


def test_subscriber_cannot_open_staff_pages(client, session, now):
    customer = customer_with_history(session, now=now)
    token = login_subscriber(client, session, number=customer.number)
    for path in ("/customers", f"/customers/{customer.subscriber.id}", "/admin/outbox", "/admin/audit"):
        assert client.get(path, headers=HTML).status_code == 403, path
    reveal = client.post(f"/customers/{customer.subscriber.id}/reveal", headers={**HTML, "X-CSRF-Token": token})
    assert reveal.status_code == 403
    assert client.get("/", headers=HTML, follow_redirects=False).headers["location"] == "/portal"


def test_staff_cannot_open_the_portal(client, session, now):
    login_staff(client, session, roles=("admin",), now=now)
    assert client.get("/portal", headers=HTML).status_code == 403


def test_outbox_shows_codes_only_in_demo_mode(client, app, session, now):
    customer = customer_with_history(session, now=now)
    form = csrf_token(client.get("/portal/login", headers=HTML).text)
    client.post("/portal/login", data={"number": customer.number, "csrf_token": form}, headers=HTML)
    code = last_code(session, customer.number)
    login_staff(client, session, roles=("admin",), now=now)
    demo = client.get("/admin/outbox", headers=HTML).text
    assert code in demo and "138****8000" in demo
    app.state.settings.demo_mode = False
    assert code not in client.get("/admin/outbox", headers=HTML).text


# --- language ---------------------------------------------------------------------------------


def test_language_switch_shows_english_and_is_remembered(client, session, now):
    chinese = client.get("/login", headers=HTML).text
    assert "员工登录" in chinese and 'href="/login?lang=en"' in chinese
    english = client.get("/login?lang=en", headers=HTML)
    assert "Staff login" in english.text and '<html lang="en">' in english.text
    assert "lang=en" in english.headers["set-cookie"]
    assert "Staff login" in client.get("/login", headers=HTML).text  # remembered by the cookie
    assert "员工登录" in client.get("/login?lang=zh", headers=HTML).text


def test_browser_asking_for_english_gets_english(client):
    page = client.get("/portal/login", headers={**HTML, "Accept-Language": "en-US,en;q=0.9"}).text
    assert "Online service hall login" in page and "Send me a code" in page


def test_every_text_on_the_pages_has_an_english_entry():
    import json
    import re
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "src" / "kefu" / "web"
    catalog = json.loads((web.parent / "core" / "locales" / "en.json").read_text(encoding="utf-8"))
    used = set()
    for path in [*web.rglob("*.html"), *web.rglob("*.py")]:
        text = path.read_text("utf-8")
        used |= {a or b for a, b in re.findall(r"""_\(\s*(?:"([^"]+)"|'([^']+)')""", text)}
        if path.suffix == ".py":  # labels and messages the pages translate when they show them
            used |= set(re.findall(r'"([^"\n]*[\u4e00-\u9fff][^"\n]*)"', text))
    missing = sorted(m for m in used if re.search(r"[\u4e00-\u9fff]", m) and m not in catalog)
    assert not missing, f"add to core/locales/en.json: {missing}"


def test_every_page_route_declares_who_may_open_it(app):
    # FastAPI keeps included routers nested; iter_route_contexts sees every route with its full dependencies.
    from fastapi.routing import iter_route_contexts

    from kefu.api.deps import Authorize, public
    from kefu.web.pages import routers

    def declares(dependant) -> bool:
        return any(isinstance(d.call, Authorize) or d.call is public or declares(d) for d in dependant.dependencies)

    page_endpoints = {route.endpoint for router in routers() for route in router.routes}
    pages = [r for r in iter_route_contexts(app.routes) if getattr(r, "endpoint", None) in page_endpoints]
    assert len(pages) == len(page_endpoints) >= 10
    assert not [r.path for r in pages if not declares(r.dependant)]


def test_language_switch_after_a_form_post_goes_back_to_the_form(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now)
    form = client.get("/login", headers=HTML)
    failed = client.post("/login", data={"username": "li.na", "password": "nope", "csrf_token": csrf_token(form.text)},
                         headers={**HTML, "Referer": "http://testserver/login?next=/customers"})
    assert 'href="/login?next=%2Fcustomers&amp;lang=en"' in failed.text


def test_only_local_paths_are_followed_after_login():
    from kefu.web.error_page import safe_next

    assert safe_next("/customers?q=1") == "/customers?q=1"
    for unsafe in ("//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "", None):
        assert safe_next(unsafe) is None


def test_over_the_hourly_code_limit_the_portal_answers_like_for_any_number(client, session, settings, now):
    customer = customer_with_history(session, now=now)
    form = csrf_token(client.get("/portal/login", headers=HTML).text)
    pages = [client.post("/portal/login", data={"number": customer.number, "csrf_token": form}, headers=HTML)
             for _ in range(settings.otp_max_per_hour + 1)]
    assert {p.status_code for p in pages} == {200} and pages[-1].text == pages[0].text
    assert _count(session, OtpCode.id) == settings.otp_max_per_hour


def test_a_form_posted_after_the_session_expired_goes_to_login_and_back_to_the_form(client):
    # No session cookie (it expired): the plain form post lands on the login page, which
    # returns to the page the form was on, where the browser restores the typed draft.
    response = client.post("/tickets", data={"core_demand": "宽带断网三天"}, follow_redirects=False,
                           headers={**HTML, "Referer": "http://testserver/tickets/new?subscriber_id=7"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftickets%2Fnew%3Fsubscriber_id%3D7"
    other_site = client.post("/tickets", data={}, follow_redirects=False,
                             headers={**HTML, "Referer": "https://evil.example/tickets/new"})
    assert other_site.headers["location"] == "/login"
