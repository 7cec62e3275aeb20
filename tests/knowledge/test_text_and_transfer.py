"""Sanitising answers on render; import all-or-nothing; export round trips."""

from __future__ import annotations

import pytest

from kefu.knowledge import formats, search_service, service, transfer
from kefu.knowledge.errors import ImportFailed
from kefu.knowledge.text import plain_text, render_html
from tests.factories.knowledge import create_article

HOSTILE = (
    '<p>请拨打<b>10000</b>。</p><script>alert("x")</script>'
    '<img src=x onerror="steal()"><a href="javascript:evil()">点我</a><a href="https://189.cn">官网</a>'
)


def test_scripts_handlers_and_javascript_links_never_reach_a_reader(session, now):
    html = render_html(HOSTILE)
    assert "<script" not in html and "alert" not in html and "onerror" not in html and "javascript:" not in html
    assert "<b>10000</b>" in html and 'href="https://189.cn"' in html
    assert plain_text(HOSTILE) == "请拨打10000。\n点我官网"

    article = create_article(session, question="如何联系客服", answer=HOSTILE, now=now)
    shown = search_service.read_answer(session, article.id, audience="public", now=now)
    assert "<script" not in shown.answer_html and "alert" not in shown.answer_text
    # Script text is not searchable either.
    assert search_service.search(session, "alert steal", audience="agent", now=now, log=False).hits == []


def test_a_plain_question_answer_object_imports_and_is_searchable(session, now):
    rows = formats.parse('{"宽带怎么报修": "拨打10000号报修。", "如何查询积分": "发送JF到10001。"}', "json")
    assert transfer.import_articles(session, rows, actor="cli", now=now) == 2
    hits = search_service.search(session, "积分查询", audience="public", now=now, log=False).hits
    assert hits[0].question == "如何查询积分"


def test_an_import_with_bad_rows_writes_nothing_and_names_every_row(session, now):
    create_article(session, question="如何查询积分", now=now)
    text = (
        "question,answer,phrasings,category,visibility\n"
        "如何办理副卡,带身份证到营业厅办理。,加一张副卡|亲情卡,plan,public\n"
        "如何查询积分,重复的问题,,other,public\n"
        ",没有问题的答案,,other,public\n"
        "如何办理副卡,同一个文件里重复,,plan,public\n"
        "如何开通彩铃,在APP开通。,,music,everyone\n"
    )
    with pytest.raises(ImportFailed) as failed:
        transfer.import_articles(session, formats.parse(text, "csv"), actor="cli", now=now)
    rows = failed.value.details["rows"]
    assert [r["row"] for r in rows] == [3, 4, 5, 6]
    assert "already in the knowledge base" in rows[0]["errors"][0]
    assert "row 2" in rows[2]["errors"][0]
    assert len(rows[3]["errors"]) == 2  # category and visibility
    _, total = service.list_articles(session)
    assert total == 1


@pytest.mark.parametrize("kind", ["json", "csv", "md"])
def test_export_then_import_gives_back_the_same_articles(session, now, kind):
    create_article(session, question="如何办理副卡", answer="带身份证到营业厅办理。\n每张副卡每月10元。",
                   phrasings=("加一张副卡", "亲情卡怎么办"), category="plan", products=["mobile"],
                   visibility="agent", owner="运营组", now=now)
    exported = transfer.export_articles(session, kind)
    rows = formats.parse(exported, kind)
    assert len(rows) == 1
    row = rows[0][1]
    assert row["question"] == "如何办理副卡" and row["answer"] == "带身份证到营业厅办理。\n每张副卡每月10元。"
    assert row["phrasings"] == ["加一张副卡", "亲情卡怎么办"] and row["visibility"] == "agent"
    assert row["category"] == "plan" and row["products"] == ["mobile"]


def test_an_unreadable_file_is_a_format_error():
    with pytest.raises(formats.FormatError):
        formats.parse("{not json", "json")
    with pytest.raises(formats.FormatError):
        formats.parse("a,b\n1,2\n", "csv")
    with pytest.raises(formats.FormatError):
        formats.format_of("articles.xlsx")


def test_the_starter_knowledge_base_loads_once_and_a_rerun_adds_nothing(session, now):
    first = transfer.import_starter(session, actor="demo", now=now)
    assert first >= 120
    assert transfer.import_starter(session, actor="demo", now=now) == 0
    _, total = service.list_articles(session, status="published")
    assert total == first
