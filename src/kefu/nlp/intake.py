"""Intake classification: category, root cause, department, emotion, urgency, keywords,
confidence, suggestions and the auto-dispatch decision for one text (or many at once).

    from kefu.nlp.intake import classify
    result = classify("宽带又断网了，第三次报修了！", context={"segment": "vip"})

`classify` uses the active model of `models_dir` (kefu nlp train) or, without one, the
packaged default model. Every result carries the model version that produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kefu.nlp import dispatch, emotion, keywords, rules, store
from kefu.nlp import text as textmod
from kefu.nlp.model import TrainedModel
from kefu.nlp.scoring import Scorer
from kefu.nlp.taxonomy import BY_CODE, DEFAULT_ROOT_CAUSE, OTHER, department_of

# How far the rules may move the model's distribution when they fire strongly (0.45 was
# best in 4-fold cross-validation on train.jsonl; no rules at all cost about 3 points).
RULES_MAX_SHARE = 0.45
# Below this the model is guessing ("测试", "123"): the text goes to `other`, which covers
# anything else; the suggestions still show the model's guesses.
LOW_CONFIDENCE = 0.25

_REJECTIONS = {
    "empty": ("内容为空，无法分类", "The text is empty"),
    "no_text": (
        "没有可识别的中文或英文文字（仅表情、符号或其他文字），请人工判断",
        "No Chinese or English words to classify (emoji, symbols or another script only)",
    ),
    "not_text": ("输入不是文本，无法分类", "The input is not text"),
    "binary": ("内容像是乱码或二进制数据，请人工判断", "The text looks like binary junk"),
}


@dataclass(frozen=True)
class Classification:
    category: str
    category_name: str
    root_cause: str
    department: str
    emotion: str
    emotion_intensity: float
    urgency: str
    urgency_score: float
    evidence: tuple[emotion.Evidence, ...]
    hint: str
    hint_en: str
    keywords: tuple[str, ...]
    confidence: float
    suggestions: tuple[dispatch.Suggestion, ...]
    auto_dispatch: bool  # True: decided by the machine, to be marked as such and reversible
    model_version: str
    rules_version: str
    rejected: str | None = None  # empty | no_text | binary | not_text — `other`, confidence 0
    rejection_message: str | None = None
    truncated: bool = False
    masked_text: str = ""  # normalised and masked: what analytics may store
    probabilities: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Classifier:
    """A loaded model plus rules; safe to share between threads (read-only)."""

    def __init__(
        self,
        trained: TrainedModel,
        ruleset: rules.RuleSet | None = None,
        *,
        auto_threshold: float = dispatch.DEFAULT_THRESHOLD,
    ) -> None:
        self.model = trained
        self.scorer = Scorer(trained)
        self.rules = ruleset or rules.packaged_rules()
        self.auto_threshold = auto_threshold

    @property
    def version(self) -> str:
        return self.model.version

    def classify(self, text: Any, *, context: Any = None) -> Classification:
        return self.classify_many([text], contexts=[context])[0]

    def classify_many(
        self, texts: Sequence[Any], *, contexts: Sequence[Any] | None = None
    ) -> list[Classification]:
        """Classifies several texts; results in the same order. The model scores the
        whole batch at once (kefu.nlp.scoring.Scorer.score_many)."""
        results: list[Classification | None] = []
        ctxs, preps, lowered, tokens, slots = [], [], [], [], []
        for i, raw in enumerate(texts):
            ctx = emotion.IntakeContext.of(contexts[i] if contexts else None)
            prep = textmod.prepare(raw)
            if prep.problem is not None:
                results.append(self._rejected(prep, ctx))
                continue
            low = prep.text.lower()
            slots.append(len(results))
            results.append(None)
            ctxs.append(ctx)
            preps.append(prep)
            lowered.append(low)
            tokens.append(textmod.segment(low))
        if slots:
            cat_p, rc_p, em_p = self.scorer.score_many(lowered, tokens)
            for k, slot in enumerate(slots):
                em = em_p[k] if em_p is not None else None
                results[slot] = self._one(preps[k], lowered[k], tokens[k], ctxs[k], cat_p[k], rc_p[k], em)
        return results  # type: ignore[return-value]  # every slot is filled above

    def _one(
        self,
        prep: textmod.Prepared,
        lowered: str,
        tokens: list[str],
        ctx: emotion.IntakeContext,
        model_p: dict[str, float],
        rc_model: dict[str, float],
        em_model: dict[str, float] | None,
    ) -> Classification:
        hits = self.rules.match(lowered)
        rule_dist, total = rules.distribution(hits)
        share = RULES_MAX_SHARE * rules.strength(total)
        probs = {c: (1 - share) * p + share * rule_dist.get(c, 0.0) for c, p in model_p.items()}
        category = max(probs, key=lambda c: probs[c])
        confidence = probs[category]
        if confidence < LOW_CONFIDENCE and not hits:
            category = OTHER
            confidence = probs.get(OTHER, 0.0)

        deciding = [h for h in hits if h.category == category]
        rule = self.rules.by_id(max(deciding, key=lambda h: h.score).rule_id) if deciding else None
        rc = dict(rc_model)
        if rule is not None and rule.root_cause:
            rc[rule.root_cause] = rc.get(rule.root_cause, 0.0) + 0.3
        root_cause = max(rc, key=lambda k: rc[k]) if rc else DEFAULT_ROOT_CAUSE
        department = (rule.department if rule and rule.department else None) or department_of(category)

        mood = emotion.assess(lowered, model_proba=em_model, context=ctx)
        evidence = list(mood.evidence)
        evidence.extend(
            emotion.Evidence("rule", f"规则 {h.rule_id} → {BY_CODE[h.category].name_zh}", h.words) for h in hits
        )
        decision = dispatch.decide(
            probs,
            threshold=self.auto_threshold,
            departments={category: department},
        )
        return Classification(
            category=category,
            category_name=BY_CODE[category].name_zh,
            root_cause=root_cause,
            department=department,
            emotion=mood.emotion,
            emotion_intensity=mood.intensity,
            urgency=mood.urgency,
            urgency_score=mood.urgency_score,
            evidence=tuple(evidence),
            hint=mood.hint,
            hint_en=mood.hint_en,
            keywords=tuple(keywords.keywords(tokens, self.model.idf)),
            confidence=round(float(confidence), 3),
            suggestions=decision.suggestions,
            # Never automatic when the unsure fallback to `other` overrode the model's ranking.
            auto_dispatch=decision.auto_dispatch and decision.suggestions[0].category == category,
            model_version=self.model.version,
            rules_version=self.rules.version,
            truncated=prep.truncated,
            masked_text=prep.text,
            probabilities={c: round(float(p), 4) for c, p in probs.items()},
        )

    def _rejected(self, prep: textmod.Prepared, ctx: emotion.IntakeContext) -> Classification:
        zh, en = _REJECTIONS[prep.problem or "empty"]
        mood = emotion.assess("", context=ctx)
        return Classification(
            category=OTHER,
            category_name=BY_CODE[OTHER].name_zh,
            root_cause=DEFAULT_ROOT_CAUSE,
            department=department_of(OTHER),
            emotion=mood.emotion,
            emotion_intensity=mood.intensity,
            urgency=mood.urgency,
            urgency_score=mood.urgency_score,
            evidence=mood.evidence,
            hint=zh,
            hint_en=en,
            keywords=(),
            confidence=0.0,
            suggestions=(dispatch.Suggestion(OTHER, department_of(OTHER), 0.0),),
            auto_dispatch=False,
            model_version=self.model.version,
            rules_version=self.rules.version,
            rejected=prep.problem,
            rejection_message=zh,
            truncated=prep.truncated,
            masked_text=prep.text,
        )


_classifiers: dict[tuple[str, str | None, float], Classifier] = {}


def get_classifier(
    models_dir: Path | str | None = None,
    *,
    rules_path: Path | str | None = None,
    auto_threshold: float = dispatch.DEFAULT_THRESHOLD,
) -> Classifier:
    """The classifier for an instance: the active model under `models_dir`
    (<instance>/models/nlp) and the rules file `rules_path` (default: nlp_rules.json in
    the instance directory, two levels above `models_dir`), else the packaged ones.
    Cached per model and rules version, so a newly activated version is picked up."""
    root = Path(models_dir) if models_dir is not None else None
    trained = store.current_model(root)
    if rules_path is None and root is not None:
        rules_path = root.parent.parent / "nlp_rules.json"
    ruleset = rules.load_rules(Path(rules_path) if rules_path is not None else None)
    key = (trained.version, ruleset.version, auto_threshold)
    if key not in _classifiers:
        _classifiers[key] = Classifier(trained, ruleset, auto_threshold=auto_threshold)
    return _classifiers[key]


def classify(
    text: str | bytes | None,
    *,
    context: emotion.IntakeContext | dict | None = None,
    models_dir: Path | str | None = None,
    rules_path: Path | str | None = None,
    auto_threshold: float = dispatch.DEFAULT_THRESHOLD,
) -> Classification:
    """Classifies one customer text. Never raises on bad text: empty, emoji-only or junk
    input comes back as `other` with confidence 0 and `rejected` set. Pass the instance's
    `models_dir` (kefu.nlp.store.models_dir(settings.instance_dir)) to use its trained
    model and edited rules; without it the packaged default model and rules apply."""
    return get_classifier(models_dir, rules_path=rules_path, auto_threshold=auto_threshold).classify(
        text, context=context
    )
