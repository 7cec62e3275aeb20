"""web chat and cti

Revision ID: 0062
Revises: 0060
Create Date: 2026-11-22 03:43:03.376448
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db


revision: str = '0062'
down_revision: str | Sequence[str] | None = "0067"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=10), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['routing_contacts.id'], name=op.f('fk_chat_messages_contact_id_routing_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages'))
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('ix_chat_messages_contact', ['contact_id', 'id'], unique=False)

    op.create_table('cti_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('caller', sa.String(length=20), nullable=True),
    sa.Column('applied', sa.JSON(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['routing_contacts.id'], name=op.f('fk_cti_calls_contact_id_routing_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cti_calls')),
    sa.UniqueConstraint('call_id', name=op.f('uq_cti_calls_call_id'))
    )


def downgrade() -> None:
    op.drop_table('cti_calls')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_contact')

    op.drop_table('chat_messages')
