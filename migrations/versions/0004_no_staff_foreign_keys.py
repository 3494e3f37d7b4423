"""The audit trail (catalog) and the counselling requests no longer point at the staff accounts table.

change_sets.account_id and counselling_requests.account_id keep the id of a
staff account, but without a foreign key: the catalog and counselling packages
own those tables and must not depend on the staff package's tables (the action
server does not even load them). Accounts are disabled, never deleted, so the
id stays meaningful.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# SQLite's foreign key has no name: batch mode rebuilds the table and needs one to drop it.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


TABLES = ("change_sets", "counselling_requests")


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        if bind.dialect.name == "sqlite":
            with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
                batch_op.drop_constraint(f"fk_{table}_account_id_accounts", type_="foreignkey")
            continue
        names = [fk["name"] for fk in sa.inspect(bind).get_foreign_keys(table) if fk["referred_table"] == "accounts"]
        for name in names:
            op.drop_constraint(name, table, type_="foreignkey")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_foreign_key(
                f"fk_{table}_account_id_accounts", "accounts", ["account_id"], ["id"], ondelete="SET NULL"
            )
