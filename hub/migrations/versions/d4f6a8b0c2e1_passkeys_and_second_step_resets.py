"""passkeys, WebAuthn challenges per session, and the 7-day reset of a lost second step

Revision ID: d4f6a8b0c2e1
Revises: ab2c4e6f8a0b
Create Date: 2026-12-04 17:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4f6a8b0c2e1'
down_revision = 'ab2c4e6f8a0b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('passkey_count', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('auth_sessions') as batch:
        batch.add_column(sa.Column('passkey_challenge', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('passkey_purpose', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('passkey_challenge_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'passkeys',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('credential_id', sa.String(length=1400), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('transports', sa.JSON(), nullable=True),
        sa.Column('backed_up', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_passkeys_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_passkeys_credential_id')),
    )
    op.create_index('ix_passkeys_account_id', 'passkeys', ['account_id'])
    op.create_table(
        'second_step_resets',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancel_hash', sa.String(length=64), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_second_step_resets_account_id_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_second_step_resets')),
        sa.UniqueConstraint('cancel_hash', name=op.f('uq_second_step_resets_cancel_hash')),
    )
    op.create_index('ix_second_step_resets_account_id', 'second_step_resets', ['account_id'])


def downgrade():
    op.drop_index('ix_second_step_resets_account_id', table_name='second_step_resets')
    op.drop_table('second_step_resets')
    op.drop_index('ix_passkeys_account_id', table_name='passkeys')
    op.drop_table('passkeys')
    with op.batch_alter_table('auth_sessions') as batch:
        batch.drop_column('passkey_challenge_at')
        batch.drop_column('passkey_purpose')
        batch.drop_column('passkey_challenge')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('passkey_count')
