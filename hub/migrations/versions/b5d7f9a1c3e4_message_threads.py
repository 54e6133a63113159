"""messages come in threads: a subject, an audience or chosen members, each member's read state

Every message so far becomes a thread of its own (with the message's id, its first 15 characters as the subject);
what a member had read before counts as read in every thread.

Revision ID: b5d7f9a1c3e4
Revises: a4c6e8f0b2d3
Create Date: 2026-11-29 14:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5d7f9a1c3e4'
down_revision = 'a4c6e8f0b2d3'
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'message_threads',
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('provider_id', sa.Uuid(), nullable=True),
        sa.Column('author_id', sa.Uuid(), nullable=True),
        sa.Column('last_message_at', MOMENT, nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', MOMENT, nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_message_threads_author_id_accounts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_message_threads_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['provider_id'], ['providers.id'],
                                name=op.f('fk_message_threads_provider_id_providers'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads')))
    op.create_index('ix_message_threads_circle_last_id', 'message_threads', ['circle_id', 'last_message_at', 'id'])
    op.create_table(
        'thread_recipients',
        sa.Column('thread_id', sa.Uuid(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_thread_recipients_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'],
                                name=op.f('fk_thread_recipients_thread_id_message_threads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('thread_id', 'account_id', name=op.f('pk_thread_recipients')))
    op.create_index(op.f('ix_thread_recipients_account_id'), 'thread_recipients', ['account_id'])
    op.create_table(
        'thread_reads',
        sa.Column('thread_id', sa.Uuid(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('read_at', MOMENT, nullable=True),
        sa.Column('removed_at', MOMENT, nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_thread_reads_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'],
                                name=op.f('fk_thread_reads_thread_id_message_threads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('thread_id', 'account_id', name=op.f('pk_thread_reads')))
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_read_before', MOMENT, nullable=True))
    op.execute('UPDATE members SET messages_read_before = messages_read_at')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('record_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('outbox_item_id', sa.Uuid(), nullable=True))
    bind = op.get_bind()
    messages = sa.table('messages', sa.column('id', sa.Uuid()), sa.column('circle_id', sa.Uuid()),
                        sa.column('author_id', sa.Uuid()), sa.column('audience', sa.String()),
                        sa.column('provider_id', sa.Uuid()), sa.column('text', sa.Text()),
                        sa.column('created_at', MOMENT))
    threads = sa.table('message_threads', sa.column('id', sa.Uuid()), sa.column('circle_id', sa.Uuid()),
                       sa.column('subject', sa.String()), sa.column('audience', sa.String()),
                       sa.column('provider_id', sa.Uuid()), sa.column('author_id', sa.Uuid()),
                       sa.column('last_message_at', MOMENT), sa.column('created_at', MOMENT))
    rows = [{'id': m.id, 'circle_id': m.circle_id, 'subject': ' '.join(m.text.split())[:15] or '…',
             'audience': m.audience, 'provider_id': m.provider_id, 'author_id': m.author_id,
             'last_message_at': m.created_at, 'created_at': m.created_at}
            for m in bind.execute(sa.select(messages)).all()]
    if rows:
        bind.execute(threads.insert(), rows)
    op.execute('UPDATE messages SET thread_id = id')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_circle_created_id')
        batch_op.drop_constraint('fk_messages_provider_id_providers', type_='foreignkey')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('audience')
        batch_op.alter_column('thread_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column('author_id', existing_type=sa.Uuid(), nullable=True)
        batch_op.alter_column('text', existing_type=sa.Text(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_messages_thread_id_message_threads'), 'message_threads',
                                    ['thread_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_messages_record_id_records'), 'records', ['record_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_messages_outbox_item_id_outbox_items'), 'outbox_items',
                                    ['outbox_item_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_messages_thread_created_id', ['thread_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_outbox_item_id'), ['outbox_item_id'], unique=False)
        batch_op.create_unique_constraint('uq_messages_circle_record', ['circle_id', 'record_id'])


def downgrade():
    raise NotImplementedError('threads cannot be folded back into one list without losing replies')
