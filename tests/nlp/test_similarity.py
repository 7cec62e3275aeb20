"""similar(): what repeat-complaint detection and the agent's side panel call."""

from __future__ import annotations

from kefu.nlp.similarity import similar

CANDIDATES = [
    (1, "南山区科技园宽带晚上八点以后特别卡，看视频一直缓冲"),
    (2, "没经过同意被开通了视频会员，每月扣15元"),
    (3, "南山区宽带晚上卡顿严重，网速只有几兆"),
    (4, "请问营业厅周末几点开门"),
]


def test_the_most_similar_texts_come_first_above_the_threshold():
    found = similar("南山区宽带晚上很卡，一直缓冲", CANDIDATES, top=5, threshold=0.2)
    assert [f.id for f in found][:2] in ([1, 3], [3, 1])
    assert all(f.score >= 0.2 for f in found)
    assert 2 not in [f.id for f in found] and 4 not in [f.id for f in found]
    assert found == sorted(found, key=lambda f: -f.score)


def test_top_limits_and_ids_are_passed_through_untouched():
    found = similar("宽带卡", [("t-1", "宽带卡"), ("t-2", "宽带卡顿"), ("t-3", "宽带很卡")], top=2, threshold=0.0)
    assert len(found) == 2
    assert found[0].id == "t-1" and found[0].score > 0.99


def test_nothing_matches_empty_or_junk():
    assert similar("", CANDIDATES) == []
    assert similar("😡😡", CANDIDATES) == []
    assert similar("宽带", []) == []
    assert similar("宽带", [(1, ""), (2, "😀")]) == []


def test_scores_are_scikit_learns_tfidf_cosine():
    """The plain-Python arithmetic gives what TfidfVectorizer(char 1–3-grams, sublinear tf)
    gives, so the repeat threshold calibrated with it still means the same."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kefu.nlp import text as textmod

    query = "南山区宽带晚上很卡，  一直缓冲 please fix"
    texts = [t for _, t in CANDIDATES] + ["宽带  宽带 宽带卡卡卡", "Broadband DOWN again!!"]
    docs = [textmod.prepare(t).text.lower() for t in texts] + [textmod.prepare(query).text.lower()]
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(docs)
    expected = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    found = {f.id: f.score for f in similar(query, list(enumerate(texts)), top=10, threshold=0.0)}
    assert found == {i: round(float(s), 3) for i, s in enumerate(expected)}
