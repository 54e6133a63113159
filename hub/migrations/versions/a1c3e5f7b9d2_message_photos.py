"""a photo with a message (the client sends one with a few words, or none)

Revision ID: a1c3e5f7b9d2
Revises: e5a7c9b1d3f2
Create Date: 2026-12-05 02:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d2'
down_revision = 'e5a7c9b1d3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_photos',
        sa.Column('message_id', sa.Uuid(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_photos_message_id_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_message_photos')))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_photo', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('has_photo')
    op.drop_table('message_photos')
