"""medication members add to the list themselves

Revision ID: 7a9c1e3f5b2d
Revises: b2d4f6a8c0e1
Create Date: 2026-11-29 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a9c1e3f5b2d'
down_revision = 'b2d4f6a8c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'own_medication',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('author_id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('dose', sa.String(length=500), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_own_medication_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_own_medication_author_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_own_medication')))
    op.create_index(op.f('ix_own_medication_circle_id'), 'own_medication', ['circle_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_own_medication_circle_id'), table_name='own_medication')
    op.drop_table('own_medication')
