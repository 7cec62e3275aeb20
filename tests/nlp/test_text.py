"""The text pipeline: normalisation, truncation, junk detection, masking, segmentation."""

from __future__ import annotations

import json
import random

import jieba

from kefu.nlp import text


def test_full_width_becomes_half_width_and_traditional_becomes_simplified():
    assert text.normalise("寬帶斷網，ＷｉＦｉ連不上，打１００００") == "宽带断网,WiFi连不上,打10000"


def test_control_characters_and_runs_of_spaces_are_cleaned():
    assert text.normalise("  话费\x00\x07多扣了\u200b  \n\t 二十块 ") == "话费 多扣了 二十块"


def test_phone_id_and_bank_card_numbers_are_masked_before_storage():
    prepared = text.prepare("我的号码13812345678，身份证440105198001011234，银行卡6222021234567890123")
    assert "13812345678" not in prepared.text
    assert "138****5678" in prepared.text
    assert "440105198001011234" not in prepared.text
    assert "6222021234567890123" not in prepared.text


def test_service_numbers_are_not_masked():
    assert "10000" in text.prepare("打了三次10000都没人接，要去12315").text
    assert "12315" in text.prepare("打了三次10000都没人接，要去12315").text


def test_telecom_terms_stay_whole_words():
    words = text.segment("我要携号转网，副卡彩铃流量包都退掉，光猫坏了，达量降速太坑，5g和wifi都不行，iptv也卡")
    for term in ("携号转网", "副卡", "彩铃", "流量包", "光猫", "达量降速", "5g", "wifi", "iptv"):
        assert term in words, term


def _jieba_words(lowered: str) -> list[str]:
    return [w for w in text.tokenizer().cut(lowered, HMM=False) if text._TOKEN_OK.search(w)]


def test_segment_gives_exactly_the_words_of_jieba_without_hmm():
    # segment runs on jieba-rs for speed; the model was trained on jieba's words.
    samples = [
        json.loads(line)["text"]
        for name in ("heldout.jsonl", "train.jsonl")
        for line in text._data(name).splitlines()
        if line.strip()
    ]
    samples += ["ABC12 x y 5G…鿿 \r\n-+ 3.5% c++ 100m宽带", "携号转网携号转网", "a", "", "——", "第n次"]
    samples += ["㐀㐁宽带鿖鿗断网", "𠀀𠀁宽带", "a.b-c_d", "e-mail和c#和f&b", "..5g", "-5g", "%流量", "한국어宽带"]
    for sample in samples:
        lowered = text.prepare(sample).text.lower()
        assert text.segment(lowered) == _jieba_words(lowered), sample


def test_segment_agrees_with_jieba_on_complaints_with_stray_symbols_and_scripts():
    rnd = random.Random(5)
    stray = list("宽带断网流量包副卡携号转网的了是abcXYZ059 .-_%+#&@!！？，。\t鿿㐀𠀀") + ["\r\n"]
    complaints = [json.loads(line)["text"] for line in text._data("train.jsonl").splitlines() if line.strip()]
    for _ in range(2000):
        sample = rnd.choice(complaints)
        cut = rnd.randint(0, len(sample))
        noisy = sample[:cut] + "".join(rnd.choice(stray) for _ in range(6)) + sample[cut:]
        lowered = noisy.lower()
        assert text.segment(lowered) == _jieba_words(lowered), noisy


def test_the_telecom_dictionary_does_not_leak_into_the_global_jieba():
    text.segment("携号转网")
    assert "达量降速" not in jieba.lcut("达量降速", HMM=False)


def test_empty_emoji_and_binary_inputs_are_flagged_not_raised():
    assert text.prepare("").problem == "empty"
    assert text.prepare(None).problem == "empty"
    assert text.prepare("   \n ").problem == "empty"
    assert text.prepare("😡😡😡👎").problem == "no_text"
    assert text.prepare("！！？？。。").problem == "no_text"
    assert text.prepare("@中国电信").problem == "no_text"
    assert text.prepare(bytes(range(256)) * 4).problem == "binary"
    assert text.prepare("\x00\x01\x02\x03" * 50).problem == "binary"


def test_a_huge_paste_is_cut_to_head_and_tail():
    prepared = text.prepare("宽带断网" * 25_000)
    assert prepared.original_length == 100_000
    assert prepared.truncated
    assert len(prepared.text) <= text.MAX_CHARS + 5


def test_keywords_skip_stopwords_single_characters_and_junk_runs():
    words = text.content_words(text.segment("我 的 宽带 了 " + "a" * 40 + " 10000 123"))
    assert words == ["宽带", "10000"]
