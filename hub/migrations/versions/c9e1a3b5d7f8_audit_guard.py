"""on PostgreSQL the audit records cannot be changed or removed, except by the retention purge

Revision ID: c9e1a3b5d7f8
Revises: b8d0f2a4c6e7
Create Date: 2026-11-29 12:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c9e1a3b5d7f8'
down_revision = 'b8d0f2a4c6e7'
branch_labels = None
depends_on = None

GUARD = """
CREATE OR REPLACE FUNCTION carehub_audit_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('carehub.audit_purge', true) = 'on' THEN
        RETURN OLD;  -- the retention purge (carehub audit purge), in its own transaction
    END IF;
    RAISE EXCEPTION 'audit records are kept as written: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_records_guard BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION carehub_audit_guard();
"""


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(GUARD)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_records_guard ON audit_records')
        op.execute('DROP FUNCTION IF EXISTS carehub_audit_guard()')
