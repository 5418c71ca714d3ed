"""ImageArtifact: image bytes whose format and size are measured, never trusted."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

from PIL import Image, UnidentifiedImageError

from imagegen.errors import ProviderError

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "gif": "gif"}


def measure(value: bytes) -> tuple[str, int, int]:
    """Return (format, width, height) read from the bytes with Pillow (an animated GIF: its first frame)."""
    try:
        with Image.open(io.BytesIO(value)) as image:
            fmt = FORMATS.get(image.format or "")
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError(
            "The provider returned data that is not a readable image; try again, and report it if it "
            "keeps happening."
        ) from exc
    if fmt is None:
        raise ProviderError(
            f"The provider returned a {image.format} image; only PNG, JPEG, WEBP and GIF are supported."
        )
    return fmt, width, height


def empty_meta() -> dict[str, Any]:
    return {
        "provider": None,
        "model": None,
        "prompt": "",
        "negative_prompt": "",
        "seed": None,
        "revised_prompt": None,
        "warnings": [],
        "latency_ms": None,
        "options": {},
        "emulated": False,
    }


class ImageArtifact:
    """One generated image. `format`, `width`, `height` and `mime_type` come from the bytes."""

    def __init__(self, value: bytes, meta: dict[str, Any] | None = None, name: str | None = None):
        self.value = bytes(value)
        self.format, self.width, self.height = measure(self.value)
        self.meta = empty_meta()
        self.meta.update(meta or {})
        self.meta["warnings"] = list(self.meta.get("warnings") or [])
        self._name = name

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.value).hexdigest()

    @property
    def name(self) -> str:
        """A file name with the right extension, stable for the same bytes."""
        stem = self._name or f"image_{self.sha256[:12]}"
        if "." in stem:
            stem = stem.rsplit(".", 1)[0]
        return f"{stem}.{EXTENSIONS[self.format]}"

    @property
    def base64(self) -> str:
        return base64.b64encode(self.value).decode("ascii")

    def to_text(self) -> str:
        return f"Image, format: {self.format}, size: {len(self.value)} bytes, {self.width}x{self.height}"

    def __repr__(self) -> str:
        return f"ImageArtifact({self.name!r}, {self.width}x{self.height}, {self.meta.get('provider')})"
