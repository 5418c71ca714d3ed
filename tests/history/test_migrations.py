"""The schema comes from the hand-written migrations, opening twice is a no-op, and models agree with them."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from imagegen.history import HistoryStore, RunFilter, SchemaTooNewError, dispose_engines, get_engine
from imagegen.history.db import lock_for_migration, writer
from imagegen.history.migrate import current_revision, head_revision, upgrade
from imagegen.history.models import Base
from imagegen.history.search import is_search_index_table

from .helpers import artifact, record, waiting_on_advisory_lock

EXPECTED_COLUMNS = {
    "runs": {"id", "created_at", "prompt", "rulesets", "negative_rulesets", "notes", "planned"},
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
    "drafts": {"token", "data", "updated_at"},
}


def test_an_empty_database_reaches_head(empty_database_url, data_dir):
    store = HistoryStore(database_url=empty_database_url, data_dir=data_dir)
    schema = inspect(store.engine)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(head_revision(),)]
    assert set(EXPECTED_COLUMNS) | {"alembic_version"} <= set(schema.get_table_names())
    for table, columns in EXPECTED_COLUMNS.items():
        assert {column["name"] for column in schema.get_columns(table)} == columns, table
    indexes = {index["name"] for table in EXPECTED_COLUMNS for index in schema.get_indexes(table)}
    assert {"ix_generations_run_id_position", "ix_generations_provider", "ix_generations_model",
            "ix_generations_status", "ix_generations_created_at", "ix_images_sha256",
            "ix_generations_provider_status_run_id", "ix_images_storage_key", "ix_drafts_updated_at"} <= indexes
    fks = {(table, fk["referred_table"], fk["options"].get("ondelete"))
           for table in ("generations", "images", "tags", "votes") for fk in schema.get_foreign_keys(table)}
    assert fks == {("generations", "runs", "CASCADE"), ("images", "generations", "CASCADE"),
                   ("tags", "runs", "CASCADE"), ("votes", "generations", "CASCADE")}
    run_id = store.create_run("fox", [], [])  # server defaults and booleans work on the new schema
    with store.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO generations (run_id, position, provider, model, requested_options, effective_options, "
            "prompt, status, warnings, created_at) VALUES (:run_id, 0, 'openai', 'dall-e-3', '{}', '{}', 'fox', "
            "'ok', '[]', CURRENT_TIMESTAMP)"), {"run_id": run_id})
    (generation,) = store.get_run(run_id).generations
    assert (generation.negative_prompt, generation.emulated, store.get_run(run_id).notes) == ("", False, "")


def test_models_match_the_migrations(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # The full-text index (migration 0002) is raw SQLite FTS5, not part of the ORM models.
            "include_name": lambda name, kind, _: not (kind == "table" and is_search_index_table(name)),
        })
        assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_is_a_no_op_and_keeps_data(database_url, tmp_path):
    url = database_url
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


def test_stores_opening_at_once_migrate_once(empty_database_url, tmp_path):
    """Each thread has its own connection, so the database locks them as it would separate processes."""
    url = empty_database_url
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
    with get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(head_revision(),)]
    assert HistoryStore(database_url=url, data_dir=tmp_path / "data").count_runs() == 0


def test_a_database_from_a_newer_version_is_refused(database_url, tmp_path):
    url = database_url
    HistoryStore(database_url=url, data_dir=tmp_path / "data")
    with get_engine(url).begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    get_engine(url).dispose()
    with pytest.raises(SchemaTooNewError, match="9999"):
        HistoryStore(database_url=url, data_dir=tmp_path / "data")


def test_the_schema_is_not_created_by_the_models(store):
    """Every table exists because a migration made it: alembic_version names the head revision."""
    names = {name for name in inspect(store.engine).get_table_names() if not is_search_index_table(name)}
    assert names == set(EXPECTED_COLUMNS) | {"alembic_version"}
    assert "runs_fts" in inspect(store.engine).get_table_names()  # the full-text index: 0002 (SQLite), 0004 (PG)
    assert current_revision(store.engine) == head_revision() == "0005"


def test_a_second_migrator_waits_for_the_migration_lock(empty_database_url, backend):
    """While one process holds the migration lock (SQLite: the write lock; PostgreSQL: an advisory lock),
    another opening the same empty database waits, then migrates it."""
    engine = get_engine(empty_database_url)
    done, result = threading.Event(), []

    def migrate():
        try:
            result.append(upgrade(engine))
        except Exception as exc:  # noqa: BLE001 - reported below
            result.append(exc)
        finally:
            done.set()

    with writer(engine).begin() as holder:
        lock_for_migration(holder)
        thread = threading.Thread(target=migrate)
        thread.start()
        if backend == "postgresql":
            deadline = time.monotonic() + 10
            while not waiting_on_advisory_lock(engine):
                assert time.monotonic() < deadline, "the second migrator never waited for the advisory lock"
                time.sleep(0.02)
        assert not done.wait(0.5), "the second migrator did not wait for the migration lock"
    thread.join(timeout=60)
    assert result == [True] and current_revision(engine) == head_revision()


def test_without_unaccent_search_still_works(postgres_server, tmp_path, caplog):
    """A role that may not create extensions (not the database's owner) gets search without folding
    diacritics but with stemming, and a warning that says how to add it, instead of a failed migration. The
    statements of 0005's warning (not 0004's) add folding and keep stemming accented words."""
    suffix = tmp_path.name[-8:].lower().replace("-", "_")
    role, database = f"plain_{suffix}", f"plain_{suffix}"
    postgres_server.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD \'pw\'')
    postgres_server.create_database(database)
    try:
        postgres_server.execute(f'GRANT CREATE ON SCHEMA public TO "{role}"', None, database=database)
        store = HistoryStore(database_url=postgres_server.url(database, role, "pw"), data_dir=tmp_path / "data")
        assert current_revision(store.engine) == head_revision()
        run_id = store.create_run("Crème brûlée, soft-light, painted foxes", [], [])
        assert store.search_runs(RunFilter(text="crème soft"))[1] == 1
        assert store.search_runs(RunFilter(text="painting fox"))[1] == 1  # stemmed
        assert store.search_runs(RunFilter(text="creme"))[1] == 0  # no folding without unaccent
        assert [s.id for s in store.search_runs(RunFilter(text="brûl"))[0]] == [run_id]
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "unaccent" in r.getMessage()]
        assert len(warnings) == 2 and "migration 0004" in warnings[1]  # 0004's, then 0005's that replaces it
        warning = warnings[1]
        for statement in warning.split("in this database: ", 1)[1].split(";"):  # the fix the warning names
            if statement.strip():
                postgres_server.execute(statement, database=database)
        assert [s.id for s in store.search_runs(RunFilter(text="creme BRULEE"))[0]] == [run_id]
        assert [s.id for s in store.search_runs(RunFilter(text="cremes paint"))[0]] == [run_id]
    finally:
        dispose_engines()
        postgres_server.drop_database(database)
        postgres_server.execute(f'DROP ROLE "{role}"')
