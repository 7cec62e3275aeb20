"""The pages in real headless Chromium against a live server: an agent finds a customer, a
supervisor unmasks (audited), a subscriber logs in on a phone-sized screen and reads the bill.
Screenshots of each main page go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kefu.core.audit import AuditEntry
from kefu.core.outbound import OutboundMessage
from tests.web.browser_logins import staff_login

pytestmark = pytest.mark.browser



def test_agent_searches_a_number_and_sees_the_masked_360_page_with_the_usage_chart(
    open_page, live_server, screenshots
):
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto("/login")
    page.screenshot(path=screenshots / "01-staff-login.png")
    staff_login(page, "agent.li")
    page.screenshot(path=screenshots / "02-agent-home.png")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="客户查询").click()
    page.get_by_label("号码、姓名或账户号").fill(live_server.customer.number)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/customers\?q="))
    result = page.get_by_role("link", name="138****8000")
    result.wait_for()
    page.screenshot(path=screenshots / "03-customer-search.png")

    result.click()
    page.wait_for_url(re.compile(r"/customers/\d+$"))
    identity = page.locator("#identity")
    assert identity.locator("[data-field=number]").inner_text() == "138****8000"
    assert identity.locator("[data-field=id_number]").inner_text() == "4401**********1234"
    charts = page.locator("#usage-chart svg")
    charts.last.wait_for()
    assert charts.count() == 2  # data and voice, each against the plan
    assert charts.first.locator("path").count() > 3  # bars and the plan line were drawn
    assert page.get_by_role("button", name="显示完整信息").count() == 0
    assert live_server.customer.number not in page.content()
    page.screenshot(path=screenshots / "04-customer-360-agent.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})  # an agent on a phone: tables scroll, the page does not
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "04b-customer-360-agent-390.png", full_page=True)


def test_supervisor_unmasks_and_the_access_is_audited(open_page, live_server, screenshots):
    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "boss.zhao")
    page.goto(f"/customers/{live_server.customer.subscriber.id}")
    page.get_by_role("button", name="显示完整信息").click()
    number = page.locator("#identity [data-field=number]")
    number.filter(has_text=live_server.customer.number).wait_for()
    assert page.locator("#identity [data-field=name]").inner_text() == "王小明"
    assert "本次查看已记入审计日志" in page.locator("#identity").inner_text()
    page.screenshot(path=screenshots / "05-customer-360-unmasked.png", full_page=True)

    with live_server.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == str(live_server.customer.subscriber.id))
        ).all()
    assert len(entries) == 1 and "赵强" in entries[0].actor


def test_subscriber_logs_in_on_a_phone_with_the_sms_code_and_sees_the_bill(open_page, live_server, screenshots):
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto("/portal")
    page.wait_for_url(re.compile(r"/portal/login\?next="))
    page.get_by_label("手机号码").fill(live_server.customer.number)
    page.screenshot(path=screenshots / "06-portal-login-390.png")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码（6 位数字）").wait_for()
    page.screenshot(path=screenshots / "07-portal-code-390.png")

    with live_server.sessions() as session:
        body = session.scalars(
            select(OutboundMessage.body).where(OutboundMessage.recipient == live_server.customer.number)
            .order_by(OutboundMessage.id.desc())
        ).first()
    page.get_by_label("短信验证码（6 位数字）").fill(re.search(r"\d{6}", body).group())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/portal$"))

    bills = page.get_by_role("region", name="近期账单")
    assert "彩铃" in bills.inner_text() and "¥64.00" in bills.inner_text()
    assert "畅享59元套餐" in page.get_by_role("region", name="我的套餐").inner_text()
    assert page.get_by_role("progressbar", name="流量").get_attribute("aria-valuetext") == "11.7 GB / 10.0 GB"
    # Mobile-first: nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "08-portal-home-390.png", full_page=True)


def test_admin_sees_the_audit_log_and_the_outbox_in_english(open_page, live_server, screenshots):
    page = open_page(viewport={"width": 1280, "height": 800})
    staff_login(page, "admin.wu")
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Hello, 吴敏").wait_for()
    page.screenshot(path=screenshots / "09-admin-home-en.png")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Outbound messages").click()
    page.get_by_role("heading", name="Outbound messages").wait_for()
    page.screenshot(path=screenshots / "10-admin-outbox-en.png", full_page=True)
    page.get_by_role("link", name="中文").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    page.get_by_role("heading", name="审计日志").wait_for()
    page.screenshot(path=screenshots / "11-admin-audit.png", full_page=True)
