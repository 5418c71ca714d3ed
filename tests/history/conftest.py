"""History fixtures: every store test runs on SQLite and on PostgreSQL, each on a database of its own.

- `backend` parametrizes a test over "sqlite" and "postgresql"; `store`, `database_url` and
  `empty_database_url` follow it, so a test using any of them runs once per backend.
- SQLite: a new file in the test's tmp dir. PostgreSQL: one throw-away server per session
  (scripts/pg_server.py; installed by scripts/ensure_postgres.sh when missing), a template database migrated
  once, and per test `CREATE DATABASE ... TEMPLATE` (a copy at head) or an empty one, dropped afterwards.
  If the server cannot start, every PostgreSQL test fails with the reason: nothing is skipped.
- Tests about SQLite itself (its file, PRAGMAs, FTS5, EXPLAIN QUERY PLAN) are marked `sqlite_only` with the
  reason; where the behaviour matters on PostgreSQL too, a PostgreSQL test sits next to them.
- No IMAGEGEN_* settings leak in, and every cached engine is closed after each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from imagegen.history import HistoryStore, dispose_engines
from imagegen.history.migrate import upgrade
from scripts.pg_server import PostgresServer

from .databases import BACKENDS, TEMPLATE, history_database

_started: list[PostgresServer] = []


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; the reason says why")


def pytest_terminal_summary(terminalreporter):
    for server in _started:
        terminalreporter.write_line(f"history tests: PostgreSQL {server.version} (throw-away, port {server.port}) "
                                    f"started in {server.startup_seconds:.2f} s")


@pytest.fixture(autouse=True)
def isolated_history(monkeypatch):
    monkeypatch.delenv("IMAGEGEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("IMAGEGEN_DATA_DIR", raising=False)
    yield
    dispose_engines()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's throw-away PostgreSQL server, with `imagegen_template` migrated to head."""
    server = PostgresServer().start()
    try:
        template_url = server.create_database(TEMPLATE)
        engine = create_engine(template_url, poolclass=NullPool)  # no connection may stay: it is copied
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        _started.append(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(request, backend, tmp_path) -> Iterator[str]:
    """A fresh history database on `backend` (PostgreSQL: already at head)."""
    with history_database(request, backend, tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(request, backend, tmp_path) -> Iterator[str]:
    """A database with no tables at all on `backend`, for the migrations to start from."""
    with history_database(request, backend, tmp_path, migrated=False) as url:
        yield url


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(request, backend, data_dir) -> HistoryStore:
    """A store on `backend`; on SQLite at its default place, `<data_dir>/imagegen.db`."""
    if backend == "sqlite":
        return HistoryStore(data_dir=data_dir)
    return HistoryStore(database_url=request.getfixturevalue("database_url"), data_dir=data_dir)
