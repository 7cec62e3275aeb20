"""Editable keyword/regex rules (pure). The project ships data/rules.json; an
administrator may put an edited copy in the instance directory (see `load_rules`).

A rule matches the normalised, simplified, lower-cased text: keywords as substrings,
patterns as regular expressions. Each match is evidence for the rule's category; the
scores become a distribution that `intake` blends with the learned model.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kefu.nlp.errors import BadRules
from kefu.nlp.taxonomy import CATEGORY_CODES, ROOT_CAUSES

# Each rule counts at most this many distinct hits: ten billing words do not outvote
# the model on their own.
MAX_HITS_PER_RULE = 3


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    weight: float
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    root_cause: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    category: str
    words: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str = "packaged"
    _keyword_re: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def match(self, text: str) -> list[RuleHit]:
        """Every rule that fires on `text` (already normalised and lower-cased)."""
        hits = []
        for rule in self.rules:
            words: list[str] = []
            kw = self._keyword_re.get(rule.id)
            if kw is not None:
                words.extend(dict.fromkeys(kw.findall(text)))
            for pattern in rule.patterns:
                found = pattern.search(text)
                if found:
                    words.append(found.group(0))
            if words:
                n = min(len(words), MAX_HITS_PER_RULE)
                hits.append(RuleHit(rule.id, rule.category, tuple(words[:6]), rule.weight * n))
        return hits

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def distribution(hits: list[RuleHit]) -> tuple[dict[str, float], float]:
    """Scores per category normalised to sum 1, and the total evidence strength."""
    scores: dict[str, float] = {}
    for hit in hits:
        scores[hit.category] = scores.get(hit.category, 0.0) + hit.score
    total = sum(scores.values())
    if total <= 0:
        return {}, 0.0
    return {c: s / total for c, s in scores.items()}, total


def strength(total: float) -> float:
    """How much the rules may weigh against the model, 0 … 1, saturating with evidence."""
    return 1.0 - math.exp(-total / 2.0)


def parse_rules(data: dict[str, Any], *, version: str = "custom") -> RuleSet:
    """Validates a rules document; raises BadRules naming the first problem."""
    raw = data.get("rules")
    if not isinstance(raw, list):
        raise BadRules("缺少 rules 列表", "the document has no 'rules' list")
    rules = []
    compiled: dict[str, re.Pattern[str]] = {}
    for i, item in enumerate(raw):
        where = f"#{i + 1} {item.get('id', '?') if isinstance(item, dict) else '?'}"
        if not isinstance(item, dict) or not item.get("id"):
            raise BadRules(f"规则 {where} 缺少 id", f"rule {where} has no id")
        category = item.get("category")
        if category not in CATEGORY_CODES:
            raise BadRules(f"规则 {where} 的类别 {category} 不存在", f"rule {where}: unknown category {category}")
        root_cause = item.get("root_cause")
        if root_cause is not None and root_cause not in ROOT_CAUSES:
            raise BadRules(f"规则 {where} 的根因 {root_cause} 不存在", f"rule {where}: unknown root cause {root_cause}")
        keywords = tuple(str(k).lower() for k in item.get("keywords", []) if str(k).strip())
        try:
            patterns = tuple(re.compile(str(p), re.IGNORECASE) for p in item.get("patterns", []))
        except re.error as exc:
            raise BadRules(f"规则 {where} 的正则表达式有误：{exc}", f"rule {where}: bad regular expression: {exc}") from None
        rule = Rule(
            id=str(item["id"]),
            category=category,
            weight=float(item.get("weight", 1.0)),
            keywords=keywords,
            patterns=patterns,
            root_cause=root_cause,
            department=item.get("department"),
        )
        rules.append(rule)
        if keywords:
            # Longest first so "携号转网" wins over "转网" inside one alternation.
            ordered = sorted(keywords, key=len, reverse=True)
            compiled[rule.id] = re.compile("|".join(re.escape(k) for k in ordered))
    return RuleSet(tuple(rules), version=version, _keyword_re=compiled)


def packaged_rules_text() -> str:
    return resources.files("kefu.nlp").joinpath("data", "rules.json").read_text(encoding="utf-8")


@cache
def packaged_rules() -> RuleSet:
    data = json.loads(packaged_rules_text())
    return parse_rules(data, version=f"packaged-{data.get('version', 1)}")


_parsed: dict[tuple[Path, int], RuleSet] = {}


def load_rules(path: Path | None) -> RuleSet:
    """The administrator's rules file if it exists, else the packaged rules. A file is
    parsed once per modification time, so an edit takes effect on the next call."""
    if path is None:
        return packaged_rules()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return packaged_rules()
    key = (path, mtime)
    if key not in _parsed:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRules(f"规则文件 {path} 无法读取：{exc}", f"cannot read rules file {path}: {exc}") from None
        _parsed[key] = parse_rules(data, version=f"file-{mtime // 1_000_000_000}")
    return _parsed[key]
