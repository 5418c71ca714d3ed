"""Bedrock model drivers: one per model family, each a pure build/parse pair."""

from imagegen.drivers.bedrock.base import BedrockImageGenerationModelDriver, ParsedImage
from imagegen.drivers.bedrock.stable_diffusion import BedrockStableDiffusionImageGenerationModelDriver
from imagegen.drivers.bedrock.stable_image import BedrockStableImageGenerationModelDriver, nearest_aspect_ratio
from imagegen.drivers.bedrock.titan import (
    BedrockNovaCanvasImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
)

MODEL_DRIVERS = (
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
    BedrockNovaCanvasImageGenerationModelDriver,
)


def model_driver_for(model_id: str) -> type[BedrockImageGenerationModelDriver] | None:
    """The model driver class that speaks this model id, or None."""
    return next((cls for cls in MODEL_DRIVERS if cls().fits(model_id)), None)


__all__ = [
    "BedrockImageGenerationModelDriver",
    "BedrockNovaCanvasImageGenerationModelDriver",
    "BedrockStableDiffusionImageGenerationModelDriver",
    "BedrockStableImageGenerationModelDriver",
    "BedrockTitanImageGenerationModelDriver",
    "MODEL_DRIVERS",
    "ParsedImage",
    "model_driver_for",
    "nearest_aspect_ratio",
]
