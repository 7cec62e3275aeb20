"""Chinese search: synonyms, typos, visibility and validity, bad queries, feedback figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.knowledge import search_service, service
from kefu.knowledge.errors import ArticleNotAvailable, InvalidQuery
from kefu.knowledge.schemas import FeedbackIn
from kefu.knowledge.search import Doc, Index, PlainIndex
from tests.factories.knowledge import create_article, load_starter_kb


def _top(session, query, *, now, audience="agent"):
    hits = search_service.search(session, query, audience=audience, now=now, log=False).hits
    return hits[0].question if hits else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("我想把这个号注销掉", "如何办理销户"),  # 注销 ↔ 销户
        ("带号换到移动要什么条件", "如何办理携号转网"),  # no word in common but the synonym 转网
        ("家里网络突然连不上了", "宽带无法上网怎么办"),  # 网络 ↔ 宽带
        ("刘量用完了怎么办", "流量用完了怎么办"),  # homophone typo 刘量
        ("宽代上不了网", "宽带无法上网怎么办"),  # homophone typo 宽代
        ("服务密马忘了", "如何修改或重置服务密码"),  # typo 密马
        ("ＩＰＴＶ没有信号", "IPTV电视没有信号怎么办"),  # full-width letters
    ],
)
def test_colloquial_and_misspelled_questions_find_the_right_article(session, now, query, expected):
    load_starter_kb(session, now=now)
    assert _top(session, query, now=now) == expected


def test_synonyms_and_typos_beat_plain_bm25_on_the_same_articles(session, now):
    docs = [
        Doc(1, 1, "如何办理销户", ("不想用这个号了",), "本人带身份证到营业厅办理。", "account", "public", None, None),
        Doc(2, 1, "如何查询剩余流量", ("还剩多少流量",), "发送CXLL到10001。", "plan", "public", None, None),
        Doc(3, 1, "宽带无法上网怎么办", ("家里断网了",), "重启光猫后报修。", "broadband", "public", None, None),
    ]
    improved, plain = Index(docs), PlainIndex(docs)
    for query, expected in [("注销手机号", 1), ("刘量", 2), ("wifi连不上", 3)]:
        assert improved.search(query, audience="public", now=_now(), limit=3)[0].article_id == expected
        assert [h.article_id for h in plain.search(query, limit=3)][:1] != [expected]


def _now():
    from tests.conftest import FIXED_NOW

    return FIXED_NOW


def test_subscribers_see_only_public_articles_valid_now_and_agents_also_internal_ones(session, now):
    public = create_article(session, question="如何办理停机保号", answer="在APP办理停机保号。", now=now)
    internal = create_article(session, question="停机保号的坐席受理口径", answer="核实身份后受理停机保号。",
                              visibility="agent", now=now)
    expired = create_article(session, question="停机保号限时优惠活动", answer="活动期间停机保号免费。",
                             valid_to=now - timedelta(days=1), now=now)
    future = create_article(session, question="明年停机保号新规", answer="明年起停机保号按新规执行。",
                            valid_from=now + timedelta(days=30), now=now)

    def ids(audience):
        hits = search_service.search(session, "停机保号", audience=audience, now=now, limit=10, log=False).hits
        return {h.article_id for h in hits}

    assert ids("public") == {public.id}
    assert ids("agent") == {public.id, internal.id}
    with pytest.raises(ArticleNotAvailable):
        search_service.read_answer(session, internal.id, audience="public", now=now)
    with pytest.raises(ArticleNotAvailable):
        search_service.read_answer(session, expired.id, audience="agent", now=now)
    # An article expiring while in use: found today, gone once its end date passes.
    assert future.id in {h.article_id for h in search_service.search(
        session, "停机保号新规", audience="public", now=now + timedelta(days=31), log=False).hits}
    assert search_service.read_answer(session, public.id, audience="public", now=now).article_id == public.id
    assert service.get(session, public.id).usage_count == 1


def test_an_empty_or_ten_thousand_character_query_gets_a_clear_answer(session, now):
    create_article(session, question="如何查询话费余额", now=now)
    with pytest.raises(InvalidQuery) as empty:
        search_service.search(session, "   ", audience="public", now=now)
    assert "请输入" in empty.value.zh
    with pytest.raises(InvalidQuery) as long:
        search_service.search(session, "话费" * 5000, audience="public", now=now)
    assert "太长" in long.value.zh and "10000" in long.value.zh
    assert search_service.suggest(session, "", now=now) == []


def test_a_question_about_something_else_is_not_answered_with_confidence(session, now):
    load_starter_kb(session, now=now)
    result = search_service.search(session, "附近有什么好吃的餐厅", audience="public", now=now)
    assert not result.confident
    assert search_service.search(session, "怎么查剩余流量", audience="public", now=now).confident


def test_hit_rate_accuracy_and_failed_queries_come_from_the_search_log(session, now):
    article = create_article(session, question="如何查询话费余额", answer="发送CXYE到10001。", now=now)
    good = search_service.search(session, "话费余额怎么查", audience="public", now=now, actor="subscriber:7")
    bad = search_service.search(session, "话费余额", audience="public", now=now, actor="subscriber:7")
    search_service.search(session, "今天天气怎么样", audience="public", now=now, actor="subscriber:7")
    search_service.feedback(session, FeedbackIn(search_id=good.search_id, article_id=article.id, verdict="up",
                                                resolved=True), actor="subscriber:7", now=now)
    search_service.feedback(session, FeedbackIn(search_id=bad.search_id, article_id=article.id, verdict="down"),
                            actor="subscriber:7", now=now)
    # Rating the same search again replaces the verdict instead of counting twice.
    search_service.feedback(session, FeedbackIn(search_id=bad.search_id, article_id=article.id, verdict="down"),
                            actor="subscriber:7", now=now)

    figures = search_service.metrics(session, now=now)
    assert figures.searches == 3 and figures.thumbs_up == 1 and figures.thumbs_down == 1
    assert figures.answer_accuracy == 0.5 and figures.resolved == 1
    assert figures.hit_rate == pytest.approx(2 / 3, abs=0.01)
    assert {f.query for f in figures.failed_queries} == {"话费余额", "今天天气怎么样"}
    assert (article.thumbs_up, article.thumbs_down, article.resolved_count) == (1, 1, 1)


def test_feedback_lifts_an_article_that_resolved_questions_over_an_equal_one():
    docs = [
        Doc(1, 1, "宽带报修", (), "报修。", "broadband", "public", None, None, feedback=0),
        Doc(2, 1, "宽带报修渠道", (), "报修。", "broadband", "public", None, None, feedback=25),
    ]
    hits = Index(docs).search("宽带报修渠道", audience="public", now=_now(), limit=2)
    assert hits[0].article_id == 2
    docs[1] = Doc(2, 1, "宽带报修渠道", (), "报修。", "broadband", "public", None, None, feedback=-25)
    unhelpful = Index(docs).search("宽带报修", audience="public", now=_now(), limit=2)
    assert unhelpful[0].article_id == 1


def test_weighted_scoring_reads_the_same_bm25_scores_bm25s_computes():
    from kefu.knowledge.search import _bm25, _scores

    corpus = [["宽带", "报修", "光猫"], ["流量", "查询"], ["宽带", "提速", "宽带"], ["话费", "流量", "余额"]]
    retriever = _bm25(corpus)
    query = ["宽带", "流量", "未知词"]
    expected = retriever.get_scores(sorted(set(retriever.get_tokens_ids(query))))
    assert _scores(retriever, [(t, 1.0) for t in query], 4) == pytest.approx(expected, rel=1e-6)
    half = _scores(retriever, [("宽带", 0.5)], 4)
    assert half == pytest.approx(retriever.get_scores(retriever.get_tokens_ids(["宽带"])) * 0.5, rel=1e-6)
