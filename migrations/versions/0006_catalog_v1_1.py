"""Catalog format v1.1: application details and scholarships of schools, outcomes of
programmes, the occupation database and labour-market figures.

Every new column is nullable, so v1 rows stay valid and nothing is rewritten; the two new
tables start empty. Dropping columns on SQLite needs batch mode, hence batch_alter_table
in downgrade.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INSTITUTION_COLUMNS = (
    ("admission_phone", sa.String(length=64)),
    ("zalo", sa.String(length=255)),
    ("application_url", sa.String(length=512)),
    ("how_to_apply", sa.Text()),
    ("application_documents", sa.Text()),
    ("scholarships", sa.Text()),
)
PROGRAMME_COLUMNS = (
    ("occupation_code", sa.String(length=32)),
    ("intake_start", sa.Date()),
    ("employment_rate_percent", sa.Integer()),
    ("employment_rate_year", sa.Integer()),
    ("graduate_income_vnd_per_month", sa.BigInteger()),
)


def upgrade() -> None:
    for name, type_ in INSTITUTION_COLUMNS:
        op.add_column("institutions", sa.Column(name, type_, nullable=True))
    for name, type_ in PROGRAMME_COLUMNS:
        op.add_column("programmes", sa.Column(name, type_, nullable=True))
    op.create_index(op.f("ix_programmes_occupation_code"), "programmes", ["occupation_code"])
    op.create_table(
        "occupations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("suited_for", sa.Text(), nullable=True),
        sa.Column("riasec", sa.String(length=3), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_occupations_name_key"), "occupations", ["name_key"])
    op.create_index(op.f("ix_occupations_field"), "occupations", ["field"])
    op.create_table(
        "labour_market",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("demand", sa.String(length=16), nullable=True),
        sa.Column("income_min_vnd_per_month", sa.BigInteger(), nullable=True),
        sa.Column("income_max_vnd_per_month", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(["occupation_id"], ["occupations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_labour_market_occupation_id"), "labour_market", ["occupation_id"])
    op.create_index(op.f("ix_labour_market_province_id"), "labour_market", ["province_id"])


def downgrade() -> None:
    op.drop_table("labour_market")
    op.drop_table("occupations")
    op.drop_index(op.f("ix_programmes_occupation_code"), table_name="programmes")
    with op.batch_alter_table("programmes") as batch_op:
        for name, _ in reversed(PROGRAMME_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("institutions") as batch_op:
        for name, _ in reversed(INSTITUTION_COLUMNS):
            batch_op.drop_column(name)
