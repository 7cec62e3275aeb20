"""The migrations are one line and build exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from kefu.migrate import alembic_config
from kefu.schema import metadata


def test_one_linear_chain_of_migrations():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, f"several heads, re-chain them: {script.get_heads()}"
    assert all(not isinstance(r.down_revision, tuple) for r in script.walk_revisions())


def test_models_and_migrated_database_agree(engine):
    # The session-wide test database was built by running every migration (conftest).
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata())
    assert differences == [], "models and migrations differ; write a migration:\n" + "\n".join(map(str, differences))
