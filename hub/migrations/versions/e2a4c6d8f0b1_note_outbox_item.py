"""a note sent to a provider remembers its outbox item (sent, then received)

Revision ID: e2a4c6d8f0b1
Revises: d1f3b5c7e9a2
Create Date: 2026-11-29 13:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2a4c6d8f0b1'
down_revision = 'd1f3b5c7e9a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_item_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notes_shared_item_id_outbox_items'), 'outbox_items',
                                    ['shared_item_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notes_shared_item_id_outbox_items'), type_='foreignkey')
        batch_op.drop_column('shared_item_id')
