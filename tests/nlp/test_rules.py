"""Editable rules: matching, validation, the administrator's file."""

from __future__ import annotations

import json

import pytest

from kefu.nlp import rules
from kefu.nlp.errors import BadRules


def test_packaged_rules_cover_every_category_but_other_with_evidence_words():
    ruleset = rules.packaged_rules()
    assert {r.category for r in ruleset.rules} >= {
        "billing", "vas", "mobile_network", "broadband", "plan", "account", "payment", "marketing", "attitude",
    }
    hits = ruleset.match("没经过我同意就开了视频会员，每月扣15块")
    assert any(h.category == "vas" and "视频会员" in h.words for h in hits)


def test_longer_keyword_wins_inside_one_rule():
    hits = rules.packaged_rules().match("我要携号转网")
    account = next(h for h in hits if h.category == "account")
    assert "携号转网" in account.words


def test_distribution_sums_to_one_and_strength_grows_with_evidence():
    hits = rules.packaged_rules().match("宽带断网，光猫红灯，装维师傅没来")
    dist, total = rules.distribution(hits)
    assert dist["broadband"] == max(dist.values())
    assert abs(sum(dist.values()) - 1) < 1e-9
    assert 0 < rules.strength(1.0) < rules.strength(total) < 1


def test_no_hit_gives_no_distribution():
    assert rules.distribution(rules.packaged_rules().match("今天天气不错")) == ({}, 0.0)


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({}, "rules"),
        ({"rules": [{"category": "billing"}]}, "id"),
        ({"rules": [{"id": "x", "category": "nonsense"}]}, "nonsense"),
        ({"rules": [{"id": "x", "category": "billing", "patterns": ["(unclosed"]}]}, "regular expression"),
        ({"rules": [{"id": "x", "category": "billing", "root_cause": "bad"}]}, "bad"),
    ],
)
def test_bad_rule_documents_are_refused_with_a_reason(document, fragment):
    with pytest.raises(BadRules) as caught:
        rules.parse_rules(document)
    assert fragment in caught.value.en


def test_an_administrators_rules_file_replaces_the_packaged_rules(tmp_path):
    path = tmp_path / "nlp_rules.json"
    path.write_text(json.dumps({"rules": [{"id": "ftth", "category": "broadband", "keywords": ["FTTH"]}]}), encoding="utf-8")
    ruleset = rules.load_rules(path)
    assert ruleset.version.startswith("file-")
    assert [h.rule_id for h in ruleset.match("ftth 不通")] == ["ftth"]
    assert rules.load_rules(tmp_path / "missing.json") is rules.packaged_rules()


def test_an_unreadable_rules_file_is_a_clear_error(tmp_path):
    path = tmp_path / "nlp_rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BadRules):
        rules.load_rules(path)
