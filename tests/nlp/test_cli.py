"""`kefu nlp classify | eval | train | versions | activate` through Typer's runner."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.nlp.models import ModelVersion

runner = CliRunner()


@pytest.fixture
def env(tmp_path, database_url):
    return {"KEFU_INSTANCE_DIR": str(tmp_path / "instance"), "KEFU_DATABASE_URL": database_url, "COLUMNS": "160"}


def _write(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_classify_writes_results_and_reports_bad_lines_by_number(tmp_path, env):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(
        source,
        [
            json.dumps({"id": 1, "text": "宽带天天断网，光猫亮红灯"}, ensure_ascii=False).encode(),
            b"{not json",
            json.dumps({"id": 3}).encode(),
            "话费多扣了".encode("gbk"),
            json.dumps({"id": 5, "text": ""}).encode(),
            json.dumps({"id": 6, "text": "😡😡😡"}).encode(),
            b"",
            json.dumps({"id": 8, "text": "再不退钱我就去12315投诉，然后携号转网"}, ensure_ascii=False).encode(),
            json.dumps({"id": 9, "text": "宽带断网" * 25_000}, ensure_ascii=False).encode(),
            b'{"id": "\\ud800", "text": "\\ud800\\u5bbd\\u5e26\\u65ad\\u7f51"}',
        ],
    )
    result = runner.invoke(app, ["nlp", "classify", str(source), str(target)], env=env)
    assert result.exit_code == 0, result.output
    for number in (2, 3, 4, 5):
        assert f"line {number}:" in result.output
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 6, 8, 9, "?"]
    first = rows[0]
    assert first["category"] == "broadband"
    assert first["text"] == "宽带天天断网，光猫亮红灯"  # the input fields are kept
    for field in ("root_cause", "department", "emotion", "urgency", "confidence", "keywords", "model_version"):
        assert field in first
    assert rows[1]["category"] == "other" and rows[1]["confidence"] == 0.0 and rows[1]["rejected"] == "no_text"
    assert rows[2]["urgency"] in ("high", "urgent")
    assert rows[3]["truncated"] and rows[3]["category"] == "broadband"


def test_eval_prints_accuracy_macro_f1_per_class_and_confusion(tmp_path, env):
    source = tmp_path / "eval.jsonl"
    _write(
        source,
        [
            json.dumps({"text": "宽带天天断网", "category": "broadband", "emotion": "angry"}, ensure_ascii=False).encode(),
            json.dumps({"text": "每天都有推销电话", "category": "marketing"}, ensure_ascii=False).encode(),
            json.dumps({"text": "充值没到账", "category": "payment", "emotion": "anxious"}, ensure_ascii=False).encode(),
            json.dumps({"text": "不知道", "category": "no_such_class"}, ensure_ascii=False).encode(),
            b"\xff\xfe garbage",
            json.dumps({"category": "billing"}).encode(),
        ],
    )
    result = runner.invoke(app, ["nlp", "eval", str(source)], env=env)
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "macro-F1" in result.output
    assert "confusion matrix" in result.output
    assert "precision" in result.output and "recall" in result.output
    assert "emotion" in result.output
    for number in (4, 5, 6):
        assert f"line {number}:" in result.output
    assert "examples: 3" in result.output


def test_eval_of_an_all_bad_file_still_exits_zero(tmp_path, env):
    source = tmp_path / "bad.jsonl"
    _write(source, [b"nope", b"[]"])
    result = runner.invoke(app, ["nlp", "eval", str(source)], env=env)
    assert result.exit_code == 0
    assert "nothing to evaluate" in result.output


def test_a_missing_input_file_is_a_clear_error(tmp_path, env):
    result = runner.invoke(app, ["nlp", "eval", str(tmp_path / "missing.jsonl")], env=env)
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_train_saves_a_new_active_version_recorded_in_the_database(tmp_path, env, engine):
    extra = tmp_path / "extra.jsonl"
    _write(extra, [json.dumps({"text": "FTTH 光路又中断了", "category": "broadband"}, ensure_ascii=False).encode(), b"oops"])
    models = tmp_path / "models"
    try:
        result = runner.invoke(app, ["nlp", "train", "--extra", str(extra), "--models-dir", str(models)], env=env)
        assert result.exit_code == 0, result.output
        assert "line 2:" in result.output
        assert "macro-F1" in result.output
        version = (models / "ACTIVE").read_text(encoding="utf-8").strip()
        assert version.startswith("v") and (models / version / "model.pkl").exists()
        with Session(engine) as session:
            row = session.query(ModelVersion).filter_by(version=version).one()
            assert row.active and row.n_examples > 700 and row.heldout_macro_f1 > 0.5

        listed = runner.invoke(app, ["nlp", "versions", "--models-dir", str(models)], env=env)
        assert version[:12] in listed.output

        out = tmp_path / "out.jsonl"
        source = tmp_path / "in.jsonl"
        _write(source, [json.dumps({"id": "a", "text": "宽带断网"}, ensure_ascii=False).encode()])
        runner.invoke(app, ["nlp", "classify", str(source), str(out), "--models-dir", str(models)], env=env)
        assert json.loads(out.read_text(encoding="utf-8"))["model_version"] == version

        missing = runner.invoke(app, ["nlp", "activate", "v-nope", "--models-dir", str(models)], env=env)
        assert missing.exit_code == 2
    finally:
        with Session(engine) as session:
            session.execute(delete(ModelVersion).where(ModelVersion.trained_by == "cli"))
            session.commit()


def test_rules_export_then_check_then_refuse_a_broken_edit(tmp_path, env):
    path = tmp_path / "instance" / "nlp_rules.json"
    assert runner.invoke(app, ["nlp", "rules", "export"], env=env).exit_code == 0
    assert path.exists()
    assert runner.invoke(app, ["nlp", "rules", "export"], env=env).exit_code == 2  # no silent overwrite
    checked = runner.invoke(app, ["nlp", "rules", "check"], env=env)
    assert checked.exit_code == 0 and "vas-unconsented" in checked.output
    path.write_text(path.read_text(encoding="utf-8").replace('"category": "vas"', '"category": "nope"'), encoding="utf-8")
    broken = runner.invoke(app, ["nlp", "rules", "check"], env=env)
    assert broken.exit_code == 2 and "nope" in broken.output
