"""In headless Chromium: an agent corrects a robot answer the customer thumbed down,
picking the right article by searching as she types, and the supervisor's robot figures
page counts the review in the answer accuracy and lists the question."""

from __future__ import annotations

import pytest

from kefu.robot import service
from kefu.robot.schemas import FeedbackIn
from tests.conftest import FIXED_NOW
from tests.factories.robot import curated_kb, staff_tester, start_chat
from tests.web.browser_logins import staff_login

pytestmark = pytest.mark.browser




def test_an_agent_corrects_a_robot_answer_and_the_figures_page_shows_it(open_page, live_server, screenshots):
    with live_server.sessions() as session:
        curated_kb(session, now=FIXED_NOW)
        chat = start_chat(session, by=staff_tester(), now=FIXED_NOW)
        reply = chat.say("宽带密码忘了怎么办")  # the robot answers with the mobile service password
        conversation = service.get(session, chat.conversation_id, by=staff_tester())
        service.feedback(session, conversation, FeedbackIn(turn_id=reply.turn_id, verdict="down"), now=FIXED_NOW)
        session.commit()

    page = open_page(viewport={"width": 1280, "height": 900})
    staff_login(page, "agent.li")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="机器人答案复核").click()
    card = page.locator(f"#answer-{reply.turn_id}")
    card.get_by_text("宽带密码忘了怎么办").wait_for()
    assert "怎么修改服务密码" in card.inner_text() and "客户点踩" in card.inner_text()
    card.get_by_label("错误", exact=True).check()
    card.get_by_label("查找正确的知识条目").fill("宽带报修")
    card.get_by_label("正确的知识条目", exact=True).locator("option", has_text="宽带怎么报修").wait_for(state="attached")
    card.get_by_label("正确的知识条目", exact=True).select_option(label="宽带怎么报修")
    card.get_by_role("button", name="提交复核").click()
    page.locator(f"#answer-{reply.turn_id} .review-done").wait_for()
    assert page.url.endswith("/robot/review")  # reviewed in place
    done = page.locator(f"#answer-{reply.turn_id} .review-done").inner_text()
    assert "已复核：错误" in done and "宽带怎么报修" in done
    page.screenshot(path=screenshots / "30-robot-answer-review.png", full_page=True)

    boss = open_page(viewport={"width": 1280, "height": 900})
    staff_login(boss, "boss.zhao")
    boss.get_by_role("navigation", name="主导航").get_by_role("link", name="机器人指标").click()
    accuracy = boss.locator("#accuracy")
    assert accuracy.locator('[data-count="reviewed-wrong"]').inner_text() == "1"
    assert "0.0%" in accuracy.inner_text()  # the one judged answer was wrong
    failed = boss.locator("#failed").inner_text()
    assert "宽带密码忘了怎么办" in failed
    boss.screenshot(path=screenshots / "31-robot-figures.png", full_page=True)
