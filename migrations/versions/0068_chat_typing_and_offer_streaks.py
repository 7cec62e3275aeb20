"""chat typing markers and missed chat offer streaks

Revision ID: 0068
Revises: 0061
Create Date: 2026-11-22 04:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db


revision: str = '0068'
down_revision: str | Sequence[str] | None = '0063'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_typing',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('until', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['routing_contacts.id'], name=op.f('fk_chat_typing_contact_id_routing_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'side', name=op.f('pk_chat_typing'))
    )
    op.create_table('chat_offer_streaks',
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('missed_in_row', sa.Integer(), nullable=False),
    sa.Column('last_missed_at', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agent_profiles.id'], name=op.f('fk_chat_offer_streaks_agent_id_agent_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agent_id', name=op.f('pk_chat_offer_streaks'))
    )


def downgrade() -> None:
    op.drop_table('chat_offer_streaks')
    op.drop_table('chat_typing')
