"""Content-addressed image files, in the storage of storage.py (the data directory unless configured).

`images/<sha[:2]>/<sha>.<ext>` holds the provider's bytes exactly as received (never re-encoded);
`images/<sha[:2]>/<sha>.thumb.jpg` beside it is a JPEG thumbnail (longest side 256 px). Keys are these
paths with forward slashes, relative to the storage root (the data directory, or s3://bucket/prefix);
they are what the database stores.

Every write is atomic (locally: temp file, fsync, rename; on S3: one PUT), so a reader never sees half a
file. Writing bytes that are already there does nothing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from imagegen.artifacts import EXTENSIONS
from imagegen.history.storage import IMAGES_DIR, ImageStorage, LocalStorage, StorageError, check_key
from imagegen.history.storage import write_atomic as write_atomic  # re-exported: the helper used to live here

log = logging.getLogger(__name__)
THUMBNAIL_SIZE = 256
THUMBNAIL_QUALITY = 80


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
    """A JPEG (RGB, quality 80) whose longest side is at most 256 px; transparency goes on white. An animated GIF
    gives its first frame (what Pillow opens)."""
    with Image.open(io.BytesIO(value)) as source:
        source.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # fast path for JPEG; no-op otherwise
        ImageOps.exif_transpose(source, in_place=True)  # in place: no copy of the full-size picture
        image = source
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
        return out.getvalue()


class ImageFiles:
    """The images and thumbnails of one history, in `storage` (default: files under `data_dir`)."""

    def __init__(self, data_dir: str | os.PathLike | None = None, *, storage: ImageStorage | None = None):
        if storage is None:
            if data_dir is None:
                raise ValueError("ImageFiles needs a data_dir or a storage")
            storage = LocalStorage(data_dir)
        self.storage = storage
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.location = storage.location

    def path(self, key: str) -> Path:
        """The local file of `key`; StorageError when the images are not in a local folder (use `read`)."""
        path = self.storage.local_path(check_key(key))
        if path is None:
            raise StorageError(f"{key} is stored in {self.location}, not in a local folder; read it with "
                               f"HistoryStore.image_bytes() instead of image_path()")
        return path

    def put(self, value: bytes, fmt: str, *, thumbnail: bool = True) -> StoredImage:
        """Store the bytes (and a thumbnail unless one exists); return the keys."""
        sha = hashlib.sha256(value).hexdigest()
        stored = StoredImage(sha, fmt, len(value), image_key(sha, fmt), thumbnail_key(sha) if thumbnail else None)
        self.storage.put_bytes(stored.storage_key, value)
        if stored.thumbnail_key and not self.exists(stored.thumbnail_key):
            try:
                thumb = make_thumbnail(value)
            except Exception:  # e.g. a truncated image whose header was readable: keep the image itself
                log.warning("could not make a thumbnail for %s; the full image will be shown", stored.storage_key,
                            exc_info=True)
                return StoredImage(sha, fmt, len(value), stored.storage_key, None)
            self.storage.put_bytes(stored.thumbnail_key, thumb)
        return stored

    def ensure(self, stored: StoredImage, value: bytes) -> None:
        """Rewrite any file of `stored` that has gone (a concurrent cleanup removed it as an orphan)."""
        if not self.exists(stored.storage_key):
            self.storage.put_bytes(stored.storage_key, value)
        if stored.thumbnail_key and not self.exists(stored.thumbnail_key):
            self.storage.put_bytes(stored.thumbnail_key, make_thumbnail(value))

    def exists(self, key: str) -> bool:
        return self.storage.exists(key)

    def read(self, key: str) -> bytes:
        """The bytes; FileNotFoundError when they are gone."""
        return self.storage.read(key)

    def delete(self, key: str) -> bool:
        """Remove a stored file or a leftover of a crashed write; False when it was already gone."""
        return self.storage.delete(key)

    def keys(self) -> Iterator[str]:
        """The key of every stored file, and of leftovers a crash left behind (local temp files over an hour
        old; S3 has none, a PUT is atomic)."""
        return self.storage.keys()
