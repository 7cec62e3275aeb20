"""feedback: satisfaction ratings (one per ticket); an index for the SLA board's counts

Revision ID: 0061
Revises: 0060
Create Date: 2026-11-22 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db

revision: str = '0061'
down_revision: str | Sequence[str] | None = '0062'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('satisfaction_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=400), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_satisfaction_ratings_score_1_to_5')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_ratings')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_satisfaction_ratings_ticket_id'))
    )
    with op.batch_alter_table('satisfaction_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_satisfaction_ratings_created', ['created_at'], unique=False)
        batch_op.create_index('ix_satisfaction_ratings_subscriber', ['subscriber_id', 'created_at'], unique=False)
    # The supervisor board counts open clocks by department and state from this index alone.
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clocks_department_state_open', ['department', 'state', 'stopped_at', 'due_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clocks_department_state_open')
    with op.batch_alter_table('satisfaction_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_satisfaction_ratings_subscriber')
        batch_op.drop_index('ix_satisfaction_ratings_created')
    op.drop_table('satisfaction_ratings')
