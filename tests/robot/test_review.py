"""Agents review the robot's answers: a wrong answer is corrected with the right article
(or marked as a knowledge gap), the figures count the review over the customer's thumbs,
and the knowledge base's ranking hears of it."""

from __future__ import annotations

import pytest

from kefu.knowledge import search_service as kb_search
from kefu.knowledge import service as kb
from kefu.knowledge.errors import ArticleNotFound
from kefu.robot import metrics, review, service
from kefu.robot.errors import BadCorrection, TurnNotFound
from kefu.robot.schemas import CorrectionIn, FeedbackIn
from tests.factories.robot import curated_kb, staff_tester, start_chat


def _thumbs(session, chat, reply, verdict, now):
    conversation = service.get(session, chat.conversation_id, by=staff_tester())
    service.feedback(session, conversation, FeedbackIn(turn_id=reply.turn_id, verdict=verdict), now=now)
    session.commit()


def test_thumbed_down_and_unsure_answers_wait_for_review_with_the_question(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    good = chat.say("流量用超了收多少钱")
    bad = chat.say("想转网到别家要啥条件")
    unsure = chat.say("去国外手机能用吗")
    _thumbs(session, chat, bad, "down", now)
    flagged = review.answers(session, now=now)
    assert [(a.turn_id, a.question) for a in flagged] == [
        (unsure.turn_id, "去国外手机能用吗"), (bad.turn_id, "想转网到别家要啥条件")]
    assert flagged[1].article_question == "怎么办理携号转网" and flagged[1].feedback == "down"
    everything = review.answers(session, now=now, flagged=False)
    assert good.turn_id in {a.turn_id for a in everything}


def test_an_agent_corrects_a_wrong_answer_and_accuracy_counts_it(session, now):
    ids = curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    # The customer means the broadband password; the robot confidently answers about the
    # mobile service password, and the customer, not knowing better, gives a thumbs up.
    answered = chat.say("宽带密码忘了怎么办")
    assert answered.article_id == ids["怎么修改服务密码"]
    _thumbs(session, chat, answered, "up", now)
    before = metrics.figures(session, now=now)
    assert (before.thumbs_up, before.answer_accuracy) == (1, 1.0)
    # An agent reviewing the conversation finds it wrong: 10000 resets broadband accounts.
    right = ids["宽带怎么报修"]
    wrong_article = kb.get(session, answered.article_id)
    down_before, up_before = wrong_article.thumbs_down, kb.get(session, right).thumbs_up
    stamp = kb_search.current_index(session)
    review.correct(session, answered.turn_id, CorrectionIn(verdict="wrong", right_article_id=right),
                   by="agent.li", now=now)
    session.commit()
    after = metrics.figures(session, now=now)
    assert (after.reviewed_wrong, after.answer_accuracy) == (1, 0.0)  # the review overrides the thumbs
    assert [f.marked_wrong for f in after.failed_questions] == [1]
    assert kb.get(session, answered.article_id).thumbs_down == down_before + 1
    assert kb.get(session, right).thumbs_up == up_before + 1
    assert kb_search.current_index(session) is not stamp  # the ranking is rebuilt with the feedback
    # Reviewed again as right: replaces the earlier review and takes its feedback back.
    review.correct(session, answered.turn_id, CorrectionIn(verdict="right"), by="agent.li", now=now)
    session.commit()
    assert kb.get(session, right).thumbs_up == up_before
    assert metrics.figures(session, now=now).answer_accuracy == 1.0


def test_no_article_fits_is_a_knowledge_gap_for_editors(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    unsure = chat.say("手机被偷了怎么挂失补卡")
    review.correct(session, unsure.turn_id, CorrectionIn(verdict="wrong", no_article_fits=True,
                                                         note="需要新增挂失补卡条目"), by="agent.li", now=now)
    session.commit()
    figures = metrics.figures(session, now=now)
    assert [g.text for g in figures.knowledge_gaps] == ["手机被偷了怎么挂失补卡"]
    assert review.answers(session, now=now) == []  # reviewed: no longer waiting


@pytest.mark.parametrize("data", [
    CorrectionIn(verdict="wrong"),
    CorrectionIn(verdict="wrong", right_article_id=1, no_article_fits=True),
    CorrectionIn(verdict="right", no_article_fits=True),
])
def test_a_review_that_contradicts_itself_is_refused_and_nothing_is_written(session, now, data):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    answered = chat.say("怎么查话费")
    with pytest.raises(BadCorrection):
        review.correct(session, answered.turn_id, data, by="agent.li", now=now)
    assert review.conversation(session, chat.conversation_id).corrections == []


def test_an_unsure_answer_cannot_be_right_and_unknown_articles_or_answers_are_404(session, now):
    curated_kb(session, now=now)
    chat = start_chat(session, by=staff_tester(), now=now)
    unsure = chat.say("去国外手机能用吗")
    with pytest.raises(BadCorrection):
        review.correct(session, unsure.turn_id, CorrectionIn(verdict="right"), by="agent.li", now=now)
    with pytest.raises(ArticleNotFound):
        review.correct(session, unsure.turn_id, CorrectionIn(verdict="wrong", right_article_id=999_999),
                       by="agent.li", now=now)
    with pytest.raises(TurnNotFound):
        review.correct(session, 999_999, CorrectionIn(verdict="right"), by="agent.li", now=now)
