"""a person's strain questionnaires (EDIZ), and when they were last asked and last answered

Revision ID: 6d8f0a2c4e5b
Revises: 5c7e9a1b3d4f
Create Date: 2026-11-29 18:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6d8f0a2c4e5b'
down_revision = '5c7e9a1b3d4f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wellbeing_checks',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_wellbeing_checks_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_checks')))
    op.create_index('ix_wellbeing_checks_account_created', 'wellbeing_checks', ['account_id', 'created_at'],
                    unique=False)
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('wellbeing_asked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('wellbeing_answered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('wellbeing_answered_at')
        batch.drop_column('wellbeing_asked_at')
    op.drop_index('ix_wellbeing_checks_account_created', table_name='wellbeing_checks')
    op.drop_table('wellbeing_checks')
