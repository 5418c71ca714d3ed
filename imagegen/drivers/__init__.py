"""One driver per provider. Each validates its options before any request is sent.

The names below import their provider's module (and its SDK: openai, boto3, requests) on first use, so importing
`imagegen.drivers` or the library costs no SDK import until a driver of that provider is needed."""

from __future__ import annotations

import importlib

from imagegen.drivers.base import BaseImageGenerationDriver

_WHERE = {
    "AmazonBedrockImageGenerationDriver": "imagegen.providers.bedrock.driver",
    "AzureOpenAiImageGenerationDriver": "imagegen.providers.azure.driver",
    "BedrockImageGenerationModelDriver": "imagegen.drivers.bedrock",
    "BedrockNovaCanvasImageGenerationModelDriver": "imagegen.drivers.bedrock",
    "BedrockStableDiffusionImageGenerationModelDriver": "imagegen.drivers.bedrock",
    "BedrockStableImageGenerationModelDriver": "imagegen.drivers.bedrock",
    "BedrockTitanImageGenerationModelDriver": "imagegen.drivers.bedrock",
    "LeonardoImageGenerationDriver": "imagegen.providers.leonardo.driver",
    "LocalImageGenerationDriver": "imagegen.providers.local.driver",
    "OpenAiChatPromptDriver": "imagegen.drivers.prompt",
    "OpenAiImageGenerationDriver": "imagegen.providers.openai.driver",
}

__all__ = ["BaseImageGenerationDriver", *sorted(_WHERE)]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
