"""Where the history lives: the database URL and the data directory for image files.

Database URL: the explicit argument, else `IMAGEGEN_DATABASE_URL`, else `url` under `[database]` in the
secrets file (both through `imagegen.settings`), else `sqlite:///<data dir>/imagegen.db`.
Data directory: the explicit argument, else `IMAGEGEN_DATA_DIR`, else `./data`. Both are created as needed.
Image storage URL: the explicit argument, else `IMAGEGEN_STORAGE_URL`, else `url` under `[storage]` in the
secrets file, else None: the files live under the data directory (see storage.py for the forms).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from imagegen.settings import get_settings

DATABASE_URL_ENV = "IMAGEGEN_DATABASE_URL"
DATA_DIR_ENV = "IMAGEGEN_DATA_DIR"
STORAGE_URL_ENV = "IMAGEGEN_STORAGE_URL"
DEFAULT_DATA_DIR = "data"
DATABASE_FILE = "imagegen.db"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The absolute data directory, created if missing."""
    chosen = data_dir if data_dir not in (None, "") else get_settings().data_dir
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve_database_url(database_url: str | None = None, data_dir: Path | None = None) -> str:
    """The database URL to use; for a file-based SQLite URL the file's folder is created."""
    url = (database_url or "").strip() or get_settings().database.url
    if not url:
        folder = data_dir if data_dir is not None else resolve_data_dir()
        return f"sqlite:///{Path(folder) / DATABASE_FILE}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


def resolve_storage_url(storage_url: str | None = None) -> str | None:
    """Where image files go: a URL or path, or None for the data directory."""
    return (storage_url or "").strip() or get_settings().storage.url


def display_url(url: str) -> str:
    """The URL with any password hidden, safe for logs and the UI."""
    return make_url(url).render_as_string(hide_password=True)
