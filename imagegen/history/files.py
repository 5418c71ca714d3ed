"""Content-addressed image files under the data directory.

`images/<sha[:2]>/<sha>.<ext>` holds the provider's bytes exactly as received (never re-encoded);
`images/<sha[:2]>/<sha>.thumb.jpg` beside it is a JPEG thumbnail (longest side 256 px). Keys are these
paths relative to the data directory, with forward slashes; they are what the database stores.

Every write goes to a temporary file in the same folder, is flushed and fsynced, then renamed into place,
so a reader never sees half a file. Writing bytes that are already there does nothing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from imagegen.artifacts import EXTENSIONS

log = logging.getLogger(__name__)
IMAGES_DIR = "images"
THUMBNAIL_SIZE = 256
THUMBNAIL_QUALITY = 80
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
_KEY = re.compile(r"^images/[0-9a-f]{2}/[0-9a-f]{64}\.(png|jpg|webp|thumb\.jpg)$")
_TEMP = re.compile(r"^images/[0-9a-f]{2}/\.tmp-[A-Za-z0-9_]+\.part$")


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    format: str
    byte_size: int
    storage_key: str
    thumbnail_key: str | None


def image_key(sha256: str, fmt: str) -> str:
    return f"{IMAGES_DIR}/{sha256[:2]}/{sha256}.{EXTENSIONS[fmt]}"


def thumbnail_key(sha256: str) -> str:
    return f"{IMAGES_DIR}/{sha256[:2]}/{sha256}.thumb.jpg"


def make_thumbnail(value: bytes) -> bytes:
    """A JPEG (RGB, quality 80) whose longest side is at most 256 px; transparency goes on white."""
    with Image.open(io.BytesIO(value)) as source:
        source.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # fast path for JPEG; no-op otherwise
        image = ImageOps.exif_transpose(source)
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
        return out.getvalue()


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


class ImageFiles:
    """The image folder of one data directory."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / IMAGES_DIR

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not an image storage key: {key!r}")
        return self.data_dir / key

    def put(self, value: bytes, fmt: str, *, thumbnail: bool = True) -> StoredImage:
        """Store the bytes (and a thumbnail unless one exists); return the keys."""
        sha = hashlib.sha256(value).hexdigest()
        stored = StoredImage(sha, fmt, len(value), image_key(sha, fmt), thumbnail_key(sha) if thumbnail else None)
        write_atomic(self.path(stored.storage_key), value)
        if stored.thumbnail_key and not self.exists(stored.thumbnail_key):
            try:
                thumb = make_thumbnail(value)
            except Exception:  # e.g. a truncated image whose header was readable: keep the image itself
                log.warning("could not make a thumbnail for %s; the full image will be shown", stored.storage_key,
                            exc_info=True)
                return StoredImage(sha, fmt, len(value), stored.storage_key, None)
            write_atomic(self.path(stored.thumbnail_key), thumb)
        return stored

    def ensure(self, stored: StoredImage, value: bytes) -> None:
        """Rewrite any file of `stored` that has gone (a concurrent cleanup removed it as an orphan)."""
        if not self.exists(stored.storage_key):
            write_atomic(self.path(stored.storage_key), value)
        if stored.thumbnail_key and not self.exists(stored.thumbnail_key):
            write_atomic(self.path(stored.thumbnail_key), make_thumbnail(value))

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> bool:
        """Remove a stored file or a stale temp file; False when it was already gone."""
        path = self.data_dir / key if _TEMP.match(key) else self.path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def keys(self) -> Iterator[str]:
        """The key of every stored file, and of temp files a crash left behind over an hour ago."""
        if not self.root.is_dir():
            return
        now = time.time()
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                key = f"{IMAGES_DIR}/{folder.name}/{entry.name}"
                if _KEY.match(key):
                    yield key
                elif _TEMP.match(key):
                    try:
                        if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                            yield key
                    except FileNotFoundError:  # its writer just renamed it into place
                        pass
