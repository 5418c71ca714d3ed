"""Where image bytes live: a small interface, the local data directory (default) and Amazon S3.

A storage keeps opaque bytes under keys like `images/ab/<sha256>.png` (see files.py for the layout). Keys
are content-addressed: the bytes under a key never change, so writing a key that exists does nothing.

    open_storage(None, data_dir)                 # LocalStorage(data_dir): files under <data_dir>/images/
    open_storage("/srv/imagegen", data_dir)      # LocalStorage("/srv/imagegen"); "file:///srv/imagegen" too
    open_storage("s3://bucket/prefix", data_dir) # S3Storage: objects under s3://bucket/prefix/images/

S3 is for several app replicas sharing one history: every replica sees every image. The client is the
standard boto3 one: credentials from the usual AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, an instance role, ...), the endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when set
(MinIO, a test server), the region from AWS_REGION or AWS_DEFAULT_REGION, else us-east-1.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from imagegen.history.config import STORAGE_URL_ENV

log = logging.getLogger(__name__)

IMAGES_DIR = "images"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
KEY = re.compile(r"^images/[0-9a-f]{2}/[0-9a-f]{64}\.(png|jpg|webp|gif|thumb\.jpg)$")
_TEMP = re.compile(r"^images/[0-9a-f]{2}/\.tmp-[A-Za-z0-9_]+\.part$")
_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
DEFAULT_REGION = "us-east-1"
ALLOWED_FORMS = "s3://bucket/prefix, file:///absolute/path, or a local directory path"
_SETTING = f"{STORAGE_URL_ENV} (or url under [storage] in the secrets file)"


class StorageError(RuntimeError):
    """The image storage cannot be used (unreachable, wrong bucket, no access); the message names the fix."""


class StorageURLError(StorageError, ValueError):
    """IMAGEGEN_STORAGE_URL (or `storage_url=`) is not one of the allowed forms."""


def check_key(key: str) -> str:
    """`key` when it is an image or thumbnail key; ValueError otherwise (no `..`, no absolute paths)."""
    if not isinstance(key, str) or not KEY.match(key):
        raise ValueError(f"not an image storage key: {key!r}")
    return key


def content_type(key: str) -> str:
    return _CONTENT_TYPES[key.rsplit(".", 1)[-1]]


@runtime_checkable
class ImageStorage(Protocol):
    """Bytes under content-addressed keys. Implementations are safe to share between threads."""

    location: str  # where the bytes live, for messages (never a secret)

    def check_access(self) -> None:
        """A cheap request that fails with StorageError naming the fix when the storage is unusable."""

    def put_bytes(self, key: str, data: bytes) -> bool:
        """Store `data` under `key` atomically (a reader never sees part of it). False when it was there."""

    def read(self, key: str) -> bytes:
        """The bytes; FileNotFoundError when the key holds nothing."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool:
        """Remove the key; False when it was already gone."""

    def keys(self) -> Iterator[str]:
        """Every stored key, plus leftovers a crashed write may have left that `delete` accepts."""

    def local_path(self, key: str) -> Path | None:
        """The file holding the key on this machine, or None when the storage is not a local folder."""


# --- local directory ------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via temp file + fsync + rename. Return False when it was already there."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return True


class LocalStorage:
    """Files under `root` (keys are paths relative to it). Writes go to a temp file in the same folder, are
    fsynced, then renamed into place; identical bytes already there are left alone. A crash can leave a
    `.tmp-*.part` file: `keys()` lists it once it is an hour old, and `delete` removes it."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.location = str(self.root)

    def __repr__(self) -> str:
        return f"LocalStorage({self.location!r})"

    def check_access(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def local_path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_bytes(self, key: str, data: bytes) -> bool:
        return write_atomic(self.local_path(key), data)

    def read(self, key: str) -> bytes:
        return self.local_path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.local_path(key).is_file()

    def delete(self, key: str) -> bool:
        path = self.root / key if isinstance(key, str) and _TEMP.match(key) else self.local_path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def keys(self) -> Iterator[str]:
        images = self.root / IMAGES_DIR
        if not images.is_dir():
            return
        now = time.time()
        for folder in sorted(images.iterdir()):
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                key = f"{IMAGES_DIR}/{folder.name}/{entry.name}"
                if KEY.match(key):
                    yield key
                elif _TEMP.match(key):
                    try:
                        if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                            yield key
                    except FileNotFoundError:  # its writer just renamed it into place
                        pass


# --- Amazon S3: imagegen/history/s3_storage.py (imported only when used) ----------------------------


def _safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        return parts._replace(netloc=f"***@{host}" + (f":{parts.port}" if parts.port else "")).geturl()
    return url


# --- choosing one -----------------------------------------------------------------------------------


def open_storage(url: str | None, data_dir: str | os.PathLike) -> ImageStorage:
    """The storage for `url` (see the module doc); None or "" means the data directory."""
    url = (url or "").strip()
    if not url:
        return LocalStorage(data_dir)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "s3":
        from imagegen.history.s3_storage import S3Storage  # boto3 is imported only when S3 is used

        return S3Storage.from_url(url)
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise StorageURLError(f"{_SETTING} file URLs must look like file:///absolute/path, got {_safe_url(url)!r}")
        return LocalStorage(Path(unquote(parts.path)).expanduser().resolve())
    if scheme and len(scheme) > 1:  # one letter is a Windows drive (C:\...), i.e. a path
        raise StorageURLError(f"{_SETTING} has the unsupported scheme {scheme!r} in {_safe_url(url)!r}; "
                         f"use {ALLOWED_FORMS}")
    return LocalStorage(Path(url).expanduser().resolve())


def __getattr__(name: str):
    """`S3Storage` and `parse_s3_url` still import from here; their module (and boto3) loads on first use."""
    if name in ("S3Storage", "parse_s3_url"):
        from imagegen.history import s3_storage

        return getattr(s3_storage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
