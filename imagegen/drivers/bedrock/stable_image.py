"""Stability SD3 / SD3.5 Large, Stable Image Core and Ultra on Bedrock: flat body, aspect ratios."""

from __future__ import annotations

import math
from typing import Any

from imagegen.catalog.bedrock import ASPECT_RATIOS
from imagegen.catalog.types import shown
from imagegen.drivers.bedrock.base import BedrockImageGenerationModelDriver, ParsedImage, decode, present
from imagegen.errors import ContentPolicyError, InvalidOptionsError, ProviderError

WIRE = {"aspect_ratio": "aspect_ratio", "seed": "seed", "output_format": "output_format"}
MAX_SIDE = 16384  # any sane pixel size; only its ratio is used


def ratio_value(ratio: str) -> float:
    width, height = ratio.split(":")
    return int(width) / int(height)


def nearest_aspect_ratio(width: int, height: int) -> str:
    """The allowed ratio closest to width/height, compared on a log scale (2:1 is as far as 1:2)."""
    target = math.log(width / height)
    return min(ASPECT_RATIOS, key=lambda ratio: abs(math.log(ratio_value(ratio)) - target))


def pixels(name: str, value) -> int | None:
    """A width or height to map to an aspect ratio: None (unset) or a whole number of pixels in range."""
    if value is None or type(value) is int and 1 <= value <= MAX_SIDE:
        return value
    raise InvalidOptionsError(
        f"Stability (SD3 / Stable Image): option '{name}' = {shown(value)} is not accepted; allowed: int from 1 to "
        f"{MAX_SIDE} (mapped to the nearest aspect ratio; or set aspect_ratio).", field=name,
        allowed=f"int from 1 to {MAX_SIDE}")


class BedrockStableImageGenerationModelDriver(BedrockImageGenerationModelDriver):
    families = ("stability.sd3", "stability.stable-image")
    label = "Stability (SD3 / Stable Image)"

    def __init__(self, aspect_ratio: str | None = None, output_format: str | None = "png"):
        self.aspect_ratio = aspect_ratio
        self.output_format = output_format

    def options(self) -> dict[str, Any]:
        return {"aspect_ratio": self.aspect_ratio, "output_format": self.output_format}

    def size_options(self, width, height):
        if width is None and height is None:
            return {}, []
        if self.aspect_ratio is not None:
            return {}, [f"{self.label} takes an aspect ratio: width/height ignored, aspect_ratio "
                        f"{self.aspect_ratio} used."]
        width, height = pixels("width", width), pixels("height", height)
        width, height = width or height, height or width
        ratio = nearest_aspect_ratio(width, height)
        return {"aspect_ratio": ratio}, [f"{self.label} takes an aspect ratio, not a size: {width}x{height} "
                                         f"was mapped to the nearest allowed ratio, {ratio}."]

    def build(self, prompts, negative_prompts, options):
        body: dict[str, Any] = {"prompt": ", ".join(prompts)}
        if negative_prompts:
            body["negative_prompt"] = ", ".join(negative_prompts)
        return {**body, **present(options, WIRE)}

    def parse(self, body: dict[str, Any]) -> ParsedImage:
        reasons = body.get("finish_reasons") or [None]
        reason = reasons[0]
        images = body.get("images") or []
        seeds = body.get("seeds") or [None]
        if reason and not images:
            raise ContentPolicyError(f"{self.label} did not return an image: {reason}. Rephrase the prompt.",
                                     provider="bedrock")
        if reason and "filter" not in str(reason).lower():
            raise ProviderError(f"{self.label} reported '{reason}'; try again.", provider="bedrock", retryable=True)
        image = ParsedImage(decode(images[0] if images else None, self.label), seed=seeds[0])
        if reason:
            image.filtered = True
            image.warnings.append(f"{self.label}'s content filter flagged this image ({reason}).")
        return image
