"""one-time shares with someone outside the care page

Revision ID: a1c3e5f7b9d0
Revises: f9b1d3e5a7c8
Create Date: 2026-11-29 16:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d0'
down_revision = 'f9b1d3e5a7c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shares',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('created_by', sa.Uuid(), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('parts', sa.JSON(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('max_opens', sa.Integer(), nullable=False),
        sa.Column('opens', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('shl_file', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_shares_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_shares_created_by_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shares')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_shares_token_hash')))
    op.create_index(op.f('ix_shares_circle_id'), 'shares', ['circle_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_shares_circle_id'), table_name='shares')
    op.drop_table('shares')
