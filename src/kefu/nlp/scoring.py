"""A fast scorer equivalent to the fitted sklearn pipeline, for one text or a batch.

sklearn's transform/predict_proba cost about a millisecond per call in validation and
sparse-matrix plumbing, which dominates single-text classification. This scorer keeps
the fitted vocabularies, idf weights and coefficients and computes the same TF-IDF
(sublinear tf, l2 per vectorizer) and softmax with Counter/dict lookups per text and a
few numpy operations per batch.
tests/nlp/test_model.py checks it against sklearn's own predict_proba.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import repeat
from operator import add

import numpy as np

from kefu.nlp.features import Featurizer
from kefu.nlp.model import Head, TrainedModel

_LabelDicts = tuple[list[dict[str, float]], list[dict[str, float]], list[dict[str, float]] | None]


class _Head:
    def __init__(self, head: Head, start: int) -> None:
        self.labels = head.labels
        coef = np.asarray(head.clf.coef_, dtype=np.float64)
        self.binary = coef.shape[0] == 1
        self.coef = coef
        self.intercept = np.asarray(head.clf.intercept_, dtype=np.float64)
        self.intercept_list = self.intercept.tolist()
        self.columns = slice(start, start + coef.shape[0])

    def proba(self, z_all: np.ndarray) -> list[dict[str, float]]:
        """One {label: probability} per row of the stacked decision values."""
        if z_all.shape[0] == 1:
            return [self._proba_row(z_all[0, self.columns].tolist())]
        z = z_all[:, self.columns] + self.intercept
        if self.binary:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            p = np.column_stack((1.0 - p1, p1))
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
        labels = self.labels
        return [dict(zip(labels, row, strict=True)) for row in p.tolist()]

    def _proba_row(self, z_row: list[float]) -> dict[str, float]:
        # One text (classify): for a few classes Python's math beats numpy's per-call overhead.
        z = [a + b for a, b in zip(z_row, self.intercept_list, strict=True)]
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
        n_words = len(words.vocabulary_)
        # term → column in the stacked matrix (words first, then characters), idf by column.
        self.word_get = words.vocabulary_.get
        self.char_get = {t: j + n_words for t, j in chars.vocabulary_.items()}.get
        self.idf = np.concatenate((words.idf_, chars.idf_)).astype(np.float64)
        lo, hi = chars.ngram_range
        if (lo, hi) != (1, 2):  # _char_terms builds exactly 1- and 2-grams
            raise ValueError(f"scorer supports character 1-2-grams, not {lo}-{hi}")
        self.category = _Head(trained.category, 0)
        start = self.category.coef.shape[0]
        self.root_cause = _Head(trained.root_cause, start) if trained.root_cause else None
        start += self.root_cause.coef.shape[0] if self.root_cause else 0
        self.emotion = _Head(trained.emotion, start) if trained.emotion else None
        heads = [h for h in (self.category, self.root_cause, self.emotion) if h is not None]
        # All heads' coefficients side by side: one gather and one product per batch.
        self.weights = np.ascontiguousarray(np.hstack([h.coef.T for h in heads]))
        self.n_outputs = self.weights.shape[1]

    def score(self, text: str, tokens: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, float] | None]:
        """Category, root-cause and emotion probabilities for one lower-cased text."""
        category, root_cause, emotion = self.score_many([text], [tokens])
        return category[0], root_cause[0], emotion[0] if emotion is not None else None

    def score_many(self, texts: list[str], tokens: list[list[str]]) -> _LabelDicts:
        """`score` for many texts at once: the Python work per text is counting terms and
        looking up their columns (C-level map/Counter); TF-IDF weighting, l2 normalisation
        per text and vectorizer, and the product with the coefficients run once per batch."""
        n = len(texts)
        cols: list[int] = []
        tfs: list[int] = []
        sizes: list[int] = []
        word_get, char_get = self.word_get, self.char_get
        for text, toks in zip(texts, tokens, strict=True):
            counts = Counter(toks)
            counts.update(map("_".join, zip(toks, toks[1:], strict=False)))  # word_analyzer's bigrams
            cols.extend(map(word_get, counts, repeat(-1)))
            tfs.extend(counts.values())
            sizes.append(len(counts))
            text = " ".join(text.split())  # sklearn's char analyzer collapses whitespace
            counts = Counter(text)
            counts.update(map(add, text, text[1:]))
            cols.extend(map(char_get, counts, repeat(-1)))
            tfs.extend(counts.values())
            sizes.append(len(counts))
        z = np.zeros((n, self.n_outputs))
        col = np.array(cols, dtype=np.int64)
        keep = col >= 0
        if keep.any():
            group = np.repeat(np.arange(2 * n), sizes)[keep]
            col = col[keep]
            vals = (1.0 + np.log(np.array(tfs, dtype=np.float64)[keep])) * self.idf[col]
            norms = np.sqrt(np.bincount(group, weights=vals * vals, minlength=2 * n))
            vals /= norms[group]
            rows = group >> 1
            starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
            z[rows[starts]] = np.add.reduceat(self.weights[col] * vals[:, None], starts, axis=0)
        category = self.category.proba(z)
        root_cause = self.root_cause.proba(z) if self.root_cause else [{} for _ in range(n)]
        emotion = self.emotion.proba(z) if self.emotion else None
        return category, root_cause, emotion
