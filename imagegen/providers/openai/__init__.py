"""OpenAI Images through the official `openai` SDK."""

from __future__ import annotations

from imagegen.emulator import chat_routes
from imagegen.providers.base import EMULATED_KEY, ProviderPackage, renamed
from imagegen.providers.openai import emulator_routes
from imagegen.providers.openai.catalog import OPENAI
from imagegen.providers.openai.pricing import actual, openai_family
from imagegen.settings import get_settings

RENAMES = {"size": "image_size"}


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.providers.openai.driver import OpenAiImageGenerationDriver

    kwargs = renamed(spec.set_options(), RENAMES)
    if emulator_url:
        kwargs.update(api_key=EMULATED_KEY, base_url=f"{emulator_url}/v1")
    return OpenAiImageGenerationDriver(model=spec.model, **kwargs)


def endpoint() -> str:
    return get_settings().openai.base_url or "https://api.openai.com/v1"


PACKAGE = ProviderPackage(OPENAI, build_driver, openai_family, actual, sdks=("openai",), endpoint=endpoint,
                          check_options={"quality": "low"}, emulator=(emulator_routes, chat_routes), first_page=True)
