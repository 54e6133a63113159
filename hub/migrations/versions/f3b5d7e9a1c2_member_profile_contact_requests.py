"""a member's profile on a care page (relation, phone); requests to change the contact persons

Revision ID: f3b5d7e9a1c2
Revises: e2a4c6d8f0b1
Create Date: 2026-11-29 13:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b5d7e9a1c2'
down_revision = 'e2a4c6d8f0b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relation', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
    op.create_table(
        'contact_requests',
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('dossier_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('record_id', sa.Uuid(), nullable=True),
        sa.Column('account_id', sa.Uuid(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('outbox_item_id', sa.Uuid(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_contact_requests_account_id_accounts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_contact_requests_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_contact_requests_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_item_id'], ['outbox_items.id'],
                                name=op.f('fk_contact_requests_outbox_item_id_outbox_items'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_contact_requests_record_id_records'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests')),
    )
    op.create_index(op.f('ix_contact_requests_circle_id'), 'contact_requests', ['circle_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_contact_requests_circle_id'), table_name='contact_requests')
    op.drop_table('contact_requests')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('relation')
