"""Alembic environment for the history, run by `imagegen.history.migrate.upgrade` (HistoryStore calls it
on open). That passes an open connection in `config.attributes["connection"]`, already inside a transaction
holding the migration lock, so two processes migrating at once run one after the other."""

from __future__ import annotations

from alembic import context

from imagegen.history.db import lock_for_migration
from imagegen.history.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise SystemExit("Run history migrations through imagegen.history: opening a HistoryStore (or calling "
                     "imagegen.history.migrate.upgrade(engine)) brings the database to head.")

lock_for_migration(connection)
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
