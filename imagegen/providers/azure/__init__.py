"""Azure OpenAI through the official `openai` SDK (`AzureOpenAI`); priced like OpenAI."""

from __future__ import annotations

from imagegen.providers.base import EMULATED_KEY, ProviderPackage, catalog_status, renamed
from imagegen.providers.openai import emulator_routes
from imagegen.providers.openai.catalog import AZURE
from imagegen.providers.openai.pricing import actual, openai_family
from imagegen.settings import get_settings

RENAMES = {"size": "image_size"}


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.providers.azure.driver import AzureOpenAiImageGenerationDriver

    kwargs = renamed(spec.set_options(), RENAMES)
    if emulator_url:
        kwargs.update(api_key=EMULATED_KEY, azure_endpoint=emulator_url)
    return AzureOpenAiImageGenerationDriver(model=spec.model, **kwargs)


def credential_status():
    """An Entra ID token (AZURE_OPENAI_AD_TOKEN or ad_token under [azure]) stands in for the API key."""
    return catalog_status(AZURE, {"AZURE_OPENAI_API_KEY": "AZURE_OPENAI_AD_TOKEN"})


def endpoint() -> str:
    return get_settings().azure.endpoint or "(AZURE_OPENAI_ENDPOINT not set)"


PACKAGE = ProviderPackage(AZURE, build_driver, openai_family, actual, credential_status, sdks=("openai",),
                          endpoint=endpoint, check_options={"quality": "low"}, emulator=(emulator_routes,))
