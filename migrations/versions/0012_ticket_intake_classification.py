"""tickets: what the intake classifier said (urgency, confidence, detail) and the district

Revision ID: 0012
Revises: 0001
Create Date: 2026-11-22 02:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
# Alters the tickets table that 0010 creates.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgency', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('classification_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('classification', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('district', sa.String(length=30), nullable=True))
        batch_op.create_index('ix_tickets_category_district_created', ['category', 'district', 'created_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_category_district_created')
        batch_op.drop_column('district')
        batch_op.drop_column('classification')
        batch_op.drop_column('classification_confidence')
        batch_op.drop_column('urgency')
