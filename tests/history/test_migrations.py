"""The schema comes from the hand-written migrations, opening twice is a no-op, and models agree with them."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from imagegen.history import HistoryStore, SchemaTooNewError, get_engine
from imagegen.history.migrate import current_revision, head_revision, upgrade
from imagegen.history.models import Base
from imagegen.history.search import is_search_index_table

from .helpers import artifact, record

EXPECTED_COLUMNS = {
    "runs": {"id", "created_at", "prompt", "rulesets", "negative_rulesets", "notes"},
    "generations": {
        "id", "run_id", "position", "provider", "model", "requested_options", "effective_options", "prompt",
        "negative_prompt", "status", "error_kind", "error_message", "warnings", "seed", "revised_prompt",
        "latency_ms", "cost_usd", "emulated", "created_at",
    },
    "images": {
        "id", "generation_id", "sha256", "format", "mime_type", "width", "height", "byte_size", "storage_key",
        "thumbnail_key", "created_at",
    },
    "rulesets": {"id", "name", "rules", "negative", "created_at", "updated_at"},
    "tags": {"id", "run_id", "name"},
    "votes": {"id", "generation_id", "value", "created_at"},
}


def _sqlite(path):
    return sqlite3.connect(path)


def test_an_empty_database_reaches_head(tmp_path):
    db = tmp_path / "fresh.db"
    HistoryStore(database_url=f"sqlite:///{db}", data_dir=tmp_path / "data")
    with _sqlite(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(EXPECTED_COLUMNS) | {"alembic_version"} <= tables
        for table, columns in EXPECTED_COLUMNS.items():
            assert {row[1] for row in connection.execute(f"PRAGMA table_info({table})")} == columns, table
        indexes = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"ix_generations_run_id_position", "ix_generations_provider", "ix_generations_model",
                "ix_generations_status", "ix_generations_created_at", "ix_images_sha256"} <= indexes
        fks = {(table, row[2], row[6]) for table in ("generations", "images", "tags", "votes")
               for row in connection.execute(f"PRAGMA foreign_key_list({table})")}
        assert fks == {("generations", "runs", "CASCADE"), ("images", "generations", "CASCADE"),
                       ("tags", "runs", "CASCADE"), ("votes", "generations", "CASCADE")}


def test_models_match_the_migrations(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # The full-text index (migration 0002) is raw SQLite FTS5, not part of the ORM models.
            "include_name": lambda name, kind, _: not (kind == "table" and is_search_index_table(name)),
        })
        assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_is_a_no_op_and_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    first = HistoryStore(database_url=url, data_dir=tmp_path / "data")
    run_id = first.create_run("fox", [], [])
    first.add_generation(run_id, record(0), artifact(seed=1))
    assert upgrade(first.engine) is False  # already at head: nothing runs
    second = HistoryStore(database_url=url, data_dir=tmp_path / "data")
    assert current_revision(second.engine) == head_revision()
    assert second.get_run(run_id).generations[0].image.sha256 == artifact(seed=1).sha256
    # the second store writes, the first reads it
    other = second.create_run("owl", [], [])
    assert [s.id for s in first.list_runs()] == [other, run_id]


def test_stores_opening_at_once_migrate_once(tmp_path):
    """Each thread has its own connection, so SQLite locks them as it would separate processes."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    barrier, errors, migrated = threading.Barrier(4), [], []

    def migrate():
        try:
            barrier.wait()
            migrated.append(upgrade(get_engine(url)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(migrated) == [False, False, False, True]
    with _sqlite(tmp_path / "race.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    assert HistoryStore(database_url=url, data_dir=tmp_path / "data").count_runs() == 0


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    HistoryStore(database_url=url, data_dir=tmp_path / "data")
    with _sqlite(tmp_path / "newer.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    get_engine(url).dispose()
    with pytest.raises(SchemaTooNewError, match="9999"):
        HistoryStore(database_url=url, data_dir=tmp_path / "data")


def test_the_schema_is_not_created_by_the_models(store):
    """Every table exists because a migration made it: alembic_version names the head revision."""
    names = {name for name in inspect(store.engine).get_table_names() if not is_search_index_table(name)}
    assert names == set(EXPECTED_COLUMNS) | {"alembic_version"}
    assert "runs_fts" in inspect(store.engine).get_table_names()  # migration 0002's full-text index
    assert current_revision(store.engine) == head_revision() == "0003"
