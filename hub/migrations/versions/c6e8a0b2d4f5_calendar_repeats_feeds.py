"""appointments all day, with a description, repeating (RFC 5545) with removed or moved occurrences; iCal feeds

Revision ID: c6e8a0b2d4f5
Revises: b5d7f9a1c3e4
Create Date: 2026-11-29 14:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6e8a0b2d4f5'
down_revision = 'b5d7f9a1c3e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_day', sa.Boolean(), server_default=sa.text('false'), nullable=False))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rrule', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('repeat_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('exdates', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('recurrence_day', sa.String(length=10), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_calendar_entries_series_id_calendar_entries'), 'calendar_entries',
                                    ['series_id'], ['id'], ondelete='CASCADE')
    op.create_table(
        'calendar_feeds',
        sa.Column('member_id', sa.Uuid(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_calendar_feeds_member_id_members'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('member_id', name=op.f('uq_calendar_feeds_member_id')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')))


def downgrade():
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calendar_entries_series_id_calendar_entries'), type_='foreignkey')
        for column in ('recurrence_day', 'series_id', 'exdates', 'repeat_until', 'rrule', 'description', 'all_day'):
            batch_op.drop_column(column)
