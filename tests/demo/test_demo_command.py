"""`kefu demo` from the command line, and the parallel (child-process) path of the generator."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.customers.models import Bill, Subscriber
from kefu.demo.generate import generate, iter_chunks, new_build
from tests.conftest import FIXED_NOW


@pytest.mark.slow
def test_if_empty_leaves_a_database_with_subscribers_alone(tmp_path: Path):
    db_file = tmp_path / "demo.db"
    env = {"KEFU_DATABASE_URL": f"sqlite:///{db_file}"}
    runner = CliRunner()

    first = runner.invoke(app, ["demo", "--subscribers", "30", "--if-empty"], env=env)
    assert first.exit_code == 0, first.output
    assert "kefu-demo-2026" in first.output and "18900000019" in first.output

    def counts() -> tuple[int, int]:
        with sqlite3.connect(db_file) as conn:
            return conn.execute("select count(*) from subscribers").fetchone()[0], conn.execute(
                "select count(*) from bills").fetchone()[0]

    before = counts()
    assert before[0] == 30

    again = runner.invoke(app, ["demo", "--if-empty"], env=env)
    assert again.exit_code == 0, again.output
    assert "already has subscribers" in again.output
    assert counts() == before

    refused = runner.invoke(app, ["demo"], env=env)
    assert refused.exit_code == 2
    assert counts() == before


def test_a_child_process_drawing_the_chunks_writes_the_same_operator(session_factory: sessionmaker[Session]):
    result = generate(session_factory, subscribers=120, chunk_size=25, parallel=True, with_staff=False,
                      now=FIXED_NOW)
    drawn = [rows for _, rows in iter_chunks(new_build(seed=2026, months=6, now=FIXED_NOW), 120)]
    with session_factory() as session:
        assert set(session.scalars(select(Subscriber.number))) == {
            row[1] for rows in drawn for row in rows["subscribers"]
        }
        assert session.scalar(select(func.sum(Bill.total_fen))) == sum(
            row[4] for rows in drawn for row in rows["bills"]
        )
    assert result.rows["subscribers"] == 120
