"""`kefu kb import` and `kefu kb search-eval` as an operator runs them (own SQLite file)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.core.db import make_engine
from kefu.migrate import upgrade

runner = CliRunner()


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kb-cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("KEFU_DATABASE_URL", url)
    return url


def test_import_then_search_eval_prints_accuracy_and_skips_bad_lines(cli_database, tmp_path):
    articles = tmp_path / "kb.json"
    articles.write_text(json.dumps({
        "如何查询剩余流量": "发送CXLL到10001。", "如何办理销户": "本人带身份证到营业厅办理。",
        "宽带无法上网怎么办": "重启光猫后报修。",
    }, ensure_ascii=False), encoding="utf-8")
    imported = runner.invoke(app, ["kb", "import", str(articles)])
    assert imported.exit_code == 0, imported.output
    assert "imported 3" in imported.output

    cases = tmp_path / "eval.jsonl"
    cases.write_text("\n".join([
        json.dumps({"query": "还剩多少流量", "expected": "如何查询剩余流量"}, ensure_ascii=False),
        json.dumps({"query": "我要注销号码", "expected": "如何办理销户"}, ensure_ascii=False),
        json.dumps({"query": "家里wifi上不了网", "expected": "3"}, ensure_ascii=False),
        "not json",
        json.dumps({"query": "", "expected": "如何办理销户"}, ensure_ascii=False),
        json.dumps({"query": "积分", "expected": "如何查询积分"}, ensure_ascii=False),
    ]), encoding="utf-8")
    result = runner.invoke(app, ["kb", "search-eval", str(cases), "--baseline"])
    assert result.exit_code == 0, result.output
    assert "line 4 skipped" in result.output and "line 5 skipped" in result.output
    assert "line 6 skipped" in result.output  # expected article not in the knowledge base
    assert "kefu: queries=3 top1=1.000 top5=1.000 mrr=1.000" in result.output
    assert "plain bm25s: queries=3" in result.output


def test_an_import_with_a_bad_row_reports_it_and_imports_nothing(cli_database, tmp_path):
    articles = tmp_path / "kb.md"
    articles.write_text(
        "# 知识库\n\n## 如何查询积分\n- 分类: other\n\n发送JF到10001。\n\n## 如何开通彩铃\n- 可见范围: 所有人\n\n在APP开通。\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "import", str(articles)])
    assert result.exit_code == 2
    assert "row 8" in result.output and "visibility" in result.output
    exported = tmp_path / "out.json"
    assert runner.invoke(app, ["kb", "export", str(exported)]).exit_code == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == []
