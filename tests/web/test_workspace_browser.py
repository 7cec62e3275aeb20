"""The agent workspace in real headless Chromium against the live server: an agent logs in,
opens a customer, files a complaint whose category and department the intake suggestions
fill while typing, dispatches it and sees the task's 15-minute countdown tick.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kefu.core.outbound import OutboundMessage
from tests.conftest import FIXED_NOW
from tests.factories.identity import PASSWORD
from tests.factories.sla import deliver_all
from tests.factories.web import customer_with_history

pytestmark = pytest.mark.browser

def _seconds(text: str) -> int:
    hours, minutes, seconds = (int(x) for x in text.strip().lstrip("-").split(":"))
    return hours * 3600 + minutes * 60 + seconds


def test_agent_files_a_suggested_complaint_dispatches_it_and_sees_the_15_minute_countdown(
    browser, live_server, screenshots
):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    contexts = [context]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # An ordinary (non-VIP) customer: the complaint policy's 15-minute response applies
    # (VIP and government-enterprise customers get 10 minutes).
    with live_server.sessions() as session:
        ordinary = customer_with_history(session, now=FIXED_NOW, number="13700137000", name="张伟",
                                         plan_code="P59B", id_number="440105198502021234")
        ordinary.subscriber.segment, ordinary.subscriber.vip_level = "individual", 0
        session.commit()
    try:
        page.goto("/login")
        page.get_by_label("用户名").fill("agent.li")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/$"))

        page.goto(f"/customers?q={ordinary.number}")
        page.get_by_role("link", name="137****7000").click()
        page.wait_for_url(re.compile(r"/customers/\d+$"))
        page.get_by_role("link", name="新建工单").click()
        page.wait_for_url(re.compile(r"/tickets/new\?subscriber_id=\d+$"))

        page.get_by_label("核心诉求").press_sequentially("彩铃不是我订的，每个月都扣5元增值业务费，要求退费", delay=5)
        page.locator("#suggest .suggest").wait_for()  # the suggestions arrived after the pause in typing
        page.wait_for_function("document.querySelector('#category').value === 'vas'")
        assert page.locator("#department").input_value() == "vas"
        page.screenshot(path=screenshots / "10-ticket-form-suggested.png", full_page=True)

        page.get_by_role("button", name="提交工单").click()
        page.wait_for_url(re.compile(r"/tickets/\d+$"))
        ticket_id = int(page.url.rsplit("/", 1)[1])
        assert "增值业务扣费" in page.content()
        deliver_all(live_server.sessions, now=FIXED_NOW)  # the worker is off in the live server: start the clocks
        page.reload()
        page.locator("#clocks").wait_for()
        page.screenshot(path=screenshots / "11-ticket-opened.png", full_page=True)

        step = page.locator('form[data-step="dispatch"]')
        step.get_by_label("派往部门").select_option("vas")
        step.get_by_label("处理要求").fill("核查SP外呼订购记录")
        step.get_by_role("button", name="派单").click()
        page.locator("#ticket-status", has_text="已派单").wait_for()
        countdown = page.locator(".task .countdown").first
        first = _seconds(countdown.inner_text())
        assert 14 * 60 < first <= 15 * 60
        page.wait_for_timeout(2200)
        assert _seconds(countdown.inner_text()) < first  # it ticks in the browser
        page.screenshot(path=screenshots / "12-ticket-dispatched-countdown.png", full_page=True)

        page.goto("/tickets")
        page.locator(f'#queue a[href="/tickets/{ticket_id}"]').wait_for()  # the agent opened it, so owns it
        page.screenshot(path=screenshots / "13-agent-queue.png", full_page=True)

        # The subscriber follows the same ticket on a phone: every customer-visible step.
        phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                    is_mobile=True, has_touch=True)
        contexts.append(phone)
        mobile = phone.new_page()
        mobile.set_default_timeout(15_000)
        mobile.on("pageerror", lambda error: errors.append(str(error)))
        mobile.goto("/portal/login")
        mobile.get_by_label("手机号码").fill(ordinary.number)
        mobile.get_by_role("button", name="获取验证码").click()
        with live_server.sessions() as session:
            body = session.scalars(
                select(OutboundMessage.body).where(OutboundMessage.recipient == ordinary.number)
                .order_by(OutboundMessage.id.desc())
            ).first()
        mobile.get_by_label("短信验证码（6 位数字）").fill(re.search(r"\d{6}", body).group())
        mobile.get_by_role("button", name="登录").click()
        mobile.wait_for_url(re.compile(r"/portal$"))
        mobile.get_by_role("link", name="我的工单：投诉、报故障、查进度").click()
        mobile.get_by_role("link", name=re.compile("彩铃不是我订的")).click()
        mobile.wait_for_url(re.compile(rf"/portal/tickets/{ticket_id}$"))
        steps = mobile.locator("#steps").inner_text()
        assert "已受理您的诉求" in steps and "已派单" in steps
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        mobile.screenshot(path=screenshots / "14-portal-ticket-steps-390.png", full_page=True)

        # The supervisor's board lists the ticket's clocks and refreshes itself without a reload.
        desk = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(desk)
        board = desk.new_page()
        board.set_default_timeout(15_000)
        board.on("pageerror", lambda error: errors.append(str(error)))
        board.goto("/login")
        board.get_by_label("用户名").fill("boss.zhao")
        board.get_by_label("密码").fill(PASSWORD)
        board.get_by_role("button", name="登录").click()
        board.wait_for_url(re.compile(r"/$"))
        board.get_by_role("navigation", name="主导航").get_by_role("link", name="看板").click()
        board.wait_for_url(re.compile(r"/wallboard$"))
        board.locator(f'#due-list a[href="/tickets/{ticket_id}"]').wait_for()
        board.evaluate("window.notReloaded = true")
        with board.expect_response(lambda r: "/wallboard" in r.url and r.request.headers.get("hx-request") == "true",
                                   timeout=15_000):
            pass
        board.locator(f'#due-list a[href="/tickets/{ticket_id}"]').wait_for()
        assert board.evaluate("window.notReloaded === true")
        board.screenshot(path=screenshots / "15-supervisor-board.png", full_page=True)
    finally:
        for each in contexts:
            each.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"
