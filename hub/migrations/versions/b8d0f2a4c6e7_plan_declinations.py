"""a plan version may be declined, with a comment

Revision ID: b8d0f2a4c6e7
Revises: a7c9e1f3b5d6
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e7'
down_revision = 'a7c9e1f3b5d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.String(length=10), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('plan_approvals', schema=None) as batch_op:
        batch_op.drop_column('comment')
        batch_op.drop_column('decision')
