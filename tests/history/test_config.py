"""Where the database and the image files live."""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest
from psycopg import sql

from imagegen.history import (
    DatabaseUnavailableError,
    HistoryStore,
    RunFilter,
    db,
    dispose_engines,
    resolve_data_dir,
    resolve_database_url,
)
from imagegen.history.config import display_url
from imagegen.history.migrate import current_revision, head_revision


def test_defaults_are_under_dot_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = HistoryStore()
    assert store.data_dir == tmp_path / "data"
    assert store.database_url == f"sqlite:///{tmp_path / 'data' / 'imagegen.db'}"
    assert (tmp_path / "data" / "imagegen.db").is_file()


def test_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("IMAGEGEN_DATABASE_URL", f"sqlite:///{tmp_path / 'db' / 'history.db'}")
    store = HistoryStore()
    assert store.data_dir == tmp_path / "files" and store.data_dir.is_dir()
    assert (tmp_path / "db" / "history.db").is_file()


def test_data_dir_env_alone_moves_the_default_database(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "files"))
    assert resolve_database_url() == f"sqlite:///{tmp_path / 'files' / 'imagegen.db'}"


def test_secrets_file_database_url_is_used_after_the_environment(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "from-secrets.db"}"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    assert resolve_database_url() == f"sqlite:///{tmp_path / 'from-secrets.db'}"
    monkeypatch.setenv("IMAGEGEN_DATABASE_URL", "sqlite:///elsewhere.db")
    assert resolve_database_url() == "sqlite:///elsewhere.db"
    assert resolve_database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


def test_explicit_arguments_win(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "env"))
    store = HistoryStore(database_url=f"sqlite:///{tmp_path / 'x.db'}", data_dir=tmp_path / "mine")
    assert store.data_dir == tmp_path / "mine" and not (tmp_path / "env").exists()
    assert Path(tmp_path / "x.db").is_file()
    assert resolve_data_dir(str(tmp_path / "other")) == tmp_path / "other"


def test_passwords_never_show_in_the_url(tmp_path):
    assert display_url("postgresql://imagegen:hunter2@db/history") == "postgresql://imagegen:***@db/history"


def test_a_team_shares_a_postgres_database(postgres_server, tmp_path, monkeypatch):
    """The README's setup: a role with a password that owns an empty database, its URL under [database] in
    secrets.toml. The first app to open it migrates it (as that role, not a superuser); every other app
    instance finds it at head. The password is checked by the server and shown nowhere."""
    role = database = f"team_{uuid.uuid4().hex[:8]}"
    password = "s3cret-Pass"
    postgres_server.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                                 sql.Literal(password)))
    postgres_server.create_database(database, owner=role)
    try:
        url = postgres_server.url(database, role, password)
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'[database]\nurl = "{url}"\n')
        monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
        first = HistoryStore(data_dir=tmp_path / "one")
        assert first.database_url == url.replace(password, "***") and password not in repr(first)
        assert current_revision(first.engine) == head_revision()
        run_id = first.create_run("Crème brûlée", [], [])
        second = HistoryStore(data_dir=tmp_path / "two")  # another app instance: no migration to do
        assert [s.id for s in second.search_runs(RunFilter(text="creme BRUL"))[0]] == [run_id]

        wrong = postgres_server.url(database, role, "not-the-password")
        with pytest.raises(DatabaseUnavailableError, match="password authentication failed") as failure:
            HistoryStore(database_url=wrong, data_dir=tmp_path / "three")
        assert "not-the-password" not in str(failure.value) and f"{role}:***@" in str(failure.value)
    finally:
        dispose_engines()
        postgres_server.drop_database(database)
        postgres_server.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_an_unreachable_postgres_server_is_named_with_the_fix(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://imagegen:hunter2@127.0.0.1:{port}/history"
    with pytest.raises(DatabaseUnavailableError, match="IMAGEGEN_DATABASE_URL") as failure:
        HistoryStore(database_url=url, data_dir=tmp_path / "data")
    message = str(failure.value)
    assert f"imagegen:***@127.0.0.1:{port}/history" in message and "hunter2" not in message
    assert "refused" in message.lower()


def test_a_server_that_never_answers_times_out(tmp_path, monkeypatch):
    """A firewalled or hung server fails the store's opening after CONNECT_TIMEOUT_S instead of hanging."""
    monkeypatch.setattr(db, "CONNECT_TIMEOUT_S", 2)  # libpq's smallest
    with socket.socket() as silent:  # accepts the TCP connection (backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"postgresql+psycopg://imagegen@127.0.0.1:{silent.getsockname()[1]}/history"
        began = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="timeout"):
            HistoryStore(database_url=url, data_dir=tmp_path / "data")
        assert time.monotonic() - began < 15
