"""The throw-away PostgreSQL server the history tests run on (scripts/pg_server.py): it runs unprivileged,
leaves nothing behind, and says why when it cannot be found or started."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts import pg_server
from scripts.pg_server import PostgresError, PostgresServer


def test_the_session_server_runs_unprivileged_on_loopback(postgres_server: PostgresServer):
    pid = int((postgres_server.data_dir / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0  # initdb and postgres refuse root: never run as root
    (listen,) = postgres_server.execute("SELECT current_setting('listen_addresses')")[0]
    assert listen == "127.0.0.1"
    settings = dict(postgres_server.execute(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'server_encoding', 'lc_ctype')"))
    assert settings == {"fsync": "off", "server_encoding": "UTF8", "lc_ctype": "C.UTF-8"}


def test_a_server_stops_and_leaves_nothing_behind():
    server = PostgresServer().start()
    root, process = server.root, server._process
    assert server.url("db").startswith(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/")
    server.stop()
    server.stop()  # twice is harmless
    assert process.poll() is not None and not root.exists()


def test_a_server_that_cannot_start_says_why(monkeypatch):
    made = []
    real_mkdtemp = pg_server.tempfile.mkdtemp
    monkeypatch.setattr(pg_server.tempfile, "mkdtemp", lambda **kw: made.append(real_mkdtemp(**kw)) or made[-1])
    monkeypatch.setitem(pg_server.SETTINGS, "shared_buffers", "lots")
    with pytest.raises(PostgresError, match="did not start; end of its log:(.|\n)*shared_buffers"):
        PostgresServer().start()
    assert len(made) == 1 and not Path(made[0]).exists()  # nothing left behind either


def test_missing_binaries_are_installed_by_the_project_script_or_the_failure_is_loud(monkeypatch, tmp_path):
    script = tmp_path / "ensure_postgres.sh"
    script.write_text("echo 'no apt here: run sudo apt-get install postgresql-15' >&2\nexit 1\n")
    monkeypatch.setattr(pg_server, "ENSURE_SCRIPT", script)
    monkeypatch.setattr(pg_server, "_bindirs", lambda: [])
    monkeypatch.delenv(pg_server.BINDIR_ENV, raising=False)
    with pytest.raises(PostgresError, match="could not install it(.|\n)*sudo apt-get install postgresql-15"):
        pg_server.find_bindir()
    monkeypatch.setenv(pg_server.BINDIR_ENV, str(tmp_path))
    with pytest.raises(PostgresError, match="no postgres binary"):
        pg_server.find_bindir()
