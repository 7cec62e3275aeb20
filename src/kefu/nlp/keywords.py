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
    counts = Counter(words)  # in order of first appearance
    get = idf.get

    def score(word: str) -> float:
        value = counts[word] * get(word, DEFAULT_IDF)
        return value * TELECOM_BOOST if word in terms else value

    # sorted() is stable: equal scores keep the order of first appearance.
    return sorted(counts, key=score, reverse=True)[:top]
