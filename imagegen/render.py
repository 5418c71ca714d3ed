"""Procedural offline renderer (placeholder interface; the real renderer replaces this body)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

STYLES = ("watercolor", "pixel-art", "line-art", "neon", "photographic", "flat")


def render(prompt: str, negative_prompt: str = "", *, seed: int, width: int = 512,
           height: int = 512, style: str | None = None) -> Image.Image:
    return Image.new("RGB", (width, height), (seed % 256, 120, 160))


def label(image: Image.Image, text: str) -> Image.Image:
    out = image.copy()
    ImageDraw.Draw(out).text((8, 8), text, fill=(255, 255, 255))
    return out


def encode(image: Image.Image, fmt: str = "png") -> bytes:
    buf = io.BytesIO()
    image.save(buf, format={"jpeg": "JPEG", "webp": "WEBP"}.get(fmt, "PNG"))
    return buf.getvalue()
