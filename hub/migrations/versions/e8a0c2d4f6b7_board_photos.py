"""a photo with a board post

Revision ID: e8a0c2d4f6b7
Revises: d7f9b1c3e5a6
Create Date: 2026-11-29 15:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8a0c2d4f6b7'
down_revision = 'd7f9b1c3e5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'board_photos',
        sa.Column('post_id', sa.Uuid(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['board_posts.id'], name=op.f('fk_board_photos_post_id_board_posts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_board_photos')))
    with op.batch_alter_table('board_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_photo', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('board_posts', schema=None) as batch_op:
        batch_op.drop_column('has_photo')
    op.drop_table('board_photos')
