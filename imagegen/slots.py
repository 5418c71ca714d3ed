"""A slot is one provider + model + options (catalog names). This module turns a slot into a driver,
routed to the real service or, for providers without credentials, to the emulator."""

from __future__ import annotations

import functools
import inspect
import os
from dataclasses import dataclass, field
from typing import Any

import boto3

from imagegen import catalog, credentials
from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BaseImageGenerationDriver,
    LeonardoImageGenerationDriver,
    LocalImageGenerationDriver,
    OpenAiImageGenerationDriver,
)
from imagegen.drivers.bedrock import model_driver_for
from imagegen.errors import InvalidOptionsError

EMULATED_KEY = "emulated-no-real-key"
EMULATED_POLL_INTERVAL = 0.05  # the emulator runs on loopback with no rate limit, so Leonardo slots poll finely
# Catalog option name -> driver keyword, where they differ.
RENAMES = {
    "local": {"width": "image_width", "height": "image_height"},
    "openai": {"size": "image_size"},
    "azure": {"size": "image_size"},
    "bedrock": {"width": "image_width", "height": "image_height"},
    "leonardo": {"width": "image_width", "height": "image_height"},
}
BEDROCK_MAIN = ("width", "height", "seed")  # the rest belong to the model driver


@dataclass
class SlotSpec:
    provider: str
    model: str
    options: dict[str, Any] = field(default_factory=dict)

    def set_options(self) -> dict[str, Any]:
        return {k: v for k, v in self.options.items() if v is not None and v != ""}

    def to_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "options": self.set_options()}


@dataclass(frozen=True)
class CredentialStatus:
    ok: bool
    source: str | None  # "environment" | "secrets file" | "AWS credential chain" | "none needed"
    message: str  # what to set, when not ok


def credential_status(provider_id: str) -> CredentialStatus:
    """Whether a provider has credentials, and from where: never the value itself."""
    provider = catalog.get_provider(provider_id)
    if provider_id == "local":
        return CredentialStatus(True, "none needed", "")
    if provider_id == "bedrock":
        return bedrock_status()
    missing = []
    sources = set()
    for credential in provider.credentials:
        value, source = credentials.lookup(credential)
        if provider_id == "azure" and credential.env == "AZURE_OPENAI_API_KEY" and not value:
            value, source = os.environ.get("AZURE_OPENAI_AD_TOKEN"), "environment"
        if value:
            sources.add(source)
        else:
            missing.append(credentials.how_to_set(credential))
    if missing:
        return CredentialStatus(False, None, "; ".join(missing) + ".")
    return CredentialStatus(True, " + ".join(sorted(sources)), "")


def bedrock_status() -> CredentialStatus:
    key, source = credentials.lookup(catalog.get_provider("bedrock").credentials[0])
    if source == "secrets file":
        return CredentialStatus(True, source, "")
    if os.environ.get("AWS_BEARER_TOKEN_BEDROCK", "").strip():  # a Bedrock API key: botocore sends it as Bearer
        return CredentialStatus(True, "Bedrock API key (AWS_BEARER_TOKEN_BEDROCK)", "")
    if key or os.environ.get("AWS_PROFILE") or boto3.Session().get_credentials() is not None:
        return CredentialStatus(True, "AWS credential chain", "")
    return CredentialStatus(False, None, "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or "
                                         "AWS_PROFILE), or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK, or "
                                         "aws_access_key_id / aws_secret_access_key under "
                                         f"[bedrock] in {credentials.secrets_path()}.")


def driver_kwargs(spec: SlotSpec) -> dict[str, Any]:
    renames = RENAMES.get(spec.provider, {})
    return {renames.get(name, name): value for name, value in spec.set_options().items()}


def build_driver(spec: SlotSpec, emulator_url: str | None = None) -> BaseImageGenerationDriver:
    """The driver for a slot; with `emulator_url`, pointed at the emulator with a dummy key.

    A slot's options are catalog options only (the model's, or the provider's generic ones for a model id the
    catalog does not know), checked before any driver is made: credentials, endpoints and driver settings such
    as `api_key`, `base_url` or `n` are never options, so they fail here naming the field."""
    provider = catalog.get_provider(spec.provider).id
    catalog.validate(provider, spec.model, spec.set_options())
    if provider == "local":
        return LocalImageGenerationDriver(model=spec.model, **driver_kwargs(spec))
    if provider == "bedrock":
        return bedrock_driver(spec, emulator_url)
    kwargs = driver_kwargs(spec)
    if provider == "openai":
        if emulator_url:
            kwargs.update(api_key=EMULATED_KEY, base_url=f"{emulator_url}/v1")
        return OpenAiImageGenerationDriver(model=spec.model, **kwargs)
    if provider == "azure":
        if emulator_url:
            kwargs.update(api_key=EMULATED_KEY, azure_endpoint=emulator_url)
        return AzureOpenAiImageGenerationDriver(model=spec.model, **kwargs)
    if emulator_url:
        kwargs.update(api_key=EMULATED_KEY, api_base=f"{emulator_url}/api/rest/v1",
                      poll_interval=EMULATED_POLL_INTERVAL)
    return LeonardoImageGenerationDriver(model=spec.model, **kwargs)


@functools.cache
def emulated_bedrock_session() -> boto3.Session:
    """One session with the emulator's made-up credentials, so every emulated Bedrock slot shares one client per
    region. No region is set: the driver picks the model's own (us-west-2 for Stability), as with real credentials."""
    return boto3.Session(aws_access_key_id="AKIAEMULATED00000000", aws_secret_access_key=EMULATED_KEY)


def bedrock_driver(spec: SlotSpec, emulator_url: str | None) -> AmazonBedrockImageGenerationDriver:
    model_driver_cls = model_driver_for(spec.model)
    if model_driver_cls is None:
        raise InvalidOptionsError(f"Amazon Bedrock model {spec.model!r} is not an image model imagegen knows how to "
                                  f"call; pick one from the list.", field="model")
    options = spec.set_options()
    main = {k: options.pop(k) for k in BEDROCK_MAIN if k in options}
    renames = RENAMES["bedrock"]
    kwargs = {renames.get(k, k): v for k, v in main.items()}
    if emulator_url:
        kwargs.update(endpoint_url=emulator_url, session=emulated_bedrock_session())
    accepted = inspect.signature(model_driver_cls).parameters
    for name in options:
        if name not in accepted:
            names = ", ".join((*BEDROCK_MAIN, *accepted))
            raise InvalidOptionsError(f"Amazon Bedrock {spec.model} ({model_driver_cls.label}) does not accept option "
                                      f"'{name}'; it accepts: {names}. Remove '{name}'.", field=name, allowed=names)
    model_driver = model_driver_cls(**options)
    return AmazonBedrockImageGenerationDriver(model=spec.model, image_generation_model_driver=model_driver, **kwargs)


def warm_clients(slots: list[tuple[SlotSpec, str | None]]) -> int:
    """Make the SDK clients these slots will use (shared, see drivers.client_cache) without sending anything,
    so the first Generate does not pay for them (~0.1-0.3 s of botocore and openai set-up). Problems are left
    for Generate to report; returns how many clients are ready."""
    ready = 0
    for spec, emulator_url in slots:
        try:
            driver = build_driver(spec, emulator_url)
            if hasattr(driver, "get_client"):
                driver.get_client()
                ready += 1
        except Exception:  # a missing key or a bad option: Generate says so, with the fix
            continue
    return ready
