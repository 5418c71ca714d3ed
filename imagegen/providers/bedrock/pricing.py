"""Amazon Bedrock list prices per image (providers.md, "Prices for cost estimates"); they change, so estimates."""

from __future__ import annotations

from typing import Any

from imagegen.pricing import Estimate

BEDROCK_FLAT = {
    "stability.sd3-large-v1:0": 0.08, "stability.sd3-5-large-v1:0": 0.08,
    "stability.stable-image-core-v1:0": 0.04, "stability.stable-image-core-v1:1": 0.04,
    "stability.stable-image-ultra-v1:0": 0.14, "stability.stable-image-ultra-v1:1": 0.14,
}
TITAN = {"standard": 0.008, "premium": 0.01}  # unverified: AWS prices Titan by size and quality
NOVA_CANVAS = 0.06  # providers.md: Nova Canvas (retired) 1024x1024; other sizes and premium unverified


def bedrock(model: str, options: dict[str, Any]) -> Estimate:
    if model.startswith("stability.stable-diffusion-xl"):
        steps = options.get("steps") or 30
        return Estimate(0.04 if steps <= 50 else 0.08, "table")
    if model in BEDROCK_FLAT:
        return Estimate(BEDROCK_FLAT[model], "table")
    if model.startswith("amazon.titan-image-generator"):
        return Estimate(TITAN.get(options.get("quality") or "standard"), "table", "unverified Titan price")
    if model.startswith("amazon.nova-canvas"):
        return Estimate(NOVA_CANVAS, "table", "Nova Canvas priced at its 1024x1024 rate (others unverified)")
    return Estimate(None, "unknown", f"no price known for {model}")
