"""The learned model: measured on the held-out examples training never sees."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest

from kefu.nlp import model
from kefu.nlp.evaluation import evaluate
from kefu.nlp.scoring import Scorer
from kefu.nlp.taxonomy import CATEGORY_CODES


def test_heldout_examples_never_appear_in_training():
    train = {e["text"] for e in model.packaged_examples("train.jsonl")}
    heldout = [e["text"] for e in model.packaged_examples("heldout.jsonl")]
    assert heldout and not train.intersection(heldout)


def test_shipped_examples_cover_every_category_generously():
    counts = Counter(e["category"] for e in model.packaged_examples("train.jsonl"))
    assert set(counts) == set(CATEGORY_CODES)
    assert min(counts.values()) >= 60


def test_model_beats_the_majority_baseline_on_heldout_by_a_real_margin(classifier):
    rows = model.packaged_examples("heldout.jsonl")
    truth = [r["category"] for r in rows]
    majority = Counter(e["category"] for e in model.packaged_examples("train.jsonl")).most_common(1)[0][0]
    baseline = evaluate(truth, [majority] * len(truth), labels=list(CATEGORY_CODES))
    ours = evaluate(truth, [c.category for c in classifier.classify_many([r["text"] for r in rows])])
    # Measured 0.85 accuracy / 0.85 macro-F1 when written; the majority baseline scores ~0.12 / 0.02.
    assert ours.accuracy >= 0.65
    assert ours.macro_f1 >= 0.6
    assert ours.macro_f1 - baseline.macro_f1 >= 0.5


def test_root_cause_and_emotion_heads_beat_their_majority_baselines(classifier):
    rows = model.packaged_examples("heldout.jsonl")
    results = classifier.classify_many([r["text"] for r in rows])
    for field in ("root_cause", "emotion"):
        truth = [r[field] for r in rows]
        majority_share = Counter(truth).most_common(1)[0][1] / len(truth)
        accuracy = sum(t == getattr(x, field) for t, x in zip(truth, results, strict=True)) / len(truth)
        assert accuracy >= majority_share + 0.1, field


def test_the_fast_scorer_matches_sklearn(classifier):
    trained = classifier.model
    texts, tokens = model.analyse(["宽带断网三天了没人修", "没同意就给我开了彩铃！！", "请问营业厅几点开门"])
    x = trained.featurizer.transform(texts, tokens)
    expected = trained.category.proba(x)
    scorer = Scorer(trained)
    for row, (t, tok) in enumerate(zip(texts, tokens, strict=True)):
        got = scorer.score(t, tok)[0]
        assert np.allclose([got[c] for c in trained.category.labels], expected[row], atol=1e-4)


def test_the_batch_scorer_matches_sklearn_for_every_head(classifier):
    # score_many counts character n-grams of the whole batch at once: texts must not
    # bleed into each other (bigrams across a boundary), whatever their lengths.
    trained = classifier.model
    raw = [r["text"] for r in model.packaged_examples("heldout.jsonl")]
    raw += ["a", "断", "  宽带  \t 断网 ", "5G WiFi 10086 @中国电信 ！！"]
    texts, tokens = model.analyse(raw)
    x = trained.featurizer.transform(texts, tokens)
    category, root_cause, emotion = Scorer(trained).score_many(texts, tokens)
    for head, got in ((trained.category, category), (trained.root_cause, root_cause), (trained.emotion, emotion)):
        assert head is not None and got is not None
        expected = head.proba(x)
        assert np.allclose([[row[c] for c in head.labels] for row in got], expected, atol=1e-4)


def test_training_is_deterministic_and_fast():
    examples = model.packaged_examples()[:200]
    now = datetime(2026, 11, 20, tzinfo=UTC)
    a = model.train(examples, version="a", now=now)
    b = model.train(examples, version="b", now=now)
    assert np.allclose(a.category.clf.coef_, b.category.clf.coef_)


def test_training_needs_two_categories():
    from kefu.nlp.errors import BadTrainingData

    with pytest.raises(BadTrainingData):
        model.train([{"text": "话费多扣", "category": "billing"}], version="x", now=datetime.now(UTC))


def test_bad_example_lines_name_the_line():
    from kefu.nlp.errors import BadTrainingData

    with pytest.raises(BadTrainingData) as caught:
        model.read_examples('{"text": "a", "category": "billing"}\n{"text": "b", "category": "x"}\n', source="f")
    assert "line 2" in caught.value.en
