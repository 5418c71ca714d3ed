"""Test helpers: small images, artifacts and generation records, and pinning a test to one backend."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from imagegen.artifacts import ImageArtifact
from imagegen.history import GenerationRecord


def image_bytes(fmt: str = "png", size: tuple[int, int] = (64, 48), seed: int = 0, noise: bool = False,
                mode: str = "RGB") -> bytes:
    """A small image whose bytes differ for each seed."""
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        color = (seed * 37 % 256, seed * 91 % 256, (seed // 7) * 53 % 256)
        image = Image.new("RGB", size, color)
        image.putpixel((0, 0), (seed % 256, (seed >> 8) % 256, (seed >> 16) % 256))
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt])
    return out.getvalue()


def artifact(fmt: str = "png", seed: int = 0, **kwargs) -> ImageArtifact:
    meta = {"provider": "local", "model": "procedural", "prompt": f"a fox #{seed}", "seed": seed,
            "options": {"size": "64x48"}, "warnings": ["snapped size"], "latency_ms": 12.5, "emulated": True}
    return ImageArtifact(image_bytes(fmt, seed=seed, **kwargs), meta=meta)


def record(position: int = 0, status: str = "ok", **overrides) -> GenerationRecord:
    values = dict(position=position, provider="openai", model="gpt-image-1",
                  requested_options={"size": "1024x1024", "quality": "high"},
                  effective_options={"size": "1024x1024", "quality": "high", "output_format": "png"},
                  prompt="a fox, watercolor", negative_prompt="blurry", status=status)
    if status != "ok":
        values.update(error_kind="rate_limit", error_message="Too many requests; try again in a minute.")
    values.update(overrides)
    return GenerationRecord(**values)


def waiting_on_advisory_lock(engine) -> bool:
    """Does a session of this PostgreSQL database wait for an advisory lock right now? (A new transaction
    each time: pg_stat_activity is a snapshot taken once per transaction.)"""
    with engine.connect() as connection:
        return bool(connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'advisory'").scalar())


def sqlite_only(reason: str):
    """Run a test that uses the `backend` fixtures on SQLite alone, because it is about SQLite itself."""
    def mark(test):
        return pytest.mark.sqlite_only(reason)(pytest.mark.parametrize("backend", ["sqlite"])(test))
    return mark


def postgresql_only(test):
    """Run a test that uses the `backend` fixtures on PostgreSQL alone (a PostgreSQL counterpart)."""
    return pytest.mark.parametrize("backend", ["postgresql"])(test)
