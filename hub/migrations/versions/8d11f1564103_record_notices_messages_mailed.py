"""record notices, messages mailed

Revision ID: 8d11f1564103
Revises: 41e2a978e35b
Create Date: 2026-11-23 02:47:23.295734

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d11f1564103'
down_revision = '41e2a978e35b'
branch_labels = None
depends_on = None


def upgrade():
    # what the care page was told about now covers provider messages too, not only plans: same table, new name
    op.rename_table('plan_notices', 'record_notices')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_mailed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('messages_mailed_at')
    op.rename_table('record_notices', 'plan_notices')
