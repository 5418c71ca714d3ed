"""OpenAI and Azure prices (providers.md, "Prices for cost estimates"): USD per image, or per token for GPT image.

GPT image models are priced by output tokens: when the response reports `usage`, that measured count is used
(`actual`); before a run, the documented token counts per size and quality stand in (`openai_family`).
"""

from __future__ import annotations

import re
from typing import Any

from imagegen.pricing import Estimate

# USD per million tokens: (image output, text input, image input); OpenAI and Azure alike. Dated snapshots
# (gpt-image-2-2026-04-21, gpt-image-2.5-flare-2026-09-08) take their family's rates by prefix.
GPT_IMAGE_RATES = {
    "gpt-image-2": (30.0, 5.0, 8.0),  # also gpt-image-2.5-* and gpt-image-2.6-*
    "gpt-image-1.5": (32.0, 5.0, 8.0), "chatgpt-image-latest": (32.0, 5.0, 8.0),
    "gpt-image-1-mini": (8.0, 2.0, 2.5), "gpt-image-1": (40.0, 5.0, 10.0),
}
# Models whose published per-image prices differ from the shared token counts below (gpt-image-1-mini writes about
# twice as many tokens per image): USD per image by size class and quality; a quality not listed is unknown.
GPT_IMAGE_PER_IMAGE = {
    "gpt-image-1-mini": {"square": {"low": 0.005, "medium": 0.011}, "wide": {"low": 0.006, "medium": 0.015}},
}
# Output tokens per image by quality, for a square (1024x1024) and a wide/tall (1536x1024) image.
GPT_IMAGE_TOKENS = {"square": {"low": 272, "medium": 1056, "high": 4160},
                    "wide": {"low": 408, "medium": 1584, "high": 6240}}
DALLE3 = {("standard", "square"): 0.04, ("standard", "wide"): 0.08, ("hd", "square"): 0.08, ("hd", "wide"): 0.12}
DALLE2 = {"256x256": 0.016, "512x512": 0.018, "1024x1024": 0.020}


SIZE = re.compile(r"([1-9][0-9]{0,5})x([1-9][0-9]{0,5})")


def parse_size(size: str | None) -> tuple[int, int]:
    """(width, height) of a WxH size; None or "auto" count as 1024x1024. ValueError for anything else."""
    if size is None or size == "auto":
        return 1024, 1024
    match = SIZE.fullmatch(size) if isinstance(size, str) else None
    if match is None:
        raise ValueError(f"not a size: {size!r}")
    return int(match[1]), int(match[2])


def size_class(size: str | None) -> str:
    width, height = parse_size(size)
    return "square" if width == height else "wide"


def area_factor(size: str | None) -> float:
    """Tokens scale with area for sizes outside the documented ones (gpt-image-2 custom sizes)."""
    if size in (None, "auto", "1024x1024", "1536x1024", "1024x1536"):
        return 1.0
    width, height = parse_size(size)
    base = 1024 * 1024 if width == height else 1536 * 1024
    return width * height / base


def token_rates(model: str) -> tuple[float, float, float] | None:
    """(output, text input, image input) USD per million tokens; a dated snapshot takes its family's rates."""
    family = next((m for m in sorted(GPT_IMAGE_RATES, key=len, reverse=True) if model.startswith(m)), None)
    return GPT_IMAGE_RATES.get(family) if family else None


def token_rate(model: str) -> float | None:
    """USD per million output tokens; a dated snapshot (gpt-image-1-2026-01-01) takes its family's rate."""
    rates = token_rates(model)
    return rates[0] if rates else None


def usage_cost(model: str, usage: dict[str, Any]) -> float | None:
    """Measured cost from a response's `usage`: output tokens, plus input text and image tokens when reported."""
    rates = token_rates(model)
    if rates is None or usage.get("output_tokens") is None:
        return None
    details = usage.get("input_tokens_details") or {}
    cost = usage["output_tokens"] * rates[0]
    cost += (details.get("text_tokens") or 0) * rates[1] + (details.get("image_tokens") or 0) * rates[2]
    return round(cost / 1e6, 4)


def gpt_image(model: str, options: dict[str, Any]) -> Estimate:
    rate = token_rate(model)
    if rate is None:
        return Estimate(None, "unknown", f"no price known for {model}")
    quality = options.get("quality") or "auto"
    quality = "medium" if quality == "auto" else quality
    size = options.get("size")
    note = "quality auto priced as medium" if (options.get("quality") or "auto") == "auto" else ""
    if model in GPT_IMAGE_PER_IMAGE:
        price = GPT_IMAGE_PER_IMAGE[model][size_class(size)].get(quality)
        if price is None:
            return Estimate(None, "unknown", f"no published price for {model} at quality {quality}")
        return Estimate(round(price * area_factor(size), 4), "table", note)
    tokens = GPT_IMAGE_TOKENS[size_class(size)].get(quality)
    if tokens is None:
        return Estimate(None, "unknown", f"no token count known for quality {quality}")
    return Estimate(round(tokens * area_factor(size) * rate / 1e6, 4), "tokens", note)


def openai_family(model: str, options: dict[str, Any]) -> Estimate:
    if model.startswith(("gpt-image", "chatgpt-image")):
        return gpt_image(model, options)
    if model == "dall-e-3":
        key = (options.get("quality") or "standard", size_class(options.get("size") or "1024x1024"))
        return Estimate(DALLE3.get(key), "table")
    if model == "dall-e-2":
        return Estimate(DALLE2.get(options.get("size") or "1024x1024"), "table")
    return Estimate(None, "unknown", f"no price known for {model}")


def actual(model: str, options: dict, meta: dict) -> Estimate | None:
    """The measured cost when the response reports `usage` (OpenAI and Azure alike)."""
    measured = usage_cost(model, meta.get("usage") or {})
    return Estimate(measured, "usage") if measured is not None else None
