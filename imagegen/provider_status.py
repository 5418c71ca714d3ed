"""What the Providers page shows: credentials (where from, never the value), SDK, endpoint, emulation,
and a check that validates a provider's configuration."""

from __future__ import annotations

import time
from dataclasses import dataclass

from imagegen import providers
from imagegen.errors import ImageGenerationError
from imagegen.slots import SlotSpec, build_driver, credential_status


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
    needs_key: bool = True


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def sdk_versions(provider_id: str) -> str:
    return providers.get(provider_id).sdk_versions()


def endpoint(provider_id: str) -> str:
    return providers.get(provider_id).endpoint()


def row(package: providers.ProviderPackage, emulate: bool) -> ProviderRow:
    """One provider's row; a package whose status or facts fail shows that instead of breaking the page."""
    try:
        status = package.status()
        sdk, where = package.sdk_versions(), package.endpoint()
    except Exception as exc:
        status = providers.CredentialStatus(False, None, f"The status could not be read ({type(exc).__name__}).")
        sdk, where = "unknown", "unknown"
    emulated = emulate and not status.ok and package.needs_key
    return ProviderRow(package.id, package.provider.label, status.ok, status.source, status.message, sdk, where,
                       emulated, package.needs_key)


def rows(emulate: bool) -> list[ProviderRow]:
    return [row(package, emulate) for package in providers.all_packages().values()]


def check(provider_id: str, emulator_url: str | None = None) -> CheckResult:
    """Validate the configuration. Emulated or local: one small generation end to end. With real
    credentials: the options and credentials resolve without sending a (paid) request."""
    try:
        package = providers.get(provider_id)
        provider = package.provider
        spec = SlotSpec(provider_id, provider.default_model, dict(package.check_options))
        driver = build_driver(spec, emulator_url)
        if emulator_url is None and package.needs_key:
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
