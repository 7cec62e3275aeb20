"""Keywords of a text for hot-spot analysis: TF-IDF over jieba words with the telecom
dictionary (telecom terms weigh more) and the stopword list. Pure."""

from __future__ import annotations

from collections import Counter

from kefu.nlp import text as textmod

DEFAULT_IDF = 10.5
TELECOM_BOOST = 1.5


def keywords(tokens: list[str], idf: dict[str, float], *, top: int = 5) -> list[str]:
    """The `top` words with the highest tf × idf; ties keep the order of appearance."""
    words = textmod.content_words(tokens)
    if not words:
        return []
    terms = textmod.telecom_terms()
    counts = Counter(words)
    first = {w: i for i, w in reversed(list(enumerate(words)))}
    scored = []
    for word, tf in counts.items():
        score = tf * idf.get(word, DEFAULT_IDF)
        if word in terms:
            score *= TELECOM_BOOST
        scored.append((-score, first[word], word))
    scored.sort()
    return [w for _, _, w in scored[:top]]
