"""robot

Revision ID: 0060
Revises: 0001
Create Date: 2026-11-22 02:01:07.919926
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db


revision: str = '0060'
down_revision: str | Sequence[str] | None = '0050'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('robot_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('started_by', sa.String(length=100), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], name=op.f('fk_robot_conversations_subscriber_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_conversations'))
    )
    with op.batch_alter_table('robot_conversations', schema=None) as batch_op:
        batch_op.create_index('ix_robot_conversations_created', ['created_at'], unique=False)
        batch_op.create_index('ix_robot_conversations_subscriber', ['subscriber_id', 'created_at'], unique=False)

    op.create_table('robot_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('intent', sa.String(length=20), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('search_id', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('feedback', sa.String(length=4), nullable=True),
    sa.Column('feedback_at', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['robot_conversations.id'], name=op.f('fk_robot_turns_conversation_id_robot_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_turns'))
    )
    with op.batch_alter_table('robot_turns', schema=None) as batch_op:
        batch_op.create_index('ix_robot_turns_conversation', ['conversation_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('robot_turns', schema=None) as batch_op:
        batch_op.drop_index('ix_robot_turns_conversation')

    op.drop_table('robot_turns')
    with op.batch_alter_table('robot_conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_robot_conversations_subscriber')
        batch_op.drop_index('ix_robot_conversations_created')

    op.drop_table('robot_conversations')
