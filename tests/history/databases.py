"""Databases for the history tests on either backend (the fixtures in conftest.py use these)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from imagegen.history import dispose_engines
from scripts.pg_server import PostgresServer

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "imagegen_template"  # migrated to head once per session by the postgres_server fixture
_names = itertools.count(1)


@contextlib.contextmanager
def postgres_database(server: PostgresServer, migrated: bool = True) -> Iterator[str]:
    """A new database (a copy of the migrated template, or empty) and its URL; dropped afterwards."""
    name = f"history_{next(_names)}"
    url = server.create_database(name, template=TEMPLATE if migrated else None)
    try:
        yield url
    finally:
        dispose_engines()
        server.drop_database(name)


@contextlib.contextmanager
def history_database(request, backend: str, folder, migrated: bool = True) -> Iterator[str]:
    """A URL of a database of its own on `backend` (SQLite: a file in `folder`, migrated when opened)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'history.db'}"
    else:
        with postgres_database(request.getfixturevalue("postgres_server"), migrated) as url:
            yield url
