"""each kept version of a plan or goal says what happened and when: the timeline's plan cards

Revision ID: a4c6e8f0b2d3
Revises: f3b5d7e9a1c2
Create Date: 2026-11-29 13:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d3'
down_revision = 'f3b5d7e9a1c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dossier_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('event', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('event_at', sa.DateTime(timezone=True), nullable=True))
    # the versions kept so far are of plans: the first of each is its making, the others changes
    op.execute("""UPDATE record_versions SET
        dossier_id = (SELECT records.dossier_id FROM records WHERE records.id = record_versions.record_id),
        kind = (SELECT records.kind FROM records WHERE records.id = record_versions.record_id),
        event_at = COALESCE(occurred_at, stored_at),
        event = CASE WHEN stored_at = (SELECT MIN(v.stored_at) FROM record_versions v
                                       WHERE v.record_id = record_versions.record_id)
                THEN 'plan_created' ELSE 'plan_changed' END""")
    op.execute("UPDATE record_versions SET event_at = stored_at WHERE event = 'plan_changed'")
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.alter_column('dossier_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('event', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('event_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_record_versions_dossier_id_dossiers'), 'dossiers', ['dossier_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_record_versions_dossier_event', ['dossier_id', 'event_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_record_versions_dossier_event')
        batch_op.drop_constraint(batch_op.f('fk_record_versions_dossier_id_dossiers'), type_='foreignkey')
        batch_op.drop_column('event_at')
        batch_op.drop_column('event')
        batch_op.drop_column('kind')
        batch_op.drop_column('dossier_id')
