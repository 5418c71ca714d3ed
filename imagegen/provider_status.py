"""What the Providers page shows: credentials (where from, never the value), SDK, endpoint, emulation,
and a check that validates a provider's configuration."""

from __future__ import annotations

import importlib.metadata
import os
import time
from dataclasses import dataclass

from imagegen import catalog
from imagegen.catalog.bedrock import STABILITY_REGION
from imagegen.errors import ImageGenerationError
from imagegen.slots import SlotSpec, build_driver, credential_status

SDKS = {"local": ("pillow",), "openai": ("openai",), "azure": ("openai",), "bedrock": ("boto3", "botocore"),
        "leonardo": ("requests",)}
CHEAP_OPTIONS = {"local": {"width": 256, "height": 256}, "openai": {"quality": "low"},
                 "azure": {"quality": "low"}, "bedrock": {}, "leonardo": {"width": 256, "height": 256}}


@dataclass(frozen=True)
class ProviderRow:
    id: str
    label: str
    credentials_ok: bool
    source: str | None
    what_to_set: str
    sdk: str
    endpoint: str
    emulated: bool


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def sdk_versions(provider_id: str) -> str:
    parts = []
    for name in SDKS[provider_id]:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} missing: pip install -r requirements.txt")
    return ", ".join(parts)


def endpoint(provider_id: str) -> str:
    env = os.environ.get
    if provider_id == "openai":
        return env("OPENAI_BASE_URL") or "https://api.openai.com/v1"
    if provider_id == "azure":
        return env("AZURE_OPENAI_ENDPOINT") or "(AZURE_OPENAI_ENDPOINT not set)"
    if provider_id == "bedrock":
        return bedrock_endpoint()
    if provider_id == "leonardo":
        return env("LEONARDO_API_BASE") or catalog.get_provider("leonardo").extras["default_base"]
    return "in process"


def bedrock_endpoint() -> str:
    """Where Bedrock calls go, naming the region: the configured one, else each model's own (Stability: us-west-2)."""
    env = os.environ.get
    custom = env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
    region = env("AWS_REGION") or env("AWS_DEFAULT_REGION")
    if region:
        where = f"bedrock-runtime.{region}.amazonaws.com ({region})"
    else:
        where = (f"bedrock-runtime.{STABILITY_REGION}.amazonaws.com ({STABILITY_REGION}, where the Stability models "
                 f"are served; no AWS_REGION set, other models: us-east-1)")
    return custom or where


def rows(emulate: bool) -> list[ProviderRow]:
    result = []
    for provider in catalog.PROVIDERS.values():
        status = credential_status(provider.id)
        emulated = emulate and not status.ok and provider.id != "local"
        result.append(ProviderRow(provider.id, provider.label, status.ok, status.source, status.message,
                                  sdk_versions(provider.id), endpoint(provider.id), emulated))
    return result


def check(provider_id: str, emulator_url: str | None = None) -> CheckResult:
    """Validate the configuration. Emulated or local: one small generation end to end. With real
    credentials: the options and credentials resolve without sending a (paid) request."""
    provider = catalog.get_provider(provider_id)
    spec = SlotSpec(provider_id, provider.default_model, dict(CHEAP_OPTIONS.get(provider_id, {})))
    try:
        driver = build_driver(spec, emulator_url)
        if emulator_url is None and provider_id != "local":
            driver.prepare(["configuration check"])
            status = credential_status(provider_id)
            if not status.ok:
                return CheckResult(False, status.message)
            return CheckResult(True, f"Options valid and credentials found ({status.source}); no paid request was "
                                     f"sent. Generate once to confirm the key works.")
        started = time.perf_counter()
        artifact = driver.run_text_to_image(["configuration check"])
    except ImageGenerationError as exc:
        return CheckResult(False, str(exc))
    where = "the emulator" if emulator_url else "the local generator"
    return CheckResult(True, f"{where.capitalize()} answered {provider.default_model} with a {artifact.width}x"
                             f"{artifact.height} {artifact.format} in {(time.perf_counter() - started) * 1000:.0f} ms.")
