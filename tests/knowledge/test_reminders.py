"""Owners hear once, a week ahead, that their article is about to stop being shown."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kefu import wiring
from kefu.core.outbound import OutboundMessage
from kefu.knowledge import service, tasks
from kefu.knowledge.schemas import ArticlePatch
from tests.factories.knowledge import create_article


def _reminders(session):
    return list(session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "kb_expiry")))


def test_the_owner_is_reminded_once_and_again_after_the_end_date_moves(session, now):
    article = create_article(session, question="双十一流量包限时优惠", owner="李娜", owner_contact="li.na@example.com",
                             valid_to=now + timedelta(days=5), now=now)
    create_article(session, question="长期有效的条目", owner_contact="13800000000", now=now)
    create_article(session, question="下个月才到期的条目", owner_contact="13800000001",
                   valid_to=now + timedelta(days=30), now=now)

    assert tasks.remind_expiring(session, now) == 1
    assert tasks.remind_expiring(session, now + timedelta(hours=1)) == 0  # the job runs every hour
    [mail] = _reminders(session)
    assert mail.channel == "email" and mail.recipient == "li.na@example.com"
    assert "双十一流量包限时优惠" in mail.body and "失效" in mail.body

    service.update(session, article, ArticlePatch(valid_to=now + timedelta(days=6)), actor="user:1:e", now=now)
    service.submit(session, article, actor="user:1:e", now=now)
    service.publish(session, article, actor="user:2:s", now=now)
    assert tasks.remind_expiring(session, now) == 1
    assert len(_reminders(session)) == 2


def test_the_reminder_job_is_wired_into_the_worker():
    names = {job.name for job in wiring.periodic_jobs(sender=object())}
    assert "kb_expiry_reminders" in names


def test_feedback_reaches_the_ranking_after_the_refresh_job(session, now):
    from kefu.knowledge import search_service
    from kefu.knowledge.schemas import FeedbackIn

    plain = create_article(session, question="宽带怎么报修", answer="拨打10000号。", now=now)
    helpful = create_article(session, question="宽带如何报修", answer="拨打10000号。", now=now)
    assert tasks.refresh_feedback(session, now) == 0  # nobody rated anything yet
    before = search_service.search(session, "宽带报修", audience="public", now=now)
    assert before.hits[0].article_id == plain.id
    for minute in range(30):
        at = now + timedelta(minutes=minute)
        result = search_service.search(session, "宽带报修", audience="public", now=at, actor="subscriber:1")
        search_service.feedback(session, FeedbackIn(search_id=result.search_id, article_id=helpful.id,
                                                    verdict="up", resolved=True), actor="subscriber:1", now=at)
    assert tasks.refresh_feedback(session, now + timedelta(hours=1)) == 1
    assert tasks.refresh_feedback(session, now + timedelta(hours=1)) == 0
    after = search_service.search(session, "宽带报修", audience="public", now=now + timedelta(hours=1), log=False)
    assert after.hits[0].article_id == helpful.id
