"""documents and FHIR Bundles members upload; the dossier of what one member uploaded

Revision ID: 8e0a2c4d6f7b
Revises: 6d8f0a2c4e5b
Create Date: 2026-11-29 18:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8e0a2c4d6f7b'
down_revision = '6d8f0a2c4e5b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'documents',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('circle_id', sa.Uuid(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_documents_circle_id_circles'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_documents_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')))
    op.create_index(op.f('ix_documents_circle_id'), 'documents', ['circle_id'], unique=False)
    with op.batch_alter_table('dossiers') as batch:
        batch.add_column(sa.Column('uploaded_by', sa.Uuid(), nullable=True))
        batch.create_foreign_key(batch.f('fk_dossiers_uploaded_by_accounts'), 'accounts', ['uploaded_by'], ['id'],
                                 ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('dossiers') as batch:
        batch.drop_constraint(batch.f('fk_dossiers_uploaded_by_accounts'), type_='foreignkey')
        batch.drop_column('uploaded_by')
    op.drop_index(op.f('ix_documents_circle_id'), table_name='documents')
    op.drop_table('documents')
