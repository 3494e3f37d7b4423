"""One writer at a time for changes that read the catalog, decide, then write.

PostgreSQL: the catalog_meta row lock, held to commit, works across processes.
SQLite (one service process): a process lock, because a deferred SQLite
transaction in WAL mode cannot wait for another writer.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.orm import Session

from catalog import db
from catalog.models import CatalogMeta

_process_lock = threading.Lock()


class _writer:
    def __init__(self, session: Session):
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def __enter__(self):
        if self.sqlite:
            _process_lock.acquire()
        try:
            self.session.execute(update(CatalogMeta).where(CatalogMeta.id == 1).values(version=CatalogMeta.version))
        except BaseException:
            if self.sqlite:
                _process_lock.release()
            raise
        return self

    def __exit__(self, *exc):
        if self.sqlite:
            # the transaction commits after this block; keep the lock until then
            self.session.info.setdefault("after_commit_release", []).append(_process_lock.release)
        return False


def _release_after_transaction(session: Session) -> None:
    for release in session.info.pop("after_commit_release", []):
        release()


@contextmanager
def serialised_session(url: str | None):
    """A session whose transaction holds the writer lock from its first statement to its end."""
    with db.session(url) as session:
        try:
            with session.begin():
                with _writer(session):
                    yield session
        finally:
            _release_after_transaction(session)
