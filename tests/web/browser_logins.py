"""Logging in through the real pages, as a person does, for the Chromium tests."""

from __future__ import annotations

import re

from sqlalchemy import select

from kefu.core.outbound import OutboundMessage
from tests.factories.identity import PASSWORD


def staff_login(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def portal_login(page, live_server, number: str, path: str = "/portal") -> None:
    """A subscriber asks for a code by number, reads it from the outbound SMS and lands on `path`."""
    page.goto(path)
    page.get_by_label("手机号码").fill(number)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码（6 位数字）").wait_for()
    with live_server.sessions() as session:
        body = session.scalars(select(OutboundMessage.body).where(OutboundMessage.recipient == number)
                               .order_by(OutboundMessage.id.desc())).first()
    page.get_by_label("短信验证码（6 位数字）").fill(re.search(r"\d{6}", body).group())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
