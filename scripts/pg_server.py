"""A throw-away PostgreSQL server from Debian's packages, for the tests and for trying the app on PostgreSQL.

    from scripts.pg_server import running_postgres
    with running_postgres() as server:                 # initdb + start in a temp dir, on a free loopback port
        url = server.create_database("history")       # postgresql+psycopg://postgres@127.0.0.1:PORT/history
    # stopped and deleted here

    .venv/bin/python scripts/pg_server.py             # the same by hand: prints a URL, Ctrl-C stops it

The binaries come from /usr/lib/postgresql/<version>/bin (15 preferred; `IMAGEGEN_PG_BINDIR` overrides);
when there are none, scripts/ensure_postgres.sh installs them (as root) or says how to. initdb and postgres
refuse to run as root, so as root the server runs as the `postgres` system user that Debian's package
creates (else `nobody`), through `setpriv`, in a temp dir handed to that user. It listens on 127.0.0.1 and
on a Unix socket inside the temp dir only, with durability off (fsync, full_page_writes, synchronous_commit):
it holds nothing worth keeping. The superuser `postgres` logs in without a password; any other role needs
its password (scram-sha-256), as on a real server. If the server cannot start, `PostgresError` says why,
with the end of the server's log.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

SCRIPTS = Path(__file__).resolve().parent
ENSURE_SCRIPT = SCRIPTS / "ensure_postgres.sh"
BINDIR_ENV = "IMAGEGEN_PG_BINDIR"
PREFERRED_VERSION = 15
SUPERUSER = "postgres"
DIR_PREFIX = "imagegen-pg-"
START_TIMEOUT = 60.0
STALE_AFTER = 3600.0  # a leftover temp dir (its pytest was killed) older than this, with no live server, goes
HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "max_wal_size": "1GB",  # fewer checkpoints while tests copy databases
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",  # the tests' own expected errors would flood the log otherwise
    "lc_messages": "C",
}


class PostgresError(RuntimeError):
    """The throw-away server could not be found, installed or started."""


def _bindirs() -> list[Path]:
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/postgres")]

    def rank(bindir: Path) -> tuple[bool, float]:
        version = bindir.parent.name
        number = float(version) if re.fullmatch(r"\d+(\.\d+)?", version) else 0.0
        return number == PREFERRED_VERSION, number

    return sorted(found, key=rank, reverse=True)


def find_bindir(install: bool = True) -> Path:
    """The directory holding initdb and postgres; installs Debian's package first when there is none."""
    override = os.environ.get(BINDIR_ENV, "").strip()
    if override:
        bindir = Path(override)
        if not (bindir / "postgres").is_file():
            raise PostgresError(f"{BINDIR_ENV}={override} has no postgres binary")
        return bindir
    bindirs = _bindirs()
    if not bindirs and install:
        done = subprocess.run(["bash", str(ENSURE_SCRIPT)], capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise PostgresError(f"PostgreSQL is not installed and {ENSURE_SCRIPT.name} could not install it "
                                f"(exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")
        bindirs = _bindirs()
    if not bindirs:
        raise PostgresError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run "
                            f"'bash {ENSURE_SCRIPT}' (as root) or set {BINDIR_ENV}")
    return bindirs[0]


def _server_user() -> pwd.struct_passwd | None:
    """Who runs initdb and postgres: None (ourselves) unless we are root, who may not."""
    if os.geteuid() != 0:
        return None
    for name in (SUPERUSER, "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresError("running as root and neither a 'postgres' nor a 'nobody' user exists to run the server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_dirs(root: Path) -> None:
    """Delete temp dirs left by a killed run: old, and no live postmaster."""
    for folder in root.glob(DIR_PREFIX + "*"):
        try:
            if time.time() - folder.stat().st_mtime < STALE_AFTER:
                continue
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.exists() and _pid_alive(int(pid_file.read_text().split()[0])):
                continue
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """One running throw-away server. Use `running_postgres()`, or `start()` and `stop()`."""

    def __init__(self, bindir: Path | None = None):
        self.bindir = bindir or find_bindir()
        self.version = self._version()
        self.user = _server_user()
        self.port = 0
        self.root: Path | None = None
        self.startup_seconds = 0.0
        self._process: subprocess.Popen | None = None
        self._admin: psycopg.Connection | None = None
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        began = time.perf_counter()
        tmp = Path(tempfile.gettempdir())
        remove_stale_dirs(tmp)
        self.root = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=tmp))
        try:
            self.socket_dir.mkdir()
            if self.user is not None:
                for path in (self.root, self.socket_dir):
                    os.chown(path, self.user.pw_uid, self.user.pw_gid)
            self._initdb()
            for attempt in range(3):
                self.port = _free_port()
                if self._launch(START_TIMEOUT):
                    break
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise PostgresError(f"PostgreSQL {self.version} did not start; end of its log:\n"
                                        f"{self.log_tail()}")
            self._admin = psycopg.connect(self.dsn("postgres"), autocommit=True)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then delete everything. Safe to call twice."""
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
            self._admin = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        root, self.root = self.root, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self if self._process is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- where things are --------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "the server is not started"
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None, "the server is not started"
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        assert self.root is not None, "the server is not started"
        return self.root / "server.log"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log: {exc})"

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for `database`."""
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str, user: str = SUPERUSER) -> str:
        """A libpq connection string (psycopg.connect, psql) for `database`."""
        return f"host=127.0.0.1 port={self.port} dbname={database} user={user} connect_timeout=10"

    # --- administration (as the superuser, autocommit) ----------------------------------------------

    def execute(self, statement, params=None, database: str | None = None) -> list[tuple]:
        """Run one statement as the superuser (in `database`, else the `postgres` database); its rows."""
        if self._admin is None:
            raise PostgresError("the server is not running")
        if database is not None:
            with psycopg.connect(self.dsn(database), autocommit=True) as connection:
                cursor = connection.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        with self._lock, self._admin.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str | None = None, owner: str | None = None) -> str:
        """Create database `name` (a copy of `template` when given) and return its superuser URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if owner:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name` if it exists, disconnecting anyone still connected to it."""
        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # --- internals ---------------------------------------------------------------------------------

    def _version(self) -> str:
        out = subprocess.run([str(self.bindir / "postgres"), "--version"], capture_output=True, text=True,
                             check=False).stdout
        match = re.search(r"(\d+(?:\.\d+)?)", out)
        return match.group(1) if match else "?"

    def _as_server_user(self, command: list[str]) -> list[str]:
        """The command run as the server user; the server also dies with its parent (no orphan servers)."""
        wrapper = shutil.which("setpriv")
        if self.user is None:
            return [wrapper, "--pdeathsig", "INT", "--", *command] if wrapper else command
        if wrapper is None:
            raise PostgresError("running as root needs setpriv (util-linux) to start PostgreSQL as another user")
        return [wrapper, f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups",
                "--pdeathsig", "INT", "--", *command]

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC")
        if self.user is not None:
            env.update(HOME=str(self.root), USER=self.user.pw_name, LOGNAME=self.user.pw_name)
        return env

    def _initdb(self) -> None:
        command = [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust",
                   "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]
        done = subprocess.run(self._as_server_user(command), cwd=self.root, env=self._env(), capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise PostgresError(f"initdb failed (exit {done.returncode}):\n{(done.stderr or done.stdout)[-3000:]}")
        (self.data_dir / "pg_hba.conf").write_text(HBA)  # rewrites the file in place: its owner stays

    def _launch(self, timeout: float) -> bool:
        """Start postgres on self.port; True once it accepts connections, False if it exited."""
        settings = [arg for key, value in SETTINGS.items() for arg in ("-c", f"{key}={value}")]
        command = [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
                   "-k", str(self.socket_dir), *settings]
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(self._as_server_user(command), cwd=self.root, env=self._env(),
                                             stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                return False
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.05)
        self.stop_process()
        raise PostgresError(f"PostgreSQL {self.version} did not accept connections within {timeout:.0f} s; "
                            f"end of its log:\n{self.log_tail()}")

    def stop_process(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def running_postgres(bindir: Path | None = None) -> Iterator[PostgresServer]:
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or kill: stop the server and delete its data
        signal.signal(signum, _interrupt)
    with running_postgres() as server:
        server.create_database("imagegen")
        print(f"PostgreSQL {server.version} started in {server.startup_seconds:.2f} s (data in {server.root})")
        print(f"IMAGEGEN_DATABASE_URL={server.url('imagegen')}")
        print("Ctrl-C stops it and deletes its data.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    sys.exit(0)


if __name__ == "__main__":
    main()
