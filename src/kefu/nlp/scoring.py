"""A fast scorer equivalent to the fitted sklearn pipeline, for one text or a batch.

sklearn's transform/predict_proba cost about a millisecond per call in validation and
sparse-matrix plumbing, which dominates single-text classification. This scorer keeps
the fitted vocabularies, idf weights and coefficients and computes the same TF-IDF
(sublinear tf, l2 per vectorizer) and softmax. Python only looks words up; character
n-grams are found for a whole batch with one searchsorted over integer keys, terms are
counted with one np.unique, and the batch meets the coefficients in one sparse product.
tests/nlp/test_model.py checks it against sklearn's own predict_proba.
"""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np
from scipy import sparse

from kefu.nlp.features import Featurizer
from kefu.nlp.model import Head, TrainedModel

# Texts per vectorised step: bounds memory for a very large classify_many call.
_CHUNK = 2048

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


def _char_key(term: str) -> int:
    """A character 1- or 2-gram as one integer: code point, or (first + 1) << 21 | second."""
    if len(term) == 1:
        return ord(term)
    return (ord(term[0]) + 1) << 21 | ord(term[1])


class Scorer:
    def __init__(self, trained: TrainedModel) -> None:
        feats: Featurizer = trained.featurizer
        words, chars = feats.words, feats.chars
        lo, hi = chars.ngram_range
        if (lo, hi) != (1, 2):  # _char_entries builds exactly 1- and 2-grams
            raise ValueError(f"scorer supports character 1-2-grams, not {lo}-{hi}")
        n_words = len(words.vocabulary_)
        self.n_words = n_words
        self.n_features = n_words + len(chars.vocabulary_)
        # Columns of the stacked matrix: words first, then characters; idf by column.
        self.word_get = words.vocabulary_.get
        self.idf = np.concatenate((words.idf_, chars.idf_)).astype(np.float64)
        # Character n-grams are looked up for a whole batch at once: sorted integer keys.
        keys = np.array([_char_key(t) for t in chars.vocabulary_], dtype=np.int64)
        columns = np.array(list(chars.vocabulary_.values()), dtype=np.int64) + n_words
        order = np.argsort(keys)
        self.char_keys, self.char_cols = keys[order], columns[order]
        self.category = _Head(trained.category, 0)
        start = self.category.coef.shape[0]
        self.root_cause = _Head(trained.root_cause, start) if trained.root_cause else None
        start += self.root_cause.coef.shape[0] if self.root_cause else 0
        self.emotion = _Head(trained.emotion, start) if trained.emotion else None
        heads = [h for h in (self.category, self.root_cause, self.emotion) if h is not None]
        # All heads' coefficients side by side: one sparse-dense product per batch.
        self.weights = np.ascontiguousarray(np.hstack([h.coef.T for h in heads]))
        self.n_outputs = self.weights.shape[1]

    def score(self, text: str, tokens: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, float] | None]:
        """Category, root-cause and emotion probabilities for one lower-cased text."""
        category, root_cause, emotion = self.score_many([text], [tokens])
        return category[0], root_cause[0], emotion[0] if emotion is not None else None

    def score_many(self, texts: list[str], tokens: list[list[str]]) -> _LabelDicts:
        """`score` for many texts at once. Python touches each word once (a dictionary
        lookup); character n-grams, term counts, TF-IDF weighting, l2 normalisation per
        text and vectorizer and the product with the coefficients are numpy/scipy
        operations over the whole batch."""
        n = len(texts)
        z = np.zeros((n, self.n_outputs))
        for lo in range(0, n, _CHUNK):
            z[lo : lo + _CHUNK] = self._decision(texts[lo : lo + _CHUNK], tokens[lo : lo + _CHUNK])
        category = self.category.proba(z)
        root_cause = self.root_cause.proba(z) if self.root_cause else [{} for _ in range(n)]
        emotion = self.emotion.proba(z) if self.emotion else None
        return category, root_cause, emotion

    def _decision(self, texts: list[str], tokens: list[list[str]]) -> np.ndarray:
        n = len(texts)
        if n == 1:
            return self._decision_one(texts[0], tokens[0])[None, :]
        w_rows, w_cols = self._word_entries(tokens)
        c_rows, c_cols = self._char_entries(texts)
        # (text, column) pairs → distinct pairs, sorted by text then column, with counts.
        pairs, tf = np.unique(
            np.concatenate((w_rows, c_rows)) * self.n_features + np.concatenate((w_cols, c_cols)),
            return_counts=True,
        )
        rows, cols = np.divmod(pairs, self.n_features)
        vals = (1.0 + np.log(tf)) * self.idf[cols]  # sublinear tf × idf
        group = 2 * rows + (cols >= self.n_words)  # l2 norm per text and vectorizer
        norms = np.sqrt(np.bincount(group, weights=vals * vals, minlength=2 * n))
        vals /= norms[group]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
        x = sparse.csr_matrix((vals, cols, indptr), shape=(n, self.n_features))
        return x @ self.weights

    def _decision_one(self, text: str, toks: list[str]) -> np.ndarray:
        """`_decision` for one text (classify): the same arithmetic without the bookkeeping
        of which text a term belongs to, and a dense dot instead of a sparse matrix."""
        terms = toks + list(map("_".join, zip(toks, toks[1:], strict=False)))
        words = np.fromiter(map(self.word_get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
        cp = _code_points(" ".join(text.split()))
        known, at = self._char_lookup(np.concatenate((cp, (cp[:-1] + 1) << 21 | cp[1:])))
        cols, tf = np.unique(np.concatenate((words[words >= 0], self.char_cols[at[known]])), return_counts=True)
        vals = (1.0 + np.log(tf)) * self.idf[cols]
        split = int(np.searchsorted(cols, self.n_words))  # sorted: word columns, then characters
        for part in (vals[:split], vals[split:]):
            if len(part):
                part /= math.sqrt(part @ part)
        return vals @ self.weights[cols]

    def _word_entries(self, tokens: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(text, column) of every known word and word bigram (word_analyzer's terms)."""
        terms: list[str] = []
        sizes = []
        for toks in tokens:
            terms += toks
            terms += map("_".join, zip(toks, toks[1:], strict=False))
            sizes.append(2 * len(toks) - 1 if toks else 0)
        cols = np.fromiter(map(self.word_get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
        rows = np.repeat(np.arange(len(tokens)), sizes)
        keep = cols >= 0
        return rows[keep], cols[keep]

    def _char_entries(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text, column) of every known character 1- and 2-gram, as sklearn's char
        analyzer builds them (whitespace runs collapsed to one space)."""
        texts = [" ".join(t.split()) for t in texts]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        cp = _code_points("".join(texts))
        owner = np.repeat(np.arange(len(texts)), lengths)
        inside = owner[1:] == owner[:-1]  # bigrams never span two texts
        known, at = self._char_lookup(np.concatenate((cp, ((cp[:-1] + 1) << 21 | cp[1:])[inside])))
        rows = np.concatenate((owner, owner[1:][inside]))
        return rows[known], self.char_cols[at[known]]

    def _char_lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which n-gram keys are in the vocabulary, and where in char_keys/char_cols."""
        at = np.minimum(np.searchsorted(self.char_keys, keys), len(self.char_keys) - 1)
        return self.char_keys[at] == keys, at


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
