"""A fast scorer equivalent to the fitted sklearn pipeline for one text at a time.

sklearn's transform/predict_proba cost about a millisecond per call in validation and
sparse-matrix plumbing, which dominates single-text classification. This scorer keeps
the fitted vocabularies, idf weights and coefficients and computes the same TF-IDF
(sublinear tf, l2 per vectorizer) and softmax with dictionaries and small numpy arrays.
tests/nlp/test_model.py checks it against sklearn's own predict_proba.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from kefu.nlp.features import Featurizer, word_analyzer
from kefu.nlp.model import Head, TrainedModel


class _Vectorizer:
    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, offset: int) -> None:
        # term → column in the stacked matrix; idf by that same column.
        self.table = {t: j + offset for t, j in vocabulary.items()}
        self.offset = offset
        self.idf = idf.astype(np.float64)

    def features(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(terms)
        pairs = [(j, c) for j, c in zip(map(self.table.get, counts), counts.values(), strict=True) if j is not None]
        if not pairs:
            return _EMPTY_I, _EMPTY_F
        cols, tf = np.array(pairs, dtype=np.int64).T
        vals = (1.0 + np.log(tf)) * self.idf[cols - self.offset]
        return cols, vals / np.sqrt(vals @ vals)


_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


class _Head:
    def __init__(self, head: Head, start: int) -> None:
        self.labels = head.labels
        coef = np.asarray(head.clf.coef_, dtype=np.float64)
        self.binary = coef.shape[0] == 1
        self.coef = coef
        self.intercept_list = np.asarray(head.clf.intercept_, dtype=np.float64).tolist()
        self.columns = slice(start, start + coef.shape[0])

    def proba(self, z_all: list[float]) -> dict[str, float]:
        # Plain floats: for ten classes Python's math beats numpy's per-call overhead.
        z = [a + b for a, b in zip(z_all[self.columns], self.intercept_list, strict=True)]
        if self.binary:
            p1 = 1.0 / (1.0 + math.exp(-z[0]))
            return dict(zip(self.labels, (1.0 - p1, p1), strict=True))
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {label: v / total for label, v in zip(self.labels, e, strict=True)}


class Scorer:
    def __init__(self, trained: TrainedModel) -> None:
        feats: Featurizer = trained.featurizer
        words, chars = feats.words, feats.chars
        self.words = _Vectorizer(words.vocabulary_, words.idf_, 0)
        self.chars = _Vectorizer(chars.vocabulary_, chars.idf_, len(words.vocabulary_))
        lo, hi = chars.ngram_range
        self.ngram_range = (lo, hi)
        self.category = _Head(trained.category, 0)
        start = self.category.coef.shape[0]
        self.root_cause = _Head(trained.root_cause, start) if trained.root_cause else None
        start += self.root_cause.coef.shape[0] if self.root_cause else 0
        self.emotion = _Head(trained.emotion, start) if trained.emotion else None
        heads = [h for h in (self.category, self.root_cause, self.emotion) if h is not None]
        # All heads' coefficients side by side: one gather and one product per text.
        self.weights = np.ascontiguousarray(np.hstack([h.coef.T for h in heads]))
        self.n_outputs = self.weights.shape[1]

    def _char_ngrams(self, text: str) -> list[str]:
        text = " ".join(text.split())  # sklearn's char analyzer collapses whitespace
        lo, hi = self.ngram_range
        length = len(text)
        return [text[i : i + n] for n in range(lo, hi + 1) for i in range(length - n + 1)]

    def score(self, text: str, tokens: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, float] | None]:
        """Category, root-cause and emotion probabilities for one lower-cased text."""
        wi, wv = self.words.features(word_analyzer(tokens))
        ci, cv = self.chars.features(self._char_ngrams(text))
        idx, vals = np.concatenate((wi, ci)), np.concatenate((wv, cv))
        z = (vals @ self.weights[idx]).tolist() if idx.size else [0.0] * self.n_outputs
        category = self.category.proba(z)
        root_cause = self.root_cause.proba(z) if self.root_cause else {}
        emotion = self.emotion.proba(z) if self.emotion else None
        return category, root_cause, emotion
