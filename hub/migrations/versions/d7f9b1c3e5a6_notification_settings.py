"""how each person hears of each kind of event (at once, daily, off), and what waits for their daily digest

Revision ID: d7f9b1c3e5a6
Revises: c6e8a0b2d4f5
Create Date: 2026-11-29 15:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7f9b1c3e5a6'
down_revision = 'c6e8a0b2d4f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notifications', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True))
    # the one switch of old (a mail for new messages, or not) becomes the setting of that kind
    accounts = sa.table('accounts', sa.column('id', sa.Uuid()), sa.column('notify_messages', sa.Boolean()),
                        sa.column('notifications', sa.JSON()))
    bind = op.get_bind()
    for row in bind.execute(sa.select(accounts.c.id).where(accounts.c.notify_messages.is_(False))).all():
        bind.execute(accounts.update().where(accounts.c.id == row.id).values(notifications={'message': 'off'}))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('notify_messages')
    op.create_table(
        'notification_items',
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('event', sa.String(length=20), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=True),
        sa.Column('page', sa.String(length=200), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_notification_items_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_notification_items_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_items')))
    op.create_index(op.f('ix_notification_items_account_id'), 'notification_items', ['account_id'], unique=False)
    with op.batch_alter_table('circle_dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trouble_told_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('circle_dossiers', schema=None) as batch_op:
        batch_op.drop_column('trouble_told_at')
    op.drop_index(op.f('ix_notification_items_account_id'), table_name='notification_items')
    op.drop_table('notification_items')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_messages', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.drop_column('digest_sent_at')
        batch_op.drop_column('notifications')
