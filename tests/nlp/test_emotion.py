"""Emotion, urgency, evidence and the agent's hint."""

from __future__ import annotations

from kefu.nlp.emotion import IntakeContext, assess


def _kinds(mood):
    return {e.kind: e.words for e in mood.evidence}


def test_a_12315_threat_is_urgent_evidence():
    mood = assess("扣费的事再不解决我就去12315投诉你们")
    assert "12315" in _kinds(mood)["consumer_body"]
    assert mood.urgency in ("high", "urgent")
    assert "12315" in mood.hint


def test_a_porting_threat_weighs_more_than_a_porting_question():
    threat = assess("再不处理我就携号转网")
    question = assess("请问携号转网需要什么条件")
    assert "携号转网" in _kinds(threat)["leave"]
    assert "携号转网" in _kinds(question)["leave"]
    assert threat.urgency_score > question.urgency_score
    assert "离网" in threat.hint


def test_regulator_media_and_repeat_stack_up_to_urgent():
    mood = assess("第三次打电话了还没解决！！再不给说法我就找记者曝光，再去工信部申诉")
    kinds = _kinds(mood)
    assert {"regulator", "media", "repeat"} <= set(kinds)
    assert mood.urgency == "urgent"
    assert mood.emotion == "angry"


def test_angry_words_and_shouting_make_angry_with_an_intensity():
    mood = assess("垃圾电信！！！乱扣费，骗子")
    assert mood.emotion == "angry"
    assert 0.6 <= mood.intensity <= 1.0
    assert mood.hint.startswith("用户语气急躁，需优先安抚")


def test_anxious_customer_gets_a_time_limit_hint():
    mood = assess("手机停机了，急用，在线等，怎么办")
    assert mood.emotion == "anxious"
    assert "时限" in mood.hint


def test_a_calm_question_is_calm_and_normal():
    mood = assess("请问营业厅周末几点开门")
    assert (mood.emotion, mood.urgency) == ("calm", "normal")
    assert mood.intensity == 0.0


def test_context_raises_urgency_for_vip_government_enterprise_elderly_and_repeats():
    plain = assess("宽带断网了").urgency_score
    assert assess("宽带断网了", context=IntakeContext(segment="vip")).urgency_score > plain
    assert assess("宽带断网了", context=IntakeContext(segment="government_enterprise")).urgency_score > plain
    assert assess("宽带断网了", context=IntakeContext(age=78)).urgency_score > plain
    repeat = assess("宽带断网了", context=IntakeContext(prior_contacts=2))
    assert repeat.urgency_score > plain
    assert "重复来电" in repeat.hint


def test_elderly_words_are_evidence():
    mood = assess("我爸七十多了，老年机被扣了好多钱")
    assert "vulnerable" in _kinds(mood)


def test_context_accepts_a_plain_dict_and_ignores_unknown_keys():
    ctx = IntakeContext.of({"segment": "vip", "prior_contacts": 1, "favourite_colour": "red"})
    assert ctx.segment == "vip" and ctx.prior_contacts == 1
