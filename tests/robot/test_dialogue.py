"""The pure rules: intents, fault slots, plan preferences, the percentile of usage."""

from __future__ import annotations

import pytest

from kefu.robot import dialogue, recommend


@pytest.mark.parametrize(("text", "intent"), [
    ("我的本月话费", "bill"),
    ("上个月的话费", "bill"),
    ("帮我查一下这个月的账单", "bill"),
    ("怎么查话费", "faq"),  # how to: the knowledge base
    ("我的流量还剩多少", "usage"),
    ("剩余流量下个月还能用吗", "faq"),
    ("我现在是什么套餐", "usage"),
    ("我想要流量多一点又有宽带的套餐", "recommend"),
    ("推荐个套餐", "recommend"),
    ("家里网络坏了", "fault"),
    ("宽带报修", "fault"),
    ("宽带报修后多久上门", "faq"),
    ("光猫坏了要自己买吗", "faq"),
    ("我的工单进度", "progress"),
    ("TS20261120000001 处理到哪了", "progress"),
    ("转人工", "handover"),
    ("人工", "handover"),
    ("帮我查一下13912345678的话费", "other_number"),
    ("查下 139 1234 5678 这个号", "other_number"),
    ("帮我查下我老婆的话费", "other_number"),
    ("查一下440105198001011234名下的账单", "other_number"),
    ("谢谢", "thanks"),
    ("携号转网要什么条件", "faq"),
])
def test_intents(text, intent):
    assert dialogue.detect(text).intent == intent


def test_a_task_in_progress_keeps_the_floor_until_cancelled_or_replaced():
    assert dialogue.detect("昨天晚上", task="fault").intent == "fault"
    assert dialogue.detect("算了", task="fault").intent == "cancel"
    assert dialogue.detect("我的本月话费", task="fault").intent == "bill"


def test_fault_slots_fill_from_what_is_said_and_what_is_asked():
    slots = dialogue.fill_fault({}, "宽带从昨天开始上不了网", asking=None, district="福田区")
    assert slots == {"kind": "broadband", "since": "宽带从昨天开始上不了网"}
    assert dialogue.next_fault_slot(slots) == "address"
    slots = dialogue.fill_fault(slots, "不是", asking="address", district="福田区")
    assert dialogue.next_fault_slot(slots) == "address" and "详细地址" in dialogue.fault_question(
        "address", slots, district="福田区")
    slots = dialogue.fill_fault(slots, "南山区科技园一路8号", asking="address", district="福田区")
    assert slots["address"] == "南山区科技园一路8号"


def test_plan_preferences():
    prefs = dialogue.plan_preferences("我想要流量多一点又有宽带的套餐，100元以内", {})
    assert prefs == {"broadband": True, "budget_fen": 10000, "more_data": True}
    assert dialogue.plan_preferences("不要宽带", {"broadband": True})["broadband"] is False
    assert not dialogue.preferences_clear(dialogue.plan_preferences("推荐个套餐", {}))


def test_percentile_is_linear_like_numpy():
    assert recommend.percentile([38, 45, 52], 0.9) == pytest.approx(50.6)
    assert recommend.percentile([7], 0.9) == 7
    assert recommend.percentile([], 0.9) == 0
