"""Apply the hand-written Alembic migrations in `migrations/` programmatically (no alembic.ini)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from imagegen.history.db import lock_for_migration, writer

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer imagegen than this one."""


class DatabaseUnavailableError(RuntimeError):
    """The history database cannot be opened: server down or unreachable, wrong name or password, ..."""


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine) -> bool:
    """Bring the database to head; return True when this call migrated it. A database already at head is
    only read. Concurrent callers (threads or processes) wait for the migration lock, then find it done."""
    head = head_revision()
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailableError(
            f"Cannot open the history database {where}: {reason}. Check IMAGEGEN_DATABASE_URL (or url under "
            f"[database] in .streamlit/secrets.toml) and that the database server is running and reachable."
        ) from exc
    if current == head:
        return False
    with writer(engine).begin() as connection:
        lock_for_migration(connection)
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return False
        if current is not None and not _known(current):
            raise SchemaTooNewError(f"The history database is at revision {current}, which this code does not "
                                    f"know (its newest is {head}): update imagegen before opening this database.")
        command.upgrade(alembic_config(connection), "head")
    log.info("history database migrated from %s to %s", current or "empty", head)
    return True
