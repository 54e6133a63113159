"""indexes in the order of each list (time, then id), so a page is read from the index at any size

Revision ID: e5a7c9d1f3b4
Revises: d4f6b8c0e2a3
Create Date: 2026-11-29 11:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f3b4'
down_revision = 'd4f6b8c0e2a3'
branch_labels = None
depends_on = None

#: table, old index and its columns, new index and its columns
CHANGES = [
    ('messages', 'ix_messages_circle_created', ['circle_id', 'created_at'],
     'ix_messages_circle_created_id', ['circle_id', 'created_at', 'id']),
    ('board_posts', 'ix_board_posts_circle_created', ['circle_id', 'created_at'],
     'ix_board_posts_circle_created_id', ['circle_id', 'created_at', 'id']),
    ('notes', 'ix_notes_circle_id', ['circle_id'], 'ix_notes_circle_updated_id', ['circle_id', 'updated_at', 'id']),
    ('audit_records', 'ix_audit_records_circle_at', ['circle_id', 'at'],
     'ix_audit_records_circle_at_id', ['circle_id', 'at', 'id']),
]


def upgrade():
    for table, old, _, new, columns in CHANGES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(new, columns, unique=False)
            batch_op.drop_index(old)


def downgrade():
    for table, old, old_columns, new, _ in CHANGES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(old, old_columns, unique=False)
            batch_op.drop_index(new)
