"""indexes of each agent's contacts by end and answer time (the dispatcher's longest idle
and fewest contacts, looked up for the agents it may offer to)

Revision ID: 0069
Revises: 0068
Create Date: 2026-11-22 08:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0069'
down_revision: str | Sequence[str] | None = '0068'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('routing_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_routing_contacts_agent_ended', ['agent_id', 'ended_at'], unique=False)
        batch_op.create_index('ix_routing_contacts_agent_answered', ['agent_id', 'answered_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('routing_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_routing_contacts_agent_answered')
        batch_op.drop_index('ix_routing_contacts_agent_ended')
