"""The robot's figures: hit rate, answer accuracy, self-service rate, failed questions."""

from __future__ import annotations

from kefu.knowledge import service as kb
from kefu.robot import metrics, service
from kefu.robot.schemas import FeedbackIn
from tests.factories.robot import curated_kb, staff_tester, start_chat


def test_metrics_count_hits_feedback_self_service_and_failed_questions(session, now):
    ids = curated_kb(session, now=now)
    served = start_chat(session, by=staff_tester(), now=now)
    good = served.say("流量用超了收多少钱")
    bad = served.say("想转网到别家要啥条件")
    served.say("去国外手机能用吗")  # unsure
    served.say("谢谢")
    human = start_chat(session, by=staff_tester(), now=now)
    human.say("去国外手机能用吗")  # unsure, again
    human.say("转人工")
    human.say("13912345678")  # not logged in: leaves a number to be called back
    start_chat(session, by=staff_tester(), now=now)  # opened, nothing asked: not counted

    conversation = service.get(session, served.conversation_id, by=staff_tester())
    service.feedback(session, conversation, FeedbackIn(turn_id=good.turn_id, verdict="up"), now=now)
    service.feedback(session, conversation, FeedbackIn(turn_id=bad.turn_id, verdict="down"), now=now)
    session.commit()

    figures = metrics.figures(session, now=now)
    assert (figures.faq_questions, figures.confident_answers, figures.hit_rate) == (4, 2, 0.5)
    assert (figures.thumbs_up, figures.thumbs_down, figures.answer_accuracy) == (1, 1, 0.5)
    assert (figures.conversations, figures.handed_over, figures.self_service_rate) == (2, 1, 0.5)
    failed = {f.text: f for f in figures.failed_questions}
    assert failed["去国外手机能用吗"].times == 2
    assert failed["想转网到别家要啥条件"].thumbs_down == 1
    # The verdicts also count for the articles (the knowledge base's own figures).
    article = kb.get(session, ids["怎么办理携号转网"])
    assert article.thumbs_down == 1
