"""Alembic environment: runs on the connection handed over by catalog.migrate."""

from alembic import context

import catalog.counselling_models  # noqa: F401  (conversation records)
import catalog.office_models  # noqa: F401  (accounts and audit tables)
from catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
