"""rate limits counted in the database where no Redis is set

Revision ID: 9a1c3e5f7b2d
Revises: 8e0a2c4d6f7b
Create Date: 2026-12-04 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9a1c3e5f7b2d'
down_revision = '8e0a2c4d6f7b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limit_hits',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.Double(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_limit_hits')),
    )
    op.create_index('ix_rate_limit_hits_key_at', 'rate_limit_hits', ['key_hash', 'at'])
    op.create_index('ix_rate_limit_hits_expires_at', 'rate_limit_hits', ['expires_at'])


def downgrade():
    op.drop_index('ix_rate_limit_hits_expires_at', table_name='rate_limit_hits')
    op.drop_index('ix_rate_limit_hits_key_at', table_name='rate_limit_hits')
    op.drop_table('rate_limit_hits')
