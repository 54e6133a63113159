"""help requests and who signed up for them

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d0
Create Date: 2026-11-29 16:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e1'
down_revision = 'a1c3e5f7b9d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'help_requests',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('author_id', sa.Uuid(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('places', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_help_requests_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_help_requests_author_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_help_requests')))
    op.create_index('ix_help_requests_circle_starts', 'help_requests', ['circle_id', 'starts_at'])
    op.create_table(
        'help_signups',
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('request_id', sa.Uuid(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'],
                                name=op.f('fk_help_signups_request_id_help_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_help_signups_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('request_id', 'account_id', name=op.f('pk_help_signups')))


def downgrade():
    op.drop_table('help_signups')
    op.drop_index('ix_help_requests_circle_starts', table_name='help_requests')
    op.drop_table('help_requests')
