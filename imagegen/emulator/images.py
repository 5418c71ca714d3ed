"""Images the emulator answers with, and the in-memory store behind its `GET /files/<name>` URLs.

Images come from `imagegen.render`, seeded from a stable hash of the prompt (plus the item's index),
so the same request always yields the same pixels. Each carries a visible label naming the
emulated provider and model, so emulated results shown side by side are told apart.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from collections import OrderedDict

from PIL import Image, ImageFilter

from imagegen import render
from imagegen.render import MIN_SIZE as MIN_SIDE

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def seed_for(prompt: str, index: int = 0) -> int:
    """A deterministic seed in [0, 2**31) from the prompt text and the item's position."""
    digest = hashlib.sha256(f"{index}:{prompt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def caption(provider_label: str, model: str, deployment: str | None = None) -> str:
    """"EMULATED · OpenAI · dall-e-3" or "EMULATED · Azure OpenAI · my-deploy (dall-e-3)"."""
    name = model if not deployment or deployment == model else f"{deployment} ({model})"
    return f"EMULATED · {provider_label} · {name}"


@functools.lru_cache(maxsize=32)
def make_image(prompt: str, *, width: int, height: int, text: str, fmt: str = "png",
               compression: int | None = None, index: int = 0, transparent: bool = False,
               blurred: bool = False) -> bytes:
    """Render, label and encode one image. `compression` is the JPEG/WEBP quality (0-100).

    Cached: the same request gives the same bytes, and a real provider renders on its own machines, so
    re-rendering here would only steal the CPU of the client being measured (bench/fanout.py).

    `blurred` is what a content-filtered image looks like: the picture heavily blurred, the label sharp."""
    canvas = (max(MIN_SIDE, width), max(MIN_SIDE, height))  # the painter's smallest; valid sizes go down to 16 px
    image = render.render(prompt, seed=seed_for(prompt, index), width=canvas[0], height=canvas[1])
    if blurred:
        image = image.filter(ImageFilter.GaussianBlur(max(8, min(image.size) // 24)))
    image = render.label(image, text)
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    if transparent and fmt in ("png", "webp"):
        image = image.convert("RGBA")
    if compression is None or fmt == "png":
        return render.encode(image, fmt)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format=PIL_FORMATS[fmt], quality=max(1, min(100, compression)))
    return buf.getvalue()


class ImageStore:
    """The last `limit` served images by file name, kept in memory (oldest evicted first)."""

    def __init__(self, limit: int = 256):
        self.limit = limit
        self._files: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, data: bytes, fmt: str = "png") -> str:
        """Store the bytes and return their file name, `<sha256 prefix>.<ext>`."""
        name = f"{hashlib.sha256(data).hexdigest()[:32]}.{'jpg' if fmt == 'jpeg' else fmt}"
        with self._lock:
            self._files[name] = (data, CONTENT_TYPES.get(fmt, "application/octet-stream"))
            self._files.move_to_end(name)
            while len(self._files) > self.limit:
                self._files.popitem(last=False)
        return name

    def get(self, name: str) -> tuple[bytes, str] | None:
        """(bytes, content type) of a stored file, or None."""
        with self._lock:
            return self._files.get(name)

    def clear(self) -> None:
        with self._lock:
            self._files.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)
