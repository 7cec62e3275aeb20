"""The robot chat in headless Chromium on a phone-sized screen: a message posts in place
(htmx), the answer is appended, a quick reply asks the next question."""

from __future__ import annotations

import pytest

from tests.web.browser_logins import portal_login

pytestmark = pytest.mark.browser


def test_subscriber_chats_with_the_robot_on_a_phone(open_page, live_server, screenshots):  # noqa: F811
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    portal_login(page, live_server, live_server.customer.number, "/portal/chat")

    log = page.get_by_role("list", name="对话记录")
    assert "智能客服" in log.inner_text()
    page.get_by_label("输入您的问题").fill("我的本月话费")
    page.get_by_role("button", name="发送").click()
    page.get_by_text("账单合计").last.wait_for()
    assert page.url.endswith("/portal/chat")  # posted in place, no reload
    assert page.get_by_label("输入您的问题").input_value() == ""
    page.get_by_role("button", name="上个月的话费").last.click()
    page.wait_for_function("document.querySelectorAll('.chat-turn').length >= 5")
    # November is not billed yet: "this month" showed October's bill with a note; last month is October.
    last = page.locator(".chat-turn.robot").last.inner_text()
    assert "2026年10月账单合计 64.00 元" in last and "不太确定" not in last
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "20-portal-robot-chat-390.png", full_page=True)
