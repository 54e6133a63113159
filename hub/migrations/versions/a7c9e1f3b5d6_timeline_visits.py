"""each member's visits of the timeline; records by when they came in

Revision ID: a7c9e1f3b5d6
Revises: f6b8d0e2a4c5
Create Date: 2026-11-29 11:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b5d6'
down_revision = 'f6b8d0e2a4c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timeline_visit_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('timeline_previous_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index('ix_records_dossier_created', ['dossier_id', 'created_at'], unique=False)
        batch_op.create_index('ix_records_dossier_kind_occurred_id', ['dossier_id', 'kind', 'occurred_at', 'id'],
                              unique=False)
        batch_op.drop_index('ix_records_dossier_kind_occurred')


def downgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index('ix_records_dossier_kind_occurred', ['dossier_id', 'kind', 'occurred_at'], unique=False)
        batch_op.drop_index('ix_records_dossier_kind_occurred_id')
        batch_op.drop_index('ix_records_dossier_created')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('timeline_previous_at')
        batch_op.drop_column('timeline_visit_at')
