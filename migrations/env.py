"""The one Alembic home for the shared database: its env imports every package's models.

Run through catalog.migrate.migrate() (every import and every service start
calls it), never with an alembic.ini.
"""

from alembic import context

import catalog.history_models  # noqa: F401  (audit trail of catalog changes)
import counselling.models  # noqa: F401  (conversation records)
import counselling.reminder_models  # noqa: F401  (reminders students asked for)
import staff.models  # noqa: F401  (accounts, sessions, uploads)
from catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
