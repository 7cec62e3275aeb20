"""Similar texts: TF-IDF cosine over character 1–3-grams, fitted on the candidates
themselves (so rare shared phrases count most). Used by repeat-complaint detection and
shown to the agent. Pure: the caller passes the candidates it is allowed to see.

The arithmetic is scikit-learn's TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
sublinear_tf=True) — smoothed idf, l2 norm — written out in plain Python: intake
compares one text with a handful of short ones, where building the vectorizer and its
sparse matrices cost twenty times the arithmetic. tests/nlp/test_similarity.py checks the
scores against scikit-learn's."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from kefu.nlp import text as textmod

K = TypeVar("K", bound=Hashable)
DEFAULT_THRESHOLD = 0.25


@dataclass(frozen=True)
class Similar(Generic[K]):
    id: K
    score: float  # cosine similarity, 0 … 1


def similar(
    query_text: str,
    candidates: Sequence[tuple[K, str]],
    *,
    top: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Similar[K]]:
    """The candidates most like `query_text`, best first, at most `top`, each at least
    `threshold`. Empty or junk texts match nothing."""
    query = textmod.prepare(query_text)
    if query.problem or not candidates or top <= 0:
        return []
    docs = [textmod.prepare(text).text.lower() for _, text in candidates]
    usable = [i for i, d in enumerate(docs) if d]
    if not usable:
        return []
    vectors = _tfidf([docs[i] for i in usable] + [query.text.lower()])
    target = vectors[-1]
    scores = [sum(weight * vector.get(gram, 0.0) for gram, weight in target.items()) for vector in vectors[:-1]]
    order = sorted(range(len(scores)), key=lambda j: -scores[j])  # stable: ties keep the candidates' order
    found = []
    for j in order[:top]:
        score = scores[j]
        if score < threshold:
            break
        found.append(Similar(candidates[usable[j]][0], round(score, 3)))
    return found


_RUNS_OF_SPACE = re.compile(r"\s\s+")


def _char_ngrams(text: str) -> Counter[str]:
    """Character 1-, 2- and 3-grams, runs of whitespace read as one space."""
    text = _RUNS_OF_SPACE.sub(" ", text)
    grams = Counter(text)
    for n in (2, 3):
        grams.update(text[i:i + n] for i in range(len(text) - n + 1))
    return grams


def _tfidf(docs: list[str]) -> list[dict[str, float]]:
    """l2-normalised weights (1 + ln tf) × (1 + ln((1 + n) / (1 + df))) per document."""
    counts = [_char_ngrams(d) for d in docs]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(docs)
    idf = {gram: math.log((1 + n) / (1 + k)) + 1 for gram, k in df.items()}
    vectors = []
    for c in counts:
        weights = {gram: (math.log(tf) + 1) * idf[gram] for gram, tf in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({gram: w / norm for gram, w in weights.items()})
    return vectors
