"""The subscriber's portal and the supervisor's board in real headless Chromium.

- A subscriber logs in on a 390 px phone, files a broadband complaint, sees it in their
  list with its steps, agrees to the proposed remedy and rates the service; another
  subscriber's ticket address is 404 for them.
- A supervisor watches the board and a breached ticket appears without reloading.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from kefu.sla import service as sla
from kefu.tickets import service as tickets
from kefu.tickets.models import Ticket
from tests.conftest import FIXED_NOW
from tests.factories.identity import PASSWORD
from tests.factories.sla import deliver_all
from tests.factories.tickets import create_ticket, staff
from tests.factories.web import customer_with_history
from tests.web.browser_logins import portal_login

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390




def test_subscriber_files_a_broadband_complaint_agrees_to_the_remedy_and_rates_it_on_a_phone(
    open_page, live_server, screenshots
):
    customer = live_server.customer
    with live_server.sessions() as session:
        other = customer_with_history(session, now=FIXED_NOW, number="13900139000", name="李四", plan_code="P99",
                                      id_number="440105198001015678")
        handler = staff(session, now=FIXED_NOW, username="wang.wu", display_name="王五")
        theirs = create_ticket(session, subscriber_id=other.subscriber.id, by=handler, now=FIXED_NOW,
                               core_demand="李四的话费问题")

    page = open_page(expected_statuses=(404,), **PHONE)
    portal_login(page, live_server, customer.number)
    page.get_by_role("link", name="我的工单：投诉、报故障、查进度").click()
    page.get_by_role("link", name="我要投诉 / 报故障").click()
    page.get_by_label("我要投诉").check()
    page.get_by_label("遇到的是哪方面的问题？").select_option("broadband")
    page.get_by_label("一句话说明您的问题").fill("家里宽带每天晚上都断网")
    page.get_by_label("详细情况（选填）").fill("晚上八点以后必断，重启光猫也没用")
    _fits(page)
    page.screenshot(path=screenshots / "30-portal-file-complaint-390.png", full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/portal/tickets/\d+$"))
    ticket_id = int(page.url.rsplit("/", 1)[1])
    assert "已受理您的诉求" in page.locator("#steps").inner_text()

    page.get_by_role("link", name="我的工单").click()
    card = page.locator(f'a.ticket-card[href="/portal/tickets/{ticket_id}"]')
    assert "家里宽带每天晚上都断网" in card.inner_text()
    _fits(page)
    page.screenshot(path=screenshots / "31-portal-my-tickets-390.png", full_page=True)

    # The centre investigates and proposes a bill credit.
    with live_server.sessions() as session:
        handler = staff(session, now=FIXED_NOW, username="wang.wu")
        assert session.get(Ticket, ticket_id).category == "broadband"
        tickets.accept(session, ticket_id, by=handler, now=FIXED_NOW)
        tickets.add_note(session, ticket_id, text="已派装维人员检查，光猫老化，已更换", visibility="customer",
                         by=handler, now=FIXED_NOW)
        remedy = tickets.propose_remedy(session, ticket_id, kind="bill_credit", amount_fen=3000,
                                        description="减免本月宽带费30元", by=handler, now=FIXED_NOW)
        session.commit()
        remedy_id = remedy.id if hasattr(remedy, "id") else remedy.remedies[-1].id

    card.click()
    page.wait_for_url(re.compile(rf"/portal/tickets/{ticket_id}$"))
    steps = page.locator("#steps").inner_text()
    assert "已受理您的诉求" in steps and "光猫老化，已更换" in steps and "给出解决方案" in steps
    remedy_card = page.get_by_role("region", name="解决方案待您确认")
    assert "减免本月宽带费30元" in remedy_card.inner_text() and "¥30.00" in remedy_card.inner_text()
    _fits(page)
    page.screenshot(path=screenshots / "32-portal-remedy-390.png", full_page=True)
    remedy_card.get_by_role("button", name="同意", exact=True).click()
    page.locator("#ticket-status", has_text="客户已同意").wait_for()

    with live_server.sessions() as session:
        handler = staff(session, now=FIXED_NOW, username="wang.wu")
        tickets.apply_remedy(session, ticket_id, remedy_id, by=handler, now=FIXED_NOW)
        tickets.resolve(session, ticket_id, resolution="更换光猫，减免30元", by=handler, now=FIXED_NOW)
        session.commit()
    page.reload()
    rating = page.get_by_role("region", name="请为本次服务评价")
    rating.get_by_label("满意", exact=True).check()
    rating.get_by_label("还有什么想说的（选填）").fill("师傅很专业")
    rating.get_by_role("button", name="提交评价").click()
    mine = page.get_by_role("region", name="您的服务评价")
    mine.wait_for()
    assert "满意" in mine.inner_text() and "4/5" in mine.inner_text() and "师傅很专业" in mine.inner_text()
    assert "您的服务评价" in page.locator("#steps").inner_text()
    _fits(page)
    page.screenshot(path=screenshots / "33-portal-rated-390.png", full_page=True)

    # Someone else's ticket does not exist for this subscriber.
    response = page.goto(f"/portal/tickets/{theirs.id}")
    assert response.status == 404 and "李四的话费问题" not in page.content()
    page.screenshot(path=screenshots / "34-portal-other-ticket-404-390.png", full_page=True)


def test_a_breached_ticket_appears_on_the_board_without_reloading(open_page, live_server, screenshots):
    # A complaint taken 30 minutes ago whose 15-minute response clock nobody met.
    earlier = FIXED_NOW - timedelta(minutes=30)
    with live_server.sessions() as session:
        ordinary = customer_with_history(session, now=FIXED_NOW, number="13600136000", name="赵六", plan_code="P39",
                                         id_number="440105199003031234")
        ordinary.subscriber.segment, ordinary.subscriber.vip_level = "individual", 0
        handler = staff(session, now=FIXED_NOW, username="wang.wu", display_name="王五")
        late = create_ticket(session, subscriber_id=ordinary.subscriber.id, by=handler, now=earlier,
                             core_demand="投诉半小时没人回电")

    board = open_page(viewport={"width": 1280, "height": 900})
    board.goto("/login")
    board.get_by_label("用户名").fill("boss.zhao")
    board.get_by_label("密码").fill(PASSWORD)
    board.get_by_role("button", name="登录").click()
    board.wait_for_url(re.compile(r"/$"))
    board.goto("/wallboard")
    board.locator("#breached-list").wait_for()
    assert board.locator(f'#breached-list a[href="/tickets/{late.id}"]').count() == 0
    board.evaluate("window.notReloaded = true")

    # The worker starts its clocks and its scan finds the breach.
    deliver_all(live_server.sessions, now=earlier)
    with live_server.sessions() as session:
        sla.scan_due(session, FIXED_NOW)
        session.commit()
    board.locator(f'#breached-list a[href="/tickets/{late.id}"]').wait_for(timeout=25_000)
    assert board.evaluate("window.notReloaded === true")
    board.screenshot(path=screenshots / "35-board-breached-appears.png", full_page=True)

    board.locator(f'#breached-list a[href="/tickets/{late.id}"]').click()  # drill down to the ticket
    board.wait_for_url(re.compile(rf"/tickets/{late.id}$"))
    assert "已超时" in board.locator("#clocks").inner_text()
