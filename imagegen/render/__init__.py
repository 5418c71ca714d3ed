"""Offline procedural renderer: paints a small illustration from the words of a prompt. Not an AI model.

It recognises colour words (which set the palette), a handful of subjects and moods, a negative prompt
(colours and subjects named there are kept out), and six style presets. Everything is deterministic in
(prompt, negative_prompt, seed, style, width, height).
"""

from __future__ import annotations

import hashlib
import io
from functools import partial

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from imagegen.render.palette import ban_colours, make_palette, sky_key
from imagegen.render.scene import compose
from imagegen.render.styles import draw_style
from imagegen.render.words import COLORS, MOODS, SUBJECTS, parse

__all__ = ["COLORS", "MOODS", "STYLES", "SUBJECTS", "encode", "label", "render"]

STYLES = ("watercolor", "pixel-art", "line-art", "neon", "photographic", "flat")
MIN_SIZE, MAX_SIZE = 64, 4096
PNG_RECOMPRESS_BELOW = 0.05
FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}


def _check(width: int, height: int, style: str | None) -> None:
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_SIZE <= value <= MAX_SIZE:
            raise ValueError(f"{name} must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}, "
                             f"got {value!r}")
    if style is not None and style not in STYLES:
        raise ValueError(f"unknown style {style!r}; allowed styles: {', '.join(STYLES)} "
                         "(or None for the default look)")


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()


def _rng(seed: int, *parts: object) -> np.random.Generator:
    words = np.frombuffer(_digest(*parts), dtype=">u4").tolist()
    return np.random.default_rng(np.random.SeedSequence([int(seed) % 2**64, *words]))


def render(prompt: str, negative_prompt: str = "", *, seed: int, width: int = 512, height: int = 512,
           style: str | None = None) -> Image.Image:
    """Paint an RGB picture of exactly width x height for the prompt; the same inputs give the same pixels."""
    _check(width, height, style)
    prompt, negative_prompt = prompt or "", negative_prompt or ""
    spec = parse(prompt, negative_prompt)
    prompt_hash = int.from_bytes(_digest(prompt)[:8], "big") / 2**64
    palette, accent = make_palette(spec, prompt_hash)
    unit = min(width, height)
    streams = partial(_rng, seed, "scene", prompt)  # no negative prompt here: it removes, never reshuffles
    scene = compose(spec, streams, width / unit, height / unit, palette, spec.mood or sky_key(spec))
    image = draw_style(scene, style, width, height, _rng(seed, "texture", prompt, negative_prompt, style))
    return ban_colours(image, spec, accent)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def label(image: Image.Image, text: str) -> Image.Image:
    """A copy with a dark band of white text across the bottom, sized to stay legible from 64 to 4096 px."""
    base = image.convert("RGBA")
    w, h = base.size
    band = max(14, round(min(w, h) * .075))
    pad = max(4, band // 3)
    size = max(8, round(band * .6))
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    length = draw.textlength(text, font=_font(size))
    if length > w - 2 * pad:  # too long for a narrow picture: shrink to fit, but not below 8 px
        size = max(8, int(size * (w - 2 * pad) / length))
    font = _font(size)
    draw.rectangle([0, h - band, w, h], fill=(12, 12, 16, 190))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text((pad - left, h - band + (band - (bottom - top)) / 2 - top), text, font=font,
              fill=(255, 255, 255, 255))
    out = Image.alpha_composite(base, overlay)
    return out if image.mode == "RGBA" else out.convert("RGB")


def encode(image: Image.Image, fmt: str = "png") -> bytes:
    """PNG, JPEG or WebP bytes; the same image always gives the same bytes."""
    kind = FORMATS.get(fmt.lower())
    if kind is None:
        raise ValueError(f"unknown image format {fmt!r}; allowed: png, jpeg, webp")
    buf = io.BytesIO()
    if kind == "PNG":
        # Fast level 1 first; pictures that compress well (flat, line-art...) are redone at level 6,
        # which is cheap for them. The choice depends only on the pixels, so the bytes stay deterministic.
        image.save(buf, format="PNG", compress_level=1)
        raw = image.width * image.height * len(image.getbands())
        if buf.tell() < raw * PNG_RECOMPRESS_BELOW:
            buf = io.BytesIO()
            image.save(buf, format="PNG", compress_level=6)
    elif kind == "JPEG":
        image.convert("RGB").save(buf, format="JPEG", quality=92)
    else:
        image.save(buf, format="WEBP", quality=90, method=4)
    return buf.getvalue()
