"""classify(): every field, bad input never crashes, the model version is recorded."""

from __future__ import annotations

import pytest

from kefu.nlp import intake
from kefu.nlp.taxonomy import CATEGORY_CODES, DEPARTMENTS, EMOTIONS, ROOT_CAUSES, URGENCIES


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我家宽带天天断网，光猫一直亮红灯，报修三天了没人上门", "broadband"),
        ("从来没订过什么视频会员，每个月扣我15块，谁给我开的", "vas"),
        ("小区里手机一点信号都没有，打电话老掉线", "mobile_network"),
        ("每天都接到推销宽带的电话，说了不要还一直打", "marketing"),
        ("充了100块话费两个小时还没到账", "payment"),
    ],
)
def test_clear_complaints_land_in_their_category(classifier, text, category):
    assert classifier.classify(text).category == category


def test_a_result_carries_every_field_with_valid_values(classifier):
    result = classifier.classify("@中国电信 第三次投诉了！宽带断网一周没人修，再不解决我就去工信部申诉")
    assert result.category in CATEGORY_CODES
    assert result.root_cause in ROOT_CAUSES
    assert result.department in DEPARTMENTS
    assert result.emotion in EMOTIONS
    assert result.urgency in URGENCIES
    assert 0 <= result.emotion_intensity <= 1 and 0 <= result.urgency_score <= 1
    assert 0 < result.confidence <= 1
    assert result.keywords and "宽带" in result.keywords
    assert 1 <= len(result.suggestions) <= 3
    assert result.suggestions[0].category == result.category
    assert result.model_version == classifier.model.version
    assert any(e.kind == "regulator" for e in result.evidence)
    assert result.hint
    assert result.to_dict()["model_version"] == result.model_version


def test_department_follows_the_taxonomy(classifier):
    assert classifier.classify("宽带断网了，光猫亮红灯").department == "installation"
    assert classifier.classify("话费账单多扣了五十块").department == "billing"


def test_auto_dispatch_only_above_the_threshold():
    text = "宽带断网了，光猫亮红灯，报修没人来"
    loose = intake.Classifier(intake.store.default_model(), auto_threshold=0.05)
    confidence = loose.classify(text).confidence
    strict = intake.Classifier(intake.store.default_model(), auto_threshold=confidence + 0.001)
    assert loose.classify(text).auto_dispatch
    assert not strict.classify(text).auto_dispatch


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("     ", "empty"),
        ("😡😡😡😭😭", "no_text"),
        ("？？？！！！", "no_text"),
        (b"\x00\xff\xfe\x01\x02\x03" * 100, "binary"),
        ("\x00\x01\x02\x03\x04\x05" * 100, "binary"),
        ("ΩΨΦ Привет", "no_text"),
        (12345, "not_text"),
        (["宽带"], "not_text"),
    ],
)
def test_unusable_input_is_other_with_zero_confidence_and_a_reason(classifier, raw, reason):
    result = classifier.classify(raw)
    assert (result.category, result.confidence, result.rejected) == ("other", 0.0, reason)
    assert not result.auto_dispatch
    assert result.rejection_message


def test_a_100000_character_paste_is_truncated_not_fatal(classifier):
    result = classifier.classify("我家宽带天天断网，" + "啊" * 99_990)
    assert result.truncated
    assert result.category in CATEGORY_CODES


def test_mixed_scripts_and_gibberish_are_classified_without_error(classifier):
    for text in ("Привет мир, 宽带 не работает", "asdfghjkl qwerty 12345", "ｷﾀ━━(ﾟ∀ﾟ)━━!!", "宽带\ud800断网", "\u202e宽带断网"):
        result = classifier.classify(text)
        assert result.category in CATEGORY_CODES
        assert 0 <= result.confidence <= 1


def test_phone_numbers_never_reach_the_stored_text(classifier):
    result = classifier.classify("我的号码13812345678被乱扣费了")
    assert "13812345678" not in result.masked_text
    assert not any("13812345678" in k for k in result.keywords)


def test_batch_and_single_classification_agree(classifier):
    texts = ["宽带断网", "", "话费多扣了", "😀"]
    batch = classifier.classify_many(texts)
    assert [r.category for r in batch] == [classifier.classify(t).category for t in texts]


def test_module_level_classify_uses_an_instance_model_dir_when_given(tmp_path):
    result = intake.classify("宽带断网了", models_dir=tmp_path / "models" / "nlp")
    assert result.model_version.startswith("default-")  # nothing trained there yet


def test_an_edited_rules_file_is_used_and_shown_as_evidence(tmp_path):
    import json

    path = tmp_path / "nlp_rules.json"
    path.write_text(
        json.dumps({"rules": [{"id": "pon-fault", "category": "broadband", "weight": 3, "keywords": ["pon口"]}]}),
        encoding="utf-8",
    )
    result = intake.classify("PON口一直闪", rules_path=path)
    assert result.rules_version.startswith("file-")
    assert any(e.kind == "rule" and "pon口" in e.words for e in result.evidence)
    assert result.category == "broadband"
