"""Counsellors' labels on unanswered messages (the intent the message should have had).

Three nullable columns, so existing rows stay valid and nothing is rewritten.
`op.add_column` of a nullable column without a constraint is plain ALTER TABLE
on both SQLite and PostgreSQL (no batch rebuild needed); dropping them on SQLite
needs batch mode, hence batch_alter_table in downgrade.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("unanswered_messages", sa.Column("label", sa.String(length=64), nullable=True))
    op.add_column("unanswered_messages", sa.Column("labelled_by", sa.String(length=64), nullable=True))
    op.add_column("unanswered_messages", sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unanswered_messages") as batch_op:
        batch_op.drop_column("labelled_at")
        batch_op.drop_column("labelled_by")
        batch_op.drop_column("label")
