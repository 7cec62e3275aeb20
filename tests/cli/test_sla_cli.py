"""`kefu sla …` on a fresh SQLite file (the command opens its own engine)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KEFU_DATABASE_URL", url)
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    return url


def test_due_at_follows_the_specialist_hours_and_holidays(db_url):
    friday = runner.invoke(app, ["sla", "due-at", "2026-11-20 21:50", "15"])
    assert friday.exit_code == 0, friday.output
    assert "2026-11-21 09:05" in friday.output
    dragon_boat = runner.invoke(app, ["sla", "due-at", "2025-05-30 21:50", "15", "--calendar", "specialist"])
    assert "2025-06-03 09:05" in dragon_boat.output


def test_policies_scan_and_board_run_on_an_empty_centre(db_url):
    policies = runner.invoke(app, ["sla", "policies"])
    assert policies.exit_code == 0 and "complaint" in policies.output
    scan = runner.invoke(app, ["sla", "scan"])
    assert scan.exit_code == 0 and "handled 0 clocks" in scan.output
    assert runner.invoke(app, ["sla", "board"]).exit_code == 0
