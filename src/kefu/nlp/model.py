"""The learned model: one featurizer and three heads (category, root cause, emotion),
logistic regression with probabilities. Training takes seconds on the shipped examples.

Examples are dicts {"text", "category", "root_cause"?, "emotion"?}; root cause and
emotion heads learn only from the examples that carry those labels.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import jieba
import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from kefu.nlp import text as textmod
from kefu.nlp.errors import BadTrainingData
from kefu.nlp.features import Featurizer
from kefu.nlp.taxonomy import CATEGORY_CODES, EMOTIONS, ROOT_CAUSES

# Bump when features or heads change so cached default models are rebuilt.
MODEL_FORMAT = 4
# Words rarer than this in jieba's corpus are not kept: unknown words get DEFAULT_IDF.
_IDF_KEEP_BELOW = 9.0
DEFAULT_IDF = 10.5


@dataclass
class Head:
    labels: list[str]
    clf: LogisticRegression

    def proba(self, x: Any) -> np.ndarray:
        return self.clf.predict_proba(x)


@dataclass
class TrainedModel:
    version: str
    trained_at: str
    n_examples: int
    featurizer: Featurizer
    category: Head
    root_cause: Head | None
    emotion: Head | None
    idf: dict[str, float] = field(default_factory=dict)
    format: int = MODEL_FORMAT
    notes: dict[str, Any] = field(default_factory=dict)


def read_examples(raw: str, *, source: str) -> list[dict[str, Any]]:
    """Parses JSON lines of examples; raises BadTrainingData naming the first bad line."""
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise BadTrainingData(f"{source} 第 {number} 行不是 JSON", f"{source} line {number} is not JSON") from None
        if not isinstance(row, dict) or not str(row.get("text", "")).strip():
            raise BadTrainingData(f"{source} 第 {number} 行缺少 text", f"{source} line {number} has no text")
        if row.get("category") not in CATEGORY_CODES:
            raise BadTrainingData(
                f"{source} 第 {number} 行类别无效：{row.get('category')}",
                f"{source} line {number} has an unknown category {row.get('category')!r}",
            )
        rows.append(row)
    return rows


@cache
def packaged_raw(name: str) -> str:
    return resources.files("kefu.nlp").joinpath("data", name).read_text(encoding="utf-8")


def packaged_examples(name: str = "train.jsonl") -> list[dict[str, Any]]:
    return read_examples(packaged_raw(name), source=name)


@cache
def packaged_fingerprint() -> str:
    """Changes whenever the packaged examples, dictionary or model format change."""
    digest = hashlib.sha1(f"format-{MODEL_FORMAT}".encode())
    for name in ("train.jsonl", "telecom_dict.txt", "stopwords.txt"):
        digest.update(packaged_raw(name).encode("utf-8"))
    return digest.hexdigest()[:10]


def analyse(raw_texts: list[str]) -> tuple[list[str], list[list[str]]]:
    """Normalised lower-cased texts and their tokens, the model's two inputs."""
    texts, tokens = [], []
    for raw in raw_texts:
        prepared = textmod.prepare(raw).text.lower()
        texts.append(prepared)
        tokens.append(textmod.segment(prepared))
    return texts, tokens


def _head(x: Any, labels: list[str], allowed: list[str]) -> Head | None:
    present = sorted(set(labels))
    if len(present) < 2:
        return None
    # C chosen by 4-fold cross-validation on train.jsonl (5, 20 and 60 score alike); the
    # smallest keeps probabilities least over-confident, which auto-dispatch relies on.
    clf = LogisticRegression(C=5.0, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels)
    order = [str(c) for c in clf.classes_]  # plain str, not numpy.str_: results go to JSON
    assert set(order) <= set(allowed)
    return Head(labels=list(order), clf=clf)


def _jieba_idf() -> dict[str, float]:
    path = os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")
    kept = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.rstrip().partition(" ")
            if value and float(value) < _IDF_KEEP_BELOW:
                kept[word] = float(value)
    return kept


def train(examples: list[dict[str, Any]], *, version: str, now: datetime) -> TrainedModel:
    """Fits the featurizer and the three heads. Deterministic for the same examples."""
    if len({e["category"] for e in examples}) < 2:
        raise BadTrainingData("至少需要两个类别的样本", "examples of at least two categories are needed")
    # One BLAS thread: on small problems extra threads only spin (5x the CPU, slower).
    with threadpool_limits(1):
        return _train(examples, version=version, now=now)


def _train(examples: list[dict[str, Any]], *, version: str, now: datetime) -> TrainedModel:
    texts, tokens = analyse([e["text"] for e in examples])
    featurizer = Featurizer()
    x = featurizer.fit_transform(texts, tokens)
    category = _head(x, [e["category"] for e in examples], list(CATEGORY_CODES))
    assert category is not None
    rc_rows = [i for i, e in enumerate(examples) if e.get("root_cause") in ROOT_CAUSES]
    em_rows = [i for i, e in enumerate(examples) if e.get("emotion") in EMOTIONS]
    root_cause = _head(x[rc_rows], [examples[i]["root_cause"] for i in rc_rows], list(ROOT_CAUSES)) if rc_rows else None
    emotion = _head(x[em_rows], [examples[i]["emotion"] for i in em_rows], list(EMOTIONS)) if em_rows else None
    return TrainedModel(
        version=version,
        trained_at=now.isoformat(),
        n_examples=len(examples),
        featurizer=featurizer,
        category=category,
        root_cause=root_cause,
        emotion=emotion,
        idf=_jieba_idf(),
    )
