"""`kefu import …` end to end on a fresh SQLite file (the command opens its own engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from kefu.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "kefu" / "customers" / "examples"
runner = CliRunner()


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KEFU_DATABASE_URL", url)
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    return url


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.scalar(text(f"SELECT count(*) FROM {table}"))
    engine.dispose()
    return value


def test_import_catalogue_then_subscribers(db_url):
    first = runner.invoke(app, ["import", "subscribers", str(EXAMPLES / "subscribers.csv")])
    assert first.exit_code == 2 and "nothing was imported" in first.output
    assert _count(db_url, "subscribers") == 0

    catalogue = runner.invoke(app, ["import", "catalogue", str(EXAMPLES / "catalogue.csv")])
    assert catalogue.exit_code == 0 and "8 created" in catalogue.output
    subscribers = runner.invoke(app, ["import", "subscribers", str(EXAMPLES / "subscribers.csv")])
    assert subscribers.exit_code == 0 and "3 created" in subscribers.output
    assert _count(db_url, "subscribers") == 3


def test_gbk_file_is_explained_and_accepted_with_encoding(db_url, tmp_path):
    runner.invoke(app, ["import", "catalogue", str(EXAMPLES / "catalogue.csv")])
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((EXAMPLES / "subscribers.csv").read_text(encoding="utf-8").encode("gbk"))
    refused = runner.invoke(app, ["import", "subscribers", str(gbk)])
    assert refused.exit_code == 2 and "GBK" in refused.output
    accepted = runner.invoke(app, ["import", "subscribers", "--encoding", "gbk", str(gbk)])
    assert accepted.exit_code == 0, accepted.output


def test_missing_file_is_a_usage_error(db_url):
    result = runner.invoke(app, ["import", "subscribers", "/nonexistent/file.csv"])
    assert result.exit_code == 2
