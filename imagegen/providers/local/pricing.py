"""The embedded generator is free."""

from __future__ import annotations

from imagegen.pricing import Estimate


def estimate(model: str, options: dict) -> Estimate:
    return Estimate(0.0, "free")
