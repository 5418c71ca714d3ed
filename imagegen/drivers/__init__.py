"""One driver per provider. Each validates its options before any request is sent."""

from imagegen.drivers.amazon_bedrock import AmazonBedrockImageGenerationDriver
from imagegen.drivers.azure_openai import AzureOpenAiImageGenerationDriver
from imagegen.drivers.base import BaseImageGenerationDriver
from imagegen.drivers.bedrock import (
    BedrockImageGenerationModelDriver,
    BedrockNovaCanvasImageGenerationModelDriver,
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
)
from imagegen.drivers.leonardo import LeonardoImageGenerationDriver
from imagegen.drivers.local import LocalImageGenerationDriver
from imagegen.drivers.openai import OpenAiImageGenerationDriver
from imagegen.drivers.prompt import OpenAiChatPromptDriver

__all__ = [
    "AmazonBedrockImageGenerationDriver",
    "AzureOpenAiImageGenerationDriver",
    "BaseImageGenerationDriver",
    "BedrockImageGenerationModelDriver",
    "BedrockNovaCanvasImageGenerationModelDriver",
    "BedrockStableDiffusionImageGenerationModelDriver",
    "BedrockStableImageGenerationModelDriver",
    "BedrockTitanImageGenerationModelDriver",
    "LeonardoImageGenerationDriver",
    "LocalImageGenerationDriver",
    "OpenAiChatPromptDriver",
    "OpenAiImageGenerationDriver",
]
