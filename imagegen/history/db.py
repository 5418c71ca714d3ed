"""One SQLAlchemy engine per (process, URL), with SQLite set up for several threads and processes.

PostgreSQL (`postgresql+psycopg://`) needs no setup: its engines pre-ping pooled connections and give up
connecting after CONNECT_TIMEOUT_S unless the URL sets `connect_timeout`; the locks below are advisory locks.

SQLite connections get `busy_timeout`, WAL journal and `foreign_keys=ON` on connect. SQLAlchemy emits
BEGIN itself (the sqlite3 module's own transaction handling is turned off, as SQLAlchemy's docs
recommend), so a write transaction can start with `BEGIN IMMEDIATE`: it takes the write lock up front
and waits for it under `busy_timeout`, instead of failing with "database is locked" when a read
transaction later tries to upgrade to a write. Use `writer(engine)` for transactions that write.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 10  # PostgreSQL: an unreachable server fails the store's opening instead of hanging it
_BEGIN_OPTION = "imagegen_sqlite_begin"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _is_memory(url: str) -> bool:
    database = make_url(url).database
    return not database or database == ":memory:"


def _setup_sqlite(engine: Engine, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                # FULL, not NORMAL: a commit that deleted rows must survive power loss, because the
                # image files those rows referenced are unlinked right after it.
                cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _create(url: str) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend != "sqlite":
        # pre-ping: a connection the server dropped (restart, failover, idle timeout) is replaced, not used
        connect_args = {}
        if backend == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if _is_memory(url):  # one shared connection: for single-threaded tests and experiments only
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        _setup_sqlite(engine, memory=True)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _setup_sqlite(engine, memory=False)
    return engine


def get_engine(url: str) -> Engine:
    """The process-wide engine for `url`, created on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create(url)
        return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions start with BEGIN IMMEDIATE on SQLite."""
    if is_sqlite(engine):
        return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
    return engine


MIGRATION_LOCK_ID = 0x1A6E6E  # any constant shared by every process that migrates this database


def lock_for_migration(connection) -> None:
    """Make concurrent migrations run one after the other, until the connection's transaction ends.

    SQLite: the transaction began with BEGIN IMMEDIATE (see `writer`), which already holds the write lock.
    PostgreSQL: a transaction-scoped advisory lock.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")


FILES_LOCK_ID = 0x1A6E6F


def lock_files(connection) -> None:
    """Hold the lock that orders image-file writes against file cleanup, until the transaction ends.

    SQLite: `connection` comes from `writer(engine)`, so BEGIN IMMEDIATE already holds the write lock.
    PostgreSQL: a transaction-scoped advisory lock.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({FILES_LOCK_ID})")


def dispose_engines() -> None:
    """Close every cached engine's connections (tests, shutdown). Engines are recreated on next use."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()
