"""The agent's desk in real headless Chromium: the queue fits a 1280 px desk and a 390 px
phone, knowledge-base answers and the suggested priority arrive while typing, and a form
posted after the session expired comes back filled in after logging in again.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kefu.identity import service as identity
from kefu.tickets.models import Ticket
from tests.conftest import FIXED_NOW
from tests.factories.identity import PASSWORD
from tests.factories.knowledge import create_article
from tests.factories.sla import deliver_all
from tests.factories.tickets import create_ticket, staff
from tests.web.browser_logins import staff_login

pytestmark = pytest.mark.browser

LONG_DEMAND = ("客户反映家里宽带从上周开始每天晚上八点到十一点频繁断网，重启光猫和路由器都没有用，"
               "孩子上网课受影响，要求尽快上门检修并减免本月宽带费用，否则要向工信部申诉")




def _no_horizontal_overflow(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    inner = page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap'))
        .map(w => w.scrollWidth - w.clientWidth)""")
    assert all(extra <= 0 for extra in inner), f"the queue scrolls sideways by {inner} px"


def test_the_queue_fits_a_1280_px_desk_and_a_390_px_phone(open_page, live_server, screenshots):
    with live_server.sessions() as session:
        me = staff(session, now=FIXED_NOW, username="agent.li")
        for i in range(4):
            create_ticket(session, subscriber_id=live_server.customer.subscriber.id, by=me, now=FIXED_NOW,
                          category="broadband", core_demand=f"{LONG_DEMAND}（第{i + 1}次来电）")
    deliver_all(live_server.sessions, now=FIXED_NOW)
    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "agent.li")
    page.goto("/tickets")
    page.locator("#queue-table").wait_for()
    assert page.locator("#queue-table tbody tr").count() >= 4
    _no_horizontal_overflow(page, 1280)
    page.screenshot(path=screenshots / "20-agent-queue-1280.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    _no_horizontal_overflow(page, 390)
    labels = page.evaluate("""() => Array.from(document.querySelectorAll('#queue-table tbody tr:first-child td'))
        .map(td => getComputedStyle(td, '::before').content)""")
    assert '"剩余时间"' in labels and '"核心诉求"' in labels  # each line of the card says what it is
    page.screenshot(path=screenshots / "21-agent-queue-390.png", full_page=True)


def test_knowledge_answers_and_the_suggested_priority_arrive_while_typing(open_page, live_server, screenshots):
    with live_server.sessions() as session:
        create_article(session, question="彩铃被扣费了怎么退订和退费", now=FIXED_NOW,
                       answer="发送 0000 到 10001 查询并退订彩铃；未经同意订购的可申请退还已扣费用。",
                       phrasings=("彩铃不是我订的", "彩铃扣费退费"))
        session.commit()
    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "agent.li")
    page.goto(f"/tickets/new?subscriber_id={live_server.customer.subscriber.id}")
    page.get_by_label("核心诉求").press_sequentially("彩铃不是我订的，每个月都扣5元，要求退费", delay=5)

    article = page.locator("#kb-hits details.kb").first
    article.wait_for()
    assert "彩铃被扣费了怎么退订和退费" in article.locator("summary").inner_text()
    article.locator("summary").click()
    article.locator(".kb-answer .kb-body").wait_for()
    assert "发送 0000 到 10001" in article.locator(".kb-answer").inner_text()

    # The priority the ticket would get (a VIP customer: at least high) is filled in …
    page.locator("#suggest .suggest").wait_for()
    page.wait_for_function("document.querySelector('#priority').value !== ''")
    suggested = page.locator("#suggest .suggest").get_attribute("data-priority")
    assert page.locator("#priority").input_value() == suggested and suggested in ("high", "urgent")
    page.screenshot(path=screenshots / "22-ticket-form-knowledge.png", full_page=True)
    # … and the agent's own choice stays when more suggestions come.
    page.locator("#priority").select_option("low")
    with page.expect_response(lambda r: r.url.endswith("/tickets/new/suggest")):
        page.get_by_label("详细描述").press_sequentially("客户很生气", delay=5)  # IME text: input events only
    page.wait_for_timeout(300)
    assert page.locator("#priority").input_value() == "low"


def _expire(page, live_server) -> None:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "kefu_session")
    with live_server.sessions() as session:
        identity.end_web_session(session, token, now=FIXED_NOW)
        session.commit()


def test_a_form_posted_after_the_session_expired_comes_back_filled_in(browser, live_server, screenshots):
    # Its own context: the expired htmx post's 401 is logged by Chromium as a failed load,
    # which is the point here; any other console error still fails the test.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "status of 401" not in msg.text else None)
    try:
        _expired_session_round_trip(page, live_server, screenshots)
    finally:
        context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"


def _expired_session_round_trip(page, live_server, screenshots) -> None:
    staff_login(page, "agent.li")
    form_url = f"/tickets/new?subscriber_id={live_server.customer.subscriber.id}"
    page.goto(form_url)
    page.get_by_label("核心诉求").fill("宽带每晚断网，要求上门检修")
    page.get_by_label("详细描述").fill("已重启光猫三次，晚上八点后必断")
    page.locator("#type").select_option("fault")
    _expire(page, live_server)

    page.get_by_role("button", name="提交工单").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("用户名").fill("agent.li")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/tickets/new\?subscriber_id=\d+$"))
    page.locator("[data-draft-notice]").wait_for(state="visible")
    assert page.get_by_label("核心诉求").input_value() == "宽带每晚断网，要求上门检修"
    assert page.get_by_label("详细描述").input_value() == "已重启光猫三次，晚上八点后必断"
    assert page.locator("#type").input_value() == "fault"
    page.screenshot(path=screenshots / "23-ticket-form-restored-after-login.png", full_page=True)

    page.get_by_role("button", name="提交工单").click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    ticket_id = int(page.url.rsplit("/", 1)[1])
    with live_server.sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id)).one()
        assert ticket.type == "fault" and ticket.core_demand == "宽带每晚断网，要求上门检修"
    page.goto(form_url)  # taken by the server: the draft is gone
    assert page.get_by_label("核心诉求").input_value() == ""
    assert page.locator("[data-draft-notice]").is_hidden()

    # A note on the ticket page (an htmx form) the same way.
    page.goto(f"/tickets/{ticket_id}")
    page.get_by_label("内容").fill("已约客户明晚七点上门")
    _expire(page, live_server)
    page.get_by_role("button", name="添加备注").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("用户名").fill("agent.li")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket_id}$"))
    assert page.get_by_label("内容").input_value() == "已约客户明晚七点上门"
    page.get_by_role("button", name="添加备注").click()
    page.locator("#timeline", has_text="已约客户明晚七点上门").wait_for()
    assert page.get_by_label("内容").input_value() == ""

    # Logging out leaves nothing typed behind in the tab.
    page.get_by_label("内容").fill("半句没写完的备注")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kefu-draft'))") == []


def test_agent_pauses_the_clocks_while_waiting_on_the_customer_and_resumes(open_page, live_server, screenshots):
    with live_server.sessions() as session:
        me = staff(session, now=FIXED_NOW, username="agent.li")
        ticket = create_ticket(session, subscriber_id=live_server.customer.subscriber.id, by=me, now=FIXED_NOW,
                               category="broadband", core_demand="光猫指示灯一直闪红灯")
    deliver_all(live_server.sessions, now=FIXED_NOW)
    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "agent.li")
    page.goto(f"/tickets/{ticket.id}")
    step = page.locator('form[data-step="wait"]')
    step.get_by_label("等待原因（时效计时暂停）").fill("等待客户发送光猫背面照片")
    step.get_by_role("button", name="等待客户").click()
    waiting = page.locator("#waiting")
    waiting.wait_for()
    assert "等待客户发送光猫背面照片" in waiting.inner_text()
    deliver_all(live_server.sessions, now=FIXED_NOW)  # the worker pauses the clocks
    page.reload()
    assert "暂停" in page.locator("#clocks").inner_text()
    page.screenshot(path=screenshots / "24-ticket-waiting-on-customer.png", full_page=True)

    waiting.get_by_label("客户答复").fill("客户已发来照片")
    waiting.get_by_role("button", name="客户已答复，恢复计时").click()
    page.locator('form[data-step="wait"]').wait_for()
    assert page.locator("#waiting").count() == 0
    assert "客户已发来照片" in page.locator("#timeline").inner_text()
