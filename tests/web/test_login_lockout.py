"""Staff sign-in refuses a password guesser: five wrong passwords lock the name for 15 minutes."""

from __future__ import annotations

from sqlalchemy import func, select

from kefu.identity.models import LoginFailure
from tests.factories.identity import PASSWORD, create_staff
from tests.factories.web import HTML, csrf_token


def _login(client, password: str):
    form = client.get("/login", headers=HTML)
    return client.post("/login", data={"username": "li.na", "password": password, "csrf_token": csrf_token(form.text)},
                       headers=HTML, follow_redirects=False)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, session, now):
    create_staff(session, username="li.na", roles=("agent",), now=now)
    for attempt in range(5):
        response = _login(client, f"guess-{attempt}")
        assert response.status_code == 401 and "用户名或密码错误" in response.text
    # Each failure was kept although the page answered with an error.
    assert session.scalar(select(func.count(LoginFailure.id))) == 5

    locked = _login(client, PASSWORD)
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.text and "kefu_session" not in locked.headers.get("set-cookie", "")
