"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 01:47:21.422976
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "catalog_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_import_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_import_source", sa.String(length=512), nullable=True),
        sa.Column("last_import_summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "provinces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "former_provinces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "institutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ownership", sa.String(length=16), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("dormitory", sa.Boolean(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["provinces.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institutions_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_ownership"), ["ownership"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_province_id"), ["province_id"], unique=False)

    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("source_url", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["provinces.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policies_province_id"), ["province_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["institution_id"], ["institutions.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["provinces.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_province_id"), ["province_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_start_date"), ["start_date"], unique=False)

    op.create_table(
        "policy_learner_groups",
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("learner_group", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("policy_id", "learner_group"),
    )
    with op.batch_alter_table("policy_learner_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_learner_groups_learner_group"), ["learner_group"], unique=False)

    op.create_table(
        "policy_levels",
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("policy_id", "level"),
    )
    with op.batch_alter_table("policy_levels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_levels_level"), ["level"], unique=False)

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("entry_requirement", sa.String(length=8), nullable=True),
        sa.Column("tuition_vnd_per_year", sa.BigInteger(), nullable=True),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("admission_method", sa.Text(), nullable=True),
        sa.Column("application_deadline", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("career_prospects", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["institution_id"], ["institutions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "code", name="uq_programme_code"),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_field"), ["field"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_name_key"), ["name_key"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_name_key"))
        batch_op.drop_index(batch_op.f("ix_programmes_level"))
        batch_op.drop_index(batch_op.f("ix_programmes_institution_id"))
        batch_op.drop_index(batch_op.f("ix_programmes_field"))

    op.drop_table("programmes")
    with op.batch_alter_table("policy_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_levels_level"))

    op.drop_table("policy_levels")
    with op.batch_alter_table("policy_learner_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_learner_groups_learner_group"))

    op.drop_table("policy_learner_groups")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_start_date"))
        batch_op.drop_index(batch_op.f("ix_events_province_id"))
        batch_op.drop_index(batch_op.f("ix_events_institution_id"))

    op.drop_table("events")
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policies_province_id"))

    op.drop_table("policies")
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institutions_province_id"))
        batch_op.drop_index(batch_op.f("ix_institutions_ownership"))
        batch_op.drop_index(batch_op.f("ix_institutions_name_key"))
        batch_op.drop_index(batch_op.f("ix_institutions_kind"))

    op.drop_table("institutions")
    op.drop_table("former_provinces")
    op.drop_table("provinces")
    op.drop_table("catalog_meta")
