"""customers: reversed-number column for fast "last four digits" search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:43:11.859714
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_reversed', sa.String(length=20), nullable=True))
    # SQLite has no reverse(): fill existing rows from Python, portable on both dialects.
    bind = op.get_bind()
    subscribers = sa.table('subscribers', sa.column('id', sa.Integer), sa.column('number', sa.String),
                           sa.column('number_reversed', sa.String))
    rows = bind.execute(sa.select(subscribers.c.id, subscribers.c.number)).all()
    if rows:
        bind.execute(
            subscribers.update().where(subscribers.c.id == sa.bindparam('row_id'))
            .values(number_reversed=sa.bindparam('reversed')),
            [{'row_id': row.id, 'reversed': row.number[::-1]} for row in rows],
        )
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.alter_column('number_reversed', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index(batch_op.f('ix_subscribers_number_reversed'), ['number_reversed'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscribers_number_reversed'))
        batch_op.drop_column('number_reversed')
