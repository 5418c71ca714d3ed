"""One driver per provider. Each validates its options before any request is sent."""

from imagegen.drivers.azure_openai import AzureOpenAiImageGenerationDriver
from imagegen.drivers.base import BaseImageGenerationDriver
from imagegen.drivers.local import LocalImageGenerationDriver
from imagegen.drivers.openai import OpenAiImageGenerationDriver

__all__ = [
    "AzureOpenAiImageGenerationDriver",
    "BaseImageGenerationDriver",
    "LocalImageGenerationDriver",
    "OpenAiImageGenerationDriver",
]
