"""an index in the timeline's order

Revision ID: d4f6b8c0e2a3
Revises: c3e5a7b9d1f2
Create Date: 2026-11-29 10:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4f6b8c0e2a3'
down_revision = 'c3e5a7b9d1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index('ix_records_dossier_occurred_id', ['dossier_id', 'occurred_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_dossier_occurred_id')
