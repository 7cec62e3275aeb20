"""Web chat in real headless Chromium against the live server (issue #7 part 6, issue #8
hand-over): subscribers open the portal chat, the agent sees the chats arrive on the desk,
takes two at once within the chat capacity, they type to each other in real time over the
WebSockets; a robot hand-over arrives with the robot conversation; a page that is not
logged in cannot open a chat socket. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from kefu.identity import service as identity
from kefu.routing import chat
from tests.conftest import FIXED_NOW
from tests.factories.agents import create_agent
from tests.factories.customers import create_subscriber
from tests.factories.identity import PASSWORD
from tests.factories.routing import create_centre
from tests.web.browser_logins import portal_login, staff_login

pytestmark = pytest.mark.browser

SECOND = "13922223333"
THIRD = "13344445555"


@pytest.fixture(scope="module")
def centre(live_server):
    """The routing set-up, agent 李娜 (agent.li) taking up to 2 chats, two more subscribers."""
    with live_server.sessions() as session:
        create_centre(session, now=FIXED_NOW)
        user = next(u for u in identity.list_users(session) if u.username == "agent.li")
        create_agent(session, now=FIXED_NOW, user_id=user.id, skills="gsm:2", name="李娜", chat=2)
        create_subscriber(session, number=SECOND, name="陈静", district="南城区")
        create_subscriber(session, number=THIRD, name="刘洋", district="东城区")
        session.commit()
    return live_server




def _agent_desk(open_page):
    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "agent.li")
    page.goto("/chats")
    return page


def _ready(desk) -> None:
    presence = desk.locator("#desk-presence")
    desk.locator("#desk-capacity", has_text=re.compile(r"\d")).wait_for()  # the socket's first frame came
    if presence.inner_text() in ("签出",):
        desk.get_by_role("button", name="签入").click()
        desk.locator("#desk-presence", has_text="签入").wait_for()
    desk.get_by_role("button", name="示闲").click()
    desk.locator("#desk-presence", has_text="示闲").wait_for()


def _panel(desk, customer_label: str):
    return desk.get_by_role("article", name=re.compile(customer_label))


def test_an_agent_chats_with_two_subscribers_at_once_in_real_time(centre, open_page, screenshots):
    desk = _agent_desk(open_page)
    desk.get_by_text("暂无会话").wait_for()
    _ready(desk)

    first = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    portal_login(first, centre, centre.customer.number, "/portal/livechat")
    first.get_by_role("button", name="联系人工客服").click()
    first.locator("#live-status", has_text="正在为您接通坐席").wait_for()

    one = _panel(desk, r"138\*\*\*\*8000")
    one.get_by_role("button", name="接入").click()
    first.locator("#live-status", has_text="坐席已接入").wait_for()
    first.get_by_text("坐席 李娜").wait_for()

    first.get_by_label("输入消息").fill("我的宽带从昨晚开始上不了网")
    first.get_by_role("button", name="发送").click()
    one.get_by_text("我的宽带从昨晚开始上不了网").wait_for()  # arrives on the desk without a reload
    one.get_by_label("回复客户").fill("您好，请问光猫的 LOS 灯是否亮红灯？")
    one.get_by_role("button", name="发送").click()
    first.get_by_text("光猫的 LOS 灯").wait_for()

    second = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    portal_login(second, centre, SECOND, "/portal/livechat")
    second.get_by_role("button", name="联系人工客服").click()
    two = _panel(desk, r"139\*\*\*\*3333")
    two.get_by_role("button", name="接入").click()
    second.locator("#live-status", has_text="坐席已接入").wait_for()
    desk.locator("#desk-load", has_text="2").wait_for()
    assert desk.locator("#desk-capacity").inner_text() == "2"

    second.get_by_label("输入消息").fill("我想改一下套餐")
    second.get_by_role("button", name="发送").click()
    two.get_by_text("我想改一下套餐").wait_for()
    two.get_by_label("回复客户").fill("好的，您想换成什么价位的套餐？")
    two.get_by_role("button", name="发送").click()
    second.get_by_text("什么价位").wait_for()
    first.get_by_label("输入消息").fill("是的，亮红灯")
    first.get_by_role("button", name="发送").click()
    one.get_by_text("是的，亮红灯").wait_for()
    # Each conversation stays in its own panel and reaches only its own customer.
    assert "我想改一下套餐" not in one.inner_text() and "亮红灯" not in two.inner_text()
    assert "什么价位" not in first.locator("#live-log").inner_text()
    desk.screenshot(path=screenshots / "30-agent-two-chats.png", full_page=True)
    first.screenshot(path=screenshots / "31-portal-live-chat-390.png", full_page=True)

    one.get_by_label("核心诉求").fill("宽带无法上网，光猫 LOS 红灯")
    one.get_by_role("button", name="建工单").click()
    one.locator(".chat-ticket", has_text="已关联工单").wait_for()
    one.get_by_role("button", name="结束会话").click()
    first.locator("#live-status", has_text="本次会话已结束").wait_for()
    one.wait_for(state="detached")
    second.get_by_role("button", name="结束会话").click()
    two.wait_for(state="detached")
    desk.get_by_text("暂无会话").wait_for()

    first.reload()  # the transcript survives a reload (it is in the database, not the page)
    assert "是的，亮红灯" in first.locator("#live-log").inner_text()
    with centre.sessions() as session:
        row = chat.latest_chat(session, centre.customer.subscriber.id)
        assert row.state == "ended" and row.ticket_id is not None


def test_a_robot_hand_over_arrives_at_the_agent_with_the_robot_conversation(centre, open_page, screenshots):
    desk = _agent_desk(open_page)
    _ready(desk)
    customer = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    portal_login(customer, centre, THIRD, "/portal/chat")
    customer.get_by_label("输入您的问题").fill("我的本月话费")
    customer.get_by_role("button", name="发送").click()
    customer.wait_for_function("document.querySelectorAll('.chat-turn').length >= 3")
    customer.wait_for_function("document.querySelector('#chat-text').value === ''")  # the form was reset
    customer.get_by_label("输入您的问题").fill("转人工")
    customer.get_by_role("button", name="发送").click()
    customer.get_by_role("link", name="进入人工会话").click()
    customer.wait_for_url(re.compile(r"/portal/livechat$"))
    assert "我的本月话费" in customer.locator("#live-log").inner_text()

    panel = _panel(desk, r"133\*\*\*\*5555")
    panel.get_by_text("机器人转人工").wait_for()
    log = panel.locator(".chat-log")
    log.get_by_text("我的本月话费").wait_for()
    assert "转人工" in log.inner_text() and "智能客服" in log.inner_text()
    panel.get_by_role("button", name="接入").click()
    customer.locator("#live-status", has_text="坐席已接入").wait_for()
    panel.get_by_label("回复客户").fill("您好，我看到您刚才在查话费，有什么疑问吗？")
    panel.get_by_role("button", name="发送").click()
    customer.get_by_text("刚才在查话费").wait_for()
    desk.screenshot(path=screenshots / "32-agent-robot-hand-over.png", full_page=True)


def test_a_page_that_is_not_logged_in_cannot_open_a_chat_socket(browser, centre):
    context = browser.new_context(base_url=centre.url, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/portal/login")
        outcome = page.evaluate("""path => new Promise(resolve => {
            const socket = new WebSocket(`ws://${location.host}${path}`);
            socket.onopen = () => resolve("opened");
            socket.onclose = event => resolve("closed " + event.code);
        })""", "/portal/livechat/ws")
        assert outcome.startswith("closed") and outcome != "closed 1000"
        desk = page.evaluate("""() => new Promise(resolve => {
            const socket = new WebSocket(`ws://${location.host}/chats/ws`);
            socket.onopen = () => resolve("opened");
            socket.onclose = event => resolve("closed " + event.code);
        })""")
        assert desk.startswith("closed")
        page.goto("/portal/livechat")
        assert "/portal/login" in page.url  # the page itself asks for a login
    finally:
        context.close()


def test_a_supervisor_without_a_seat_watches_the_live_chats_read_only(centre, open_page, screenshots):
    """赵强 (supervisor, no agent profile) opens 在线会话 and gets the monitor: who handles
    which chat, and a transcript, with nothing to act with."""
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto("/login")
    page.get_by_label("用户名").fill("boss.zhao")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/chats")
    page.wait_for_url(re.compile(r"/chats/monitor$"))
    talking = page.locator("#mon-talking-table")
    talking.get_by_text("李娜").wait_for()  # the robot hand-over chat taken in the test above
    assert page.locator("#desk").count() == 0 and page.get_by_role("button", name="接入").count() == 0
    page.screenshot(path=screenshots / "35-supervisor-chat-monitor.png", full_page=True)
    talking.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/chats/monitor/\d+$"))
    page.get_by_text("我的本月话费").first.wait_for()
    assert page.locator("form.chat-form, .chat-reply").count() == 0


def test_each_side_sees_the_other_typing_and_the_agent_sees_why_a_silent_chat_ended(centre, open_page, screenshots):
    """“对方正在输入…” both ways while keys are pressed, gone once the message is sent (its
    expiry a few seconds later is tested on the fixed clock in test_chat_upkeep_socket);
    a customer who stays silent is prompted, then the chat ends and the desk says why."""
    from datetime import timedelta

    from kefu.routing import chat_upkeep

    desk = _agent_desk(open_page)
    _ready(desk)
    customer = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    portal_login(customer, centre, centre.customer.number, "/portal/livechat")
    customer.get_by_role("button", name="联系人工客服").click()
    panel = _panel(desk, r"138\*\*\*\*8000")
    panel.get_by_role("button", name="接入").click()
    customer.locator("#live-status", has_text="坐席已接入").wait_for()

    typing_on_desk = panel.locator(".chat-typing")
    assert typing_on_desk.is_hidden()
    customer.get_by_label("输入消息").press_sequentially("我想查一下")
    typing_on_desk.wait_for(state="visible")
    assert typing_on_desk.inner_text() == "对方正在输入…"
    desk.screenshot(path=screenshots / "33-agent-sees-customer-typing.png", full_page=True)
    customer.get_by_role("button", name="发送").click()
    panel.get_by_text("我想查一下").wait_for()
    typing_on_desk.wait_for(state="hidden")  # sent: the indicator goes out at once
    assert "对方正在输入" not in panel.locator(".chat-log").inner_text()  # never a message

    typing_on_widget = customer.locator("#live-typing")
    assert typing_on_widget.is_hidden()
    panel.get_by_label("回复客户").press_sequentially("好的，请稍等")
    typing_on_widget.wait_for(state="visible")
    customer.screenshot(path=screenshots / "34-portal-sees-agent-typing-390.png", full_page=True)
    panel.get_by_role("button", name="发送").click()
    customer.get_by_text("好的，请稍等").wait_for()
    typing_on_widget.wait_for(state="hidden")

    # The customer says nothing more: the worker's job prompts, then ends the chat.
    for minutes in (5, 8):
        with centre.sessions() as session:
            chat_upkeep.scan(session, FIXED_NOW + timedelta(minutes=minutes))
            session.commit()
    customer.get_by_text("请问您还在吗").wait_for()
    customer.locator("#live-status", has_text="本次会话已结束").wait_for()
    panel.wait_for(state="detached")
    desk.locator("#desk-closed", has_text="客户长时间未回复，会话已自动结束").wait_for()
