"""Similar texts: TF-IDF cosine over character 1–3-grams, fitted on the candidates
themselves (so rare shared phrases count most). Used by repeat-complaint detection and
shown to the agent. Pure: the caller passes the candidates it is allowed to see."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

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
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform([docs[i] for i in usable] + [query.text.lower()])
    scores = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    order = np.argsort(-scores, kind="stable")
    found = []
    for j in order[:top]:
        score = float(scores[j])
        if score < threshold:
            break
        found.append(Similar(candidates[usable[j]][0], round(score, 3)))
    return found
