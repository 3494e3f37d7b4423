"""The department's usage report: messages per Vietnam day, channel, intent, province,
trade and school (no sender, no text), and the ids of messages already counted (so a
retried action counts once).

Two new tables, nothing existing is rewritten; the report covers messages from this
migration on.

Revision ID: 0007_usage_stats
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_usage_stats"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=False),
        sa.Column("occupation_code", sa.String(length=32), nullable=False),
        sa.Column("institution_code", sa.String(length=32), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "channel", "intent", "province", "occupation_code", "institution_code", name="uq_usage_count"),
    )
    with op.batch_alter_table("usage_counts") as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_counts_day"), ["day"], unique=False)

    op.create_table(
        "counted_messages",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("counted_messages") as batch_op:
        batch_op.create_index(batch_op.f("ix_counted_messages_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("counted_messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_counted_messages_at"))
    op.drop_table("counted_messages")
    with op.batch_alter_table("usage_counts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_counts_day"))
    op.drop_table("usage_counts")
