"""Where the database and the image files live."""

from __future__ import annotations

from pathlib import Path

from imagegen.history import HistoryStore, resolve_data_dir, resolve_database_url
from imagegen.history.config import display_url


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
