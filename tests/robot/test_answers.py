"""The robot answering from the knowledge base and from the subscriber's own data."""

from __future__ import annotations

from sqlalchemy import select

from kefu.robot.models import Turn
from tests.factories.robot import (
    catalogue,
    curated_kb,
    heavy_user,
    staff_tester,
    start_chat,
    subscriber_principal,
)


def test_a_paraphrased_question_gets_the_published_answer(session, now):
    ids = curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    reply = chat.say("想转网到别家要啥条件")
    assert reply.type == "answer"
    assert reply.article_id == ids["怎么办理携号转网"]
    assert "CXXZ" in reply.text and reply.confidence and reply.confidence > 0


def test_when_unsure_it_offers_up_to_three_questions_and_a_human(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    reply = chat.say("去国外手机能用吗")
    assert reply.type == "unsure"
    assert "不太确定" in reply.text and "转人工" in reply.actions
    assert 1 <= len(reply.candidates) <= 3 and reply.candidates[0] == "国际漫游怎么开通"
    assert reply.article_id is None


def test_repeated_failures_hand_over(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    replies = [chat.say(text) for text in ("量子纠缠", "黑洞蒸发", "超弦理论")]
    assert [r.type for r in replies] == ["unsure", "unsure", "handover"]
    # Not logged in: the robot asks for a number to call back (tests/robot/test_handover_chat.py).
    assert replies[-1].status == "open" and "手机号码" in replies[-1].text


def test_the_logged_in_subscriber_gets_this_and_last_months_bill_with_lines(session, now):
    catalogue(session)
    subscriber = heavy_user(session, now=now)
    chat = start_chat(session, by=subscriber_principal(subscriber), now=now)
    this = chat.say("帮我查一下这个月的话费")
    assert this.type == "data" and this.intent == "bill"
    assert "2026年11月" in this.text and "59.00 元" in this.text and "未缴" in this.text
    last = chat.say("上个月的账单呢")
    assert "2026年10月" in last.text and "89.00 元" in last.text and "data_overage" in last.text


def test_usage_against_the_plan(session, now):
    catalogue(session)
    subscriber = heavy_user(session, now=now)
    chat = start_chat(session, by=subscriber_principal(subscriber), now=now)
    reply = chat.say("我的流量还剩多少")
    assert reply.intent == "usage"
    assert "已用 52.0 GB / 套餐内 30.0 GB" in reply.text and "已超出 22.0 GB" in reply.text


def test_another_persons_number_is_refused_and_nothing_leaks(session, now):
    catalogue(session)
    me = heavy_user(session, now=now)
    other = heavy_user(session, now=now, number="13912345678", data_gb=(1, 2, 3))
    chat = start_chat(session, by=subscriber_principal(me), now=now)
    reply = chat.say("帮我查一下13912345678的话费")
    assert reply.type == "refused"
    assert "隐私" in reply.text
    for leak in ("13912345678", "元", "GB", other.name, "2026年"):
        assert leak not in reply.text
    # Their own number is fine.
    mine = chat.say("查一下13800138000这个月的话费")
    assert mine.intent == "bill" and "59.00 元" in mine.text


def test_personal_questions_ask_an_anonymous_visitor_to_log_in(session, now):
    chat = start_chat(session, by=staff_tester(), now=now)
    reply = chat.say("我的本月话费是多少")
    assert reply.type == "login_required" and "登录" in reply.text


def test_empty_huge_and_html_messages_get_clear_answers(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    assert chat.say("   ").type == "invalid"
    long = chat.say("话费" * 5000)
    assert long.type == "invalid" and "10000 字" in long.text
    script = chat.say("<script>alert(1)</script>怎么查话费")
    assert script.type in ("answer", "unsure")
    stored = session.scalars(select(Turn.text).where(Turn.speaker == "customer").order_by(Turn.id.desc())).first()
    assert stored == "<script>alert(1)</script>怎么查话费"  # kept as typed; escaped when shown


def test_a_question_about_a_task_is_answered_and_the_task_offered(session, now):
    ids = curated_kb(session, now=now)
    catalogue(session)
    subscriber = heavy_user(session, now=now)
    chat = start_chat(session, by=subscriber_principal(subscriber), now=now)
    reply = chat.say("宽带坏了怎么报障")
    assert reply.type == "answer" and reply.article_id == ids["宽带怎么报修"]
    assert reply.candidates[0] == "我要报修"
    assert chat.say("我要报修").type == "question"
