"""The in-memory search index over published articles (pure: no session, no clock).

Ranking, in order of what it adds over plain BM25 on one concatenated text:
- the standard question and its alternative phrasings form the question field, scored
  by three bm25s channels: jieba words, character bigrams (phrase and segmentation-proof
  matches) and folded pinyin bigrams (homophone typos); the answer is a separate field
  weighted below the question field;
- query words are expanded with the synonym table at a lower weight;
- a small, bounded prior from readers' feedback (thumbs up, resolved, thumbs down).
BM25 itself is bm25s; this module only combines its scores. The weights were chosen on
a hold-out of the starter KB's own phrasings (never on heldout_queries.jsonl).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import bm25s
import numpy as np

from kefu.knowledge import tokenize

_NEVER = float("inf")
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


@dataclass(frozen=True)
class Doc:
    """A published article as search sees it."""

    article_id: int
    version: int
    question: str
    phrasings: tuple[str, ...]
    answer_text: str
    category: str
    visibility: str
    valid_from: datetime | None
    valid_to: datetime | None
    feedback: int = 0  # thumbs up + resolved − thumbs down
    stored_words: dict | None = None  # word_tokens() saved at publish, used if still current


@dataclass(frozen=True)
class Weights:
    words: float = 1.0
    bigrams: float = 0.4
    pinyin: float = 0.3
    answer: float = 0.8
    synonym: float = 0.4
    feedback: float = 0.1
    confident_at: float = 0.5
    k1: float = 1.5
    b: float = 0.75


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    confidence: float  # share of the query's informative words (or sounds) the article covers


@dataclass
class _Tokens:
    questions: list[tuple[list[str], list[str], list[str]]]  # per question: words, bigrams, pinyin
    answer: list[str]
    vocabulary: frozenset[str] = field(default_factory=frozenset)


TokenCache = dict[tuple[int, int, int], _Tokens]


def word_tokens(question: str, phrasings: Sequence[str], answer_text: str) -> dict:
    """The jieba words of an article (the slow part of indexing), stored with its published
    version so a process builds its index without segmenting every article again."""
    return {
        "v": tokenize.version(),
        "q": [tokenize.words(t) for t in (question, *phrasings)],
        "a": tokenize.words(answer_text),
    }


def _tokens_of(doc: Doc) -> _Tokens:
    texts = [doc.question, *doc.phrasings]
    stored = doc.stored_words
    if not stored or stored.get("v") != tokenize.version() or len(stored.get("q", ())) != len(texts):
        stored = word_tokens(doc.question, doc.phrasings, doc.answer_text)
    questions = [(w, tokenize.char_bigrams(t), tokenize.pinyin_bigrams(t)) for w, t in zip(stored["q"], texts, strict=True)]
    answer = stored["a"]
    vocabulary = frozenset(w for q in questions for w in (*q[0], *q[2])) | frozenset(answer)
    return _Tokens(questions, answer, vocabulary)


def _bm25(corpus: list[list[str]], weights: Weights | None = None) -> bm25s.BM25:
    weights = weights or Weights()
    retriever = bm25s.BM25(k1=weights.k1, b=weights.b)
    retriever.index(corpus, show_progress=False)
    return retriever


def _scores(retriever: bm25s.BM25, weighted: Sequence[tuple[str, float]], size: int) -> np.ndarray:
    """Σ weight × BM25(token, doc) over the query's distinct tokens, read from bm25s's
    precomputed token→document score matrix (one bincount instead of one pass per token
    group, which is what keeps p95 low at 10,000 articles)."""
    matrix, vocabulary = retriever.scores, retriever.vocab_dict
    indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
    docs, values, seen = [], [], set()
    for token, weight in weighted:
        token_id = vocabulary.get(token)
        if token_id is None or token_id in seen or not weight:
            continue
        seen.add(token_id)
        start, end = indptr[token_id], indptr[token_id + 1]
        docs.append(indices[start:end])
        values.append(data[start:end] * weight)
    if not docs:
        return np.zeros(size)
    return np.bincount(np.concatenate(docs), weights=np.concatenate(values), minlength=size)


def _plain(tokens: Sequence[str]) -> list[tuple[str, float]]:
    return [(t, 1.0) for t in tokens]


def _timestamp(at: datetime | None, default: float) -> float:
    return at.timestamp() if at is not None else default


class Index:
    """Built once per published-content change; searched by many requests."""

    def __init__(self, docs: Sequence[Doc], *, weights: Weights | None = None,
                 cache: TokenCache | None = None) -> None:
        self.weights = weights or Weights()
        self.docs = list(docs)
        self.by_id = {d.article_id: i for i, d in enumerate(self.docs)}
        cache = cache if cache is not None else {}
        tokens = []
        for doc in self.docs:
            key = (doc.article_id, doc.version, hash((doc.question, doc.phrasings, doc.answer_text)))
            found = cache.get(key)
            if found is None:
                found = cache[key] = _tokens_of(doc)
            tokens.append(found)
        self.tokens = tokens
        self.empty = not self.docs
        if self.empty:
            return
        # Fields are per article: an article's wordings pool their evidence (scoring each
        # wording alone and keeping the best did worse on the phrasing hold-out).
        self.words = _bm25([[w for q in t.questions for w in q[0]] for t in tokens], self.weights)
        self.bigrams = _bm25([[b for q in t.questions for b in q[1]] for t in tokens], self.weights)
        self.pinyin = _bm25([[p for q in t.questions for p in q[2]] for t in tokens], self.weights)
        self.answers = _bm25([t.answer for t in tokens], self.weights)
        self.public = np.asarray([d.visibility == "public" for d in self.docs])
        self.valid_from = np.asarray([_timestamp(d.valid_from, -_NEVER) for d in self.docs])
        self.valid_to = np.asarray([_timestamp(d.valid_to, _NEVER) for d in self.docs])
        w = self.weights.feedback
        self.prior = np.asarray([1.0 + w * math.tanh(d.feedback / 10.0) for d in self.docs])
        df: dict[str, int] = {}
        for t in tokens:
            for token in t.vocabulary:
                df[token] = df.get(token, 0) + 1
        self.df = df

    def available(self, *, audience: str, now: datetime) -> np.ndarray:
        """Which articles this audience may read at `now` (agents also see agent-only ones)."""
        at = now.timestamp()
        mask = (self.valid_from <= at) & (at < self.valid_to)
        return mask if audience == "agent" else mask & self.public

    def search(self, query: str, *, audience: str, now: datetime, limit: int = 5) -> list[Hit]:
        if self.empty or limit <= 0:
            return []
        w = self.weights
        words = tokenize.words(query)
        synonyms = tokenize.expand(words)
        sounds = tokenize.pinyin_bigrams(query)
        m = len(self.docs)
        expanded = _plain(words) + [(t, w.synonym) for t in synonyms]
        scores = (
            w.words * _scores(self.words, expanded, m)
            + w.bigrams * _scores(self.bigrams, _plain(tokenize.char_bigrams(query)), m)
            + w.pinyin * _scores(self.pinyin, _plain(sounds), m)
            + w.answer * _scores(self.answers, expanded, m)
        ) * self.prior
        scores = np.where(self.available(audience=audience, now=now), scores, 0.0)
        return self._top(scores, limit, lambda i: self._confidence(words, sounds, i))

    def _top(self, scores: np.ndarray, limit: int, confidence: Callable[[int], float]) -> list[Hit]:
        k = min(limit, len(scores))
        candidates = np.argpartition(-scores, k - 1)[:k]
        # Ties broken by article id so every process and database returns the same order.
        order = sorted(candidates, key=lambda i: (-float(scores[i]), self.docs[i].article_id))
        hits = []
        for rank, i in enumerate(order):
            if scores[i] <= 0:
                break
            hits.append(Hit(self.docs[i].article_id, round(float(scores[i]), 6),
                            round(confidence(i), 3) if rank == 0 else 0.0))
        return hits

    def _idf(self, token: str) -> float:
        return math.log(1.0 + len(self.docs) / (1 + self.df.get(token, 0)))

    def _confidence(self, words: list[str], sounds: list[str], i: int) -> float:
        """Share of the query's information (idf-weighted) the article covers, by words or by sound."""
        vocabulary = self.tokens[i].vocabulary
        table = tokenize.synonym_map()
        best = 0.0
        for tokens in (list(dict.fromkeys(words)), list(dict.fromkeys(sounds))):
            total = sum(self._idf(t) for t in tokens)
            if not total:
                continue
            covered = sum(
                self._idf(t) for t in tokens
                if t in vocabulary or any(s in vocabulary for s in table.get(t, ()))
            )
            best = max(best, covered / total)
        return best


class PlainIndex:
    """The baseline: bm25s over jieba words of question + phrasings + answer, one document
    per article, no synonyms, no typo channels, no field weights."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.docs = list(docs)
        self.empty = not self.docs
        if self.empty:
            return
        corpus = [tokenize.words(" ".join([d.question, *d.phrasings, d.answer_text])) for d in self.docs]
        self.bm25 = _bm25(corpus)

    def search(self, query: str, *, limit: int = 5) -> list[Hit]:
        if self.empty:
            return []
        ids = sorted(set(self.bm25.get_tokens_ids(tokenize.words(query))))
        scores = self.bm25.get_scores(ids) if ids else np.zeros(len(self.docs))
        k = min(limit, len(scores))
        order = sorted(np.argpartition(-scores, k - 1)[:k], key=lambda i: (-float(scores[i]), self.docs[i].article_id))
        return [Hit(self.docs[i].article_id, float(scores[i]), 0.0) for i in order if scores[i] > 0]
