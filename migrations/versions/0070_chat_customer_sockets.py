"""chat customer sockets: a beat per open customer socket, so a socket whose server process
died (never closed) is noticed and its departure written

Revision ID: 0070
Revises: 0069
Create Date: 2026-11-22 08:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kefu.core.db


revision: str = '0070'
down_revision: str | Sequence[str] | None = '0069'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_customer_sockets',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['routing_contacts.id'], name=op.f('fk_chat_customer_sockets_contact_id_routing_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', name=op.f('pk_chat_customer_sockets'))
    )


def downgrade() -> None:
    op.drop_table('chat_customer_sockets')
