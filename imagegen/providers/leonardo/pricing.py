"""Leonardo prices: it reports the cost of each generation, so nothing is estimated before the run."""

from __future__ import annotations

from imagegen.pricing import Estimate


def estimate(model: str, options: dict) -> Estimate:
    return Estimate(None, "unknown", "Leonardo reports the cost with each generation")


def actual(model: str, options: dict, meta: dict) -> Estimate | None:
    reported = meta.get("reported_cost") or {}
    return Estimate(float(reported["amount"]), "reported") if reported.get("unit") == "DOLLARS" else None
