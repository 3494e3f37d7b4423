"""Reminders a student asked for in the chat (issue 23): subscriptions, the durable outbox
(one idempotency key per reminder and send time) and counts per event or programme.

Three new tables; nothing existing changes.

Revision ID: 0008_reminders
Revises: 0007_usage_stats
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_reminders"
down_revision = "0007_usage_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_code", sa.String(length=80), nullable=False),
        sa.Column("target_title", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "target_kind", "target_code", name="uq_reminder_target"),
    )
    with op.batch_alter_table("reminder_subscriptions") as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_subscriptions_recipient"), ["recipient"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_subscriptions_sender_id"), ["sender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_subscriptions_active"), ["active"], unique=False)

    op.create_table(
        "reminder_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["reminder_subscriptions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("reminder_outbox") as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_outbox_subscription_id"), ["subscription_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_outbox_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_outbox_state"), ["state"], unique=False)

    op.create_table(
        "reminder_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_code", sa.String(length=80), nullable=False),
        sa.Column("target_title", sa.String(length=255), nullable=False),
        sa.Column("subscribed", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target_kind", "target_code", name="uq_reminder_count"),
    )


def downgrade() -> None:
    op.drop_table("reminder_counts")
    with op.batch_alter_table("reminder_outbox") as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_outbox_state"))
        batch_op.drop_index(batch_op.f("ix_reminder_outbox_due_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_outbox_subscription_id"))
    op.drop_table("reminder_outbox")
    with op.batch_alter_table("reminder_subscriptions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_subscriptions_active"))
        batch_op.drop_index(batch_op.f("ix_reminder_subscriptions_sender_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_subscriptions_recipient"))
    op.drop_table("reminder_subscriptions")
