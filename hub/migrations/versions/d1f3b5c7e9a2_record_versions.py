"""the versions of records people read the history of (care plans)

Revision ID: d1f3b5c7e9a2
Revises: c9e1a3b5d7f8
Create Date: 2026-11-29 12:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1f3b5c7e9a2'
down_revision = 'c9e1a3b5d7f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'record_versions',
        sa.Column('record_id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.String(length=64), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_record_versions_record_id_records'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_versions')),
    )
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index('ix_record_versions_record_stored', ['record_id', 'stored_at'], unique=False)


def downgrade():
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_record_versions_record_stored')
    op.drop_table('record_versions')
