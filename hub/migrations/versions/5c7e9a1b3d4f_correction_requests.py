"""requests to the provider to correct an item of the dossier

Revision ID: 5c7e9a1b3d4f
Revises: 7a9c1e3f5b2d
Create Date: 2026-11-29 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c7e9a1b3d4f'
down_revision = '7a9c1e3f5b2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'correction_requests',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('dossier_id', sa.Uuid(), nullable=False),
        sa.Column('record_id', sa.Uuid(), nullable=True),
        sa.Column('record_kind', sa.String(length=40), nullable=False),
        sa.Column('about', sa.String(length=300), nullable=False),
        sa.Column('record_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=True),
        sa.Column('outbox_item_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_correction_requests_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_correction_requests_dossier_id_dossiers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_correction_requests_record_id_records'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_correction_requests_account_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_requests')),
        sa.UniqueConstraint('outbox_item_id', name=op.f('uq_correction_requests_outbox_item_id')))
    op.create_index(op.f('ix_correction_requests_circle_id'), 'correction_requests', ['circle_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_correction_requests_circle_id'), table_name='correction_requests')
    op.drop_table('correction_requests')
