"""time-bound access, the basis of a membership, records hidden from chosen members

Revision ID: f9b1d3e5a7c8
Revises: e8a0c2d4f6b7
Create Date: 2026-11-29 16:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f9b1d3e5a7c8'
down_revision = 'e8a0c2d4f6b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('basis', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('end_notice', sa.String(length=20), nullable=True))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('basis', sa.String(length=30), nullable=True))
    op.add_column('audit_records', sa.Column('actor_basis', sa.String(length=30), nullable=True))
    op.create_table(
        'hidden_records',
        sa.Column('record_id', sa.Uuid(), nullable=False),
        sa.Column('member_id', sa.Uuid(), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('hidden_by', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_hidden_records_record_id_records'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_hidden_records_member_id_members'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_hidden_records_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['hidden_by'], ['accounts.id'], name=op.f('fk_hidden_records_hidden_by_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('record_id', 'member_id', name=op.f('pk_hidden_records')))
    op.create_index('ix_hidden_records_member_id', 'hidden_records', ['member_id'])


def downgrade():
    op.drop_index('ix_hidden_records_member_id', table_name='hidden_records')
    op.drop_table('hidden_records')
    op.drop_column('audit_records', 'actor_basis')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('basis')
        batch_op.drop_column('ends_on')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('end_notice')
        batch_op.drop_column('basis')
        batch_op.drop_column('ends_on')
