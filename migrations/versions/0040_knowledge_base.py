"""knowledge base

Revision ID: 0040
Revises: 0001
Create Date: 2026-11-22 00:44:01.733555
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import kefu.core.db

revision: str = '0040'
down_revision: str | Sequence[str] | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kb_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=200), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('phrasings', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('valid_from', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('valid_to', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('owner_contact', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('usage_count', sa.Integer(), nullable=False),
    sa.Column('thumbs_up', sa.Integer(), nullable=False),
    sa.Column('thumbs_down', sa.Integer(), nullable=False),
    sa.Column('resolved_count', sa.Integer(), nullable=False),
    sa.Column('reminded_for', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_articles')),
    sa.UniqueConstraint('question_key', name=op.f('uq_kb_articles_question_key'))
    )
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.create_index('ix_kb_articles_status', ['status'], unique=False)

    op.create_table('kb_index_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.Column('changed_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_index_state'))
    )
    op.create_table('kb_search_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('audience', sa.String(length=12), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('result_ids', sa.JSON(), nullable=False),
    sa.Column('top_article_id', sa.Integer(), nullable=True),
    sa.Column('top_score', sa.Float(), nullable=False),
    sa.Column('confident', sa.Boolean(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=4), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('feedback_at', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_search_logs'))
    )
    with op.batch_alter_table('kb_search_logs', schema=None) as batch_op:
        batch_op.create_index('ix_kb_search_logs_at', ['at'], unique=False)

    op.create_table('kb_article_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('phrasings', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('valid_from', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('valid_to', kefu.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.Column('published_at', kefu.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('search_words', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['kb_articles.id'], name=op.f('fk_kb_article_versions_article_id_kb_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_versions')),
    sa.UniqueConstraint('article_id', 'version_no', name=op.f('uq_kb_article_versions_article_id'))
    )
    # The one row every process watches for a change of published content.
    op.bulk_insert(
        sa.table('kb_index_state', sa.column('id', sa.Integer()), sa.column('version', sa.Integer()),
                 sa.column('stamp', sa.String()), sa.column('changed_at', kefu.core.db.UtcDateTime(timezone=True))),
        [{'id': 1, 'version': 0, 'stamp': 'initial', 'changed_at': datetime.now(UTC)}],
    )


def downgrade() -> None:
    op.drop_table('kb_article_versions')
    with op.batch_alter_table('kb_search_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_search_logs_at')

    op.drop_table('kb_search_logs')
    op.drop_table('kb_index_state')
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_articles_status')

    op.drop_table('kb_articles')
