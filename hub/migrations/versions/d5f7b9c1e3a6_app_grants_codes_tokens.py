"""apps: a member's consent, its authorization codes and its tokens

Revision ID: d5f7b9c1e3a6
Revises: c3e5a7b9d1f4
Create Date: 2026-12-05 08:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5f7b9c1e3a6'
down_revision = 'c3e5a7b9d1f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('app_grants',
    sa.Column('app_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('circle_id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('permissions', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_app_grants_account_id_accounts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_app_grants_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_app_grants_circle_id_circles'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_app_grants_member_id_members'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_grants')),
    sa.UniqueConstraint('app_id', 'member_id', name=op.f('uq_app_grants_app_id'))
    )
    op.create_index(op.f('ix_app_grants_account_id'), 'app_grants', ['account_id'], unique=False)
    op.create_index(op.f('ix_app_grants_circle_id'), 'app_grants', ['circle_id'], unique=False)
    op.create_table('app_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('grant_id', sa.Uuid(), nullable=False),
    sa.Column('redirect_uri', sa.String(length=500), nullable=False),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('code_challenge', sa.String(length=128), nullable=False),
    sa.Column('code_challenge_method', sa.String(length=10), nullable=False),
    sa.Column('nonce', sa.String(length=255), nullable=True),
    sa.Column('auth_time', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['app_grants.id'], name=op.f('fk_app_codes_grant_id_app_grants'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_app_codes_code_hash'))
    )
    op.create_index(op.f('ix_app_codes_grant_id'), 'app_codes', ['grant_id'], unique=False)
    op.create_table('app_tokens',
    sa.Column('grant_id', sa.Uuid(), nullable=False),
    sa.Column('code_id', sa.Uuid(), nullable=True),
    sa.Column('access_hash', sa.String(length=64), nullable=False),
    sa.Column('refresh_hash', sa.String(length=64), nullable=True),
    sa.Column('scope', sa.String(length=1000), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['app_grants.id'], name=op.f('fk_app_tokens_grant_id_app_grants'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_tokens')),
    sa.UniqueConstraint('access_hash', name=op.f('uq_app_tokens_access_hash')),
    sa.UniqueConstraint('refresh_hash', name=op.f('uq_app_tokens_refresh_hash'))
    )
    op.create_index(op.f('ix_app_tokens_code_id'), 'app_tokens', ['code_id'], unique=False)
    op.create_index(op.f('ix_app_tokens_grant_id'), 'app_tokens', ['grant_id'], unique=False)


def downgrade():
    op.drop_table('app_tokens')
    op.drop_table('app_codes')
    op.drop_table('app_grants')
