"""Estimated cost per image, per run, and for a planned run (providers.md, "Prices for cost estimates").

Prices are public list prices in USD per image; they change, so every figure is an *estimate*. Each provider's
price tables and functions live in its folder (`imagegen.providers.<id>.pricing`); this module holds `Estimate` and
asks the registered provider packages (`estimate`, `actual`, `total`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from imagegen import catalog

# The names this module held before the tables moved into the provider folders: still importable from here, loaded
# on first use so that importing this module imports no provider.
MOVED = {name: "imagegen.providers.openai.pricing" for name in (
    "GPT_IMAGE_RATES", "GPT_IMAGE_PER_IMAGE", "GPT_IMAGE_TOKENS", "DALLE3", "DALLE2", "SIZE", "parse_size",
    "size_class", "area_factor", "token_rates", "token_rate", "usage_cost", "gpt_image", "openai_family")}
MOVED.update({name: "imagegen.providers.bedrock.pricing" for name in ("BEDROCK_FLAT", "TITAN", "NOVA_CANVAS",
                                                                       "bedrock")})


def __getattr__(name: str) -> Any:
    if name in MOVED:
        return getattr(importlib.import_module(MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Estimate:
    usd: float | None  # None: no estimate possible before the run
    basis: str  # "free" | "table" | "tokens" | "usage" | "reported" | "unknown"
    note: str = ""

    def label(self) -> str:
        if self.usd is None:
            return "cost unknown"
        if self.usd == 0:
            return "free"
        return f"~${self.usd:.3f}"


def estimate(provider: str, model: str, options: dict[str, Any]) -> Estimate:
    """The expected cost of one image before it is generated. Never raises: the UI calls it on every rerun with
    whatever was typed, and options it cannot price (invalid ones included) give usd=None."""
    try:
        if catalog.option_problems(provider, model, options, allow_retired=True):  # old runs of retired models
            return Estimate(None, "unknown", "the options are not valid yet")
        return table_estimate(provider, model, options or {})
    except Exception:  # an odd value the tables cannot read
        return Estimate(None, "unknown", "these options cannot be priced")


def table_estimate(provider: str, model: str, options: dict[str, Any]) -> Estimate:
    from imagegen import providers  # the provider packages import Estimate from here

    package = providers.all_packages().get(provider)
    if package is None:
        return Estimate(None, "unknown", f"no prices for provider {provider}")
    return package.estimate(model, options)


def actual(provider: str, model: str, options: dict[str, Any], meta: dict[str, Any]) -> Estimate:
    """The cost of a generated image: measured usage or the provider's reported cost when present. Never raises."""
    from imagegen import providers

    package = providers.all_packages().get(provider)
    try:
        if package is not None and (known := package.actual(model, options, meta or {})) is not None:
            return known
    except Exception:  # a reported figure that is not a number
        return Estimate(None, "unknown", "the reported cost could not be read")
    return estimate(provider, model, options)


def total(estimates: Iterable[Estimate]) -> tuple[float, int]:
    """(sum of the known estimates, how many are unknown)."""
    known, unknown = 0.0, 0
    for item in estimates:
        if item.usd is None:
            unknown += 1
        else:
            known += item.usd
    return round(known, 4), unknown
