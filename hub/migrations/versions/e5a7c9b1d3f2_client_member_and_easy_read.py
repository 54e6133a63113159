"""the client as a member of their own care page (one per page), and easy read per account

Revision ID: e5a7c9b1d3f2
Revises: d4f6a8b0c2e1
Create Date: 2026-12-04 23:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a7c9b1d3f2'
down_revision = 'd4f6a8b0c2e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('easy_read', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('members') as batch:
        batch.create_index('uq_members_one_client', ['circle_id'], unique=True,
                           sqlite_where=sa.text("role = 'client'"), postgresql_where=sa.text("role = 'client'"))


def downgrade():
    with op.batch_alter_table('members') as batch:
        batch.drop_index('uq_members_one_client', sqlite_where=sa.text("role = 'client'"),
                         postgresql_where=sa.text("role = 'client'"))
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('easy_read')
