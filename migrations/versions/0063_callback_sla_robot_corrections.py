"""callback SLA clocks (sla_clocks.subject), agents' corrections of robot answers, and
agent_profiles.attrs_stamp (routing's engine cache)

Revision ID: 0063
Revises: 0060
Create Date: 2026-11-22 04:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db


revision: str = '0063'
down_revision: str | Sequence[str] | None = '0061'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agent_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attrs_stamp', sa.String(length=32), server_default='', nullable=False))
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=12), server_default='ticket', nullable=False))
    op.create_table('robot_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answered_article_id', sa.Integer(), nullable=True),
    sa.Column('right_article_id', sa.Integer(), nullable=True),
    sa.Column('gap', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['turn_id'], ['robot_turns.id'], name=op.f('fk_robot_corrections_turn_id_robot_turns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_corrections')),
    sa.UniqueConstraint('turn_id', name=op.f('uq_robot_corrections_turn_id'))
    )
    with op.batch_alter_table('robot_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_robot_corrections_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index('ix_robot_corrections_at', ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('robot_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_robot_corrections_at')
        batch_op.drop_index(batch_op.f('ix_robot_corrections_conversation_id'))
    op.drop_table('robot_corrections')
    with op.batch_alter_table('sla_clocks', schema=None) as batch_op:
        batch_op.drop_column('subject')
    with op.batch_alter_table('agent_profiles', schema=None) as batch_op:
        batch_op.drop_column('attrs_stamp')
