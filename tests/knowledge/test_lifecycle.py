"""Draft → review → published, with every published version kept and diffs between them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.knowledge import search_service, service
from kefu.knowledge.errors import DuplicateQuestion, InvalidTransition, VersionNotFound
from kefu.knowledge.schemas import ArticleIn, ArticlePatch
from tests.factories.knowledge import create_article


def test_an_article_goes_from_draft_through_review_to_published_versions(session, now):
    article = service.create(
        session, ArticleIn(question="如何办理宽带提速", answer="在APP办理提速，24小时内生效。", category="broadband"),
        actor="user:1:editor", now=now,
    )
    assert article.status == "draft" and article.published_version is None
    with pytest.raises(InvalidTransition):
        service.publish(session, article, actor="user:2:lead", now=now)  # not reviewed yet

    service.submit(session, article, actor="user:1:editor", now=now)
    v1 = service.publish(session, article, actor="user:2:lead", now=now, note="首次发布")
    assert (article.status, article.published_version, v1.version_no) == ("published", 1, 1)
    assert v1.author == "user:1:editor" and v1.published_by == "user:2:lead"

    later = now + timedelta(days=3)
    service.update(session, article, ArticlePatch(answer="在APP办理提速，2小时内生效。"), actor="user:1:editor", now=later)
    assert article.status == "draft" and article.published_version == 1
    # While the edit waits for review, readers still get version 1.
    assert "24小时" in search_service.read_answer(session, article.id, audience="public", now=later).answer_text

    service.submit(session, article, actor="user:1:editor", now=later)
    service.publish(session, article, actor="user:2:lead", now=later)
    assert [v.version_no for v in service.versions(session, article)] == [1, 2]
    assert "2小时内" in search_service.read_answer(session, article.id, audience="public", now=later).answer_text

    diff = service.diff(session, article, from_version=1, to_version=2)
    assert "-答案:" not in diff and "-在APP办理提速，24小时内生效。" in diff and "+在APP办理提速，2小时内生效。" in diff
    assert diff.startswith("--- v1\n+++ v2\n")
    with pytest.raises(VersionNotFound):
        service.diff(session, article, from_version=1, to_version=9)


def test_a_diff_against_the_working_copy_shows_the_pending_edit(session, now):
    article = create_article(session, question="如何开通国际漫游", answer="出境前在APP开通。", now=now)
    service.update(session, article, ArticlePatch(phrasings=["出国手机怎么用"]), actor="user:1:editor", now=now)
    diff = service.diff(session, article, from_version=1, to_version=None)
    assert "+相似问法: 出国手机怎么用" in diff and "+++ draft" in diff


def test_a_rejected_draft_goes_back_to_its_editor_with_the_note(session, now):
    article = create_article(session, question="如何办理携号转网", now=now, publish=False)
    service.submit(session, article, actor="user:1:editor", now=now)
    service.reject(session, article, actor="user:2:lead", now=now, note="请补充在网120天的条件")
    assert article.status == "draft" and article.review_note == "请补充在网120天的条件"
    assert service.versions(session, article) == []


def test_a_withdrawn_article_is_no_longer_found(session, now):
    article = create_article(session, question="如何取消彩铃", answer="发送0000到10001退订。", now=now)
    assert search_service.search(session, "取消彩铃", audience="public", now=now, log=False).hits
    service.archive(session, article, actor="user:2:lead", now=now)
    assert search_service.search(session, "取消彩铃", audience="public", now=now, log=False).hits == []
    with pytest.raises(InvalidTransition):
        service.submit(session, article, actor="user:1:editor", now=now)
    # Editing a withdrawn article restores it as a draft, not as a live answer.
    service.update(session, article, ArticlePatch(answer="发送0000到10001。"), actor="user:1:editor", now=now)
    assert article.status == "draft" and article.published_version is None
    assert search_service.search(session, "取消彩铃", audience="agent", now=now, log=False).hits == []
    service.submit(session, article, actor="user:1:editor", now=now)
    assert service.publish(session, article, actor="user:2:lead", now=now).version_no == 2


def test_a_duplicate_standard_question_is_refused_with_the_existing_article(session, now):
    first = create_article(session, question="如何查询剩余流量？", now=now)
    with pytest.raises(DuplicateQuestion) as raised:
        create_article(session, question="如何查询剩余流量", now=now, publish=False)  # punctuation differs only
    assert raised.value.details["existing_id"] == first.id
    assert "已存在" in raised.value.zh and raised.value.status_code == 409
    other = create_article(session, question="如何查询话费余额", now=now)
    with pytest.raises(DuplicateQuestion):
        service.update(session, other, ArticlePatch(question="如何查询剩余流量"), actor="user:1:editor", now=now)
