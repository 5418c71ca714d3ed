"""What a provider package gives the core: its catalog entry, a driver factory, pricing, credential status,
the facts the Providers page shows, and its emulator routes. The registry (`imagegen.providers`) lists them."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagegen import credentials
from imagegen.catalog.types import Provider
from imagegen.settings import get_settings

EMULATED_KEY = "emulated-no-real-key"


@dataclass(frozen=True)
class CredentialStatus:
    ok: bool
    source: str | None  # "environment" | "secrets file" | "AWS credential chain" | "none needed"
    message: str  # what to set, when not ok


def catalog_status(provider: Provider, fallbacks: dict[str, str] | None = None) -> CredentialStatus:
    """Every credential the catalog lists, from the environment or the secrets file (never the value).
    `fallbacks`: credential env name -> another variable that stands in for it (or its secrets-file key)."""
    missing, sources = [], set()
    for credential in provider.credentials:
        value, source = credentials.lookup(credential)
        if not value and (other := (fallbacks or {}).get(credential.env)):
            value, source = get_settings().lookup(other)
        if value:
            sources.add(source)
        else:
            missing.append(credentials.how_to_set(credential))
    if missing:
        return CredentialStatus(False, None, "; ".join(missing) + ".")
    return CredentialStatus(True, " + ".join(sorted(sources)), "")


def renamed(options: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """Catalog option names -> driver keywords."""
    return {renames.get(name, name): value for name, value in options.items()}


def no_actual(model: str, options: dict[str, Any], meta: dict[str, Any]) -> None:
    return None


def in_process() -> str:
    return "in process"


@dataclass(frozen=True)
class ProviderPackage:
    """One provider, as the core sees it.

    - `build_driver(spec, emulator_url)`: the driver for a validated slot (`spec.model`, `spec.set_options()`), pointed
      at the emulator with a dummy key when `emulator_url` is given;
    - `estimate(model, options)` -> `pricing.Estimate`; `actual(model, options, meta)` -> an Estimate from what the
      response reported, or None to fall back to the estimate;
    - `credential_status()`: where the credentials come from (default: the catalog's credentials);
    - `sdks`, `endpoint()`: what the Providers page shows; `check_options`: cheap options for its Check button;
    - `first_page`: whether a new Compare page starts with a slot of this provider;
    - `emulator`: route modules (or objects) the emulator mounts, each with `PROVIDERS`, `ROUTES` and optionally
      `env_vars(url)`, `not_found(req)`, `FAULT_KINDS`, `URLS` (attribute name -> f(url)), `init_state(emu)`,
      `reset_state(emu)`.
    """

    provider: Provider
    build_driver: Callable[[Any, str | None], Any]
    estimate: Callable[[str, dict[str, Any]], Any]
    actual: Callable[[str, dict[str, Any], dict[str, Any]], Any] = no_actual
    credential_status: Callable[[], CredentialStatus] | None = None
    needs_key: bool = True
    sdks: tuple[str, ...] = ()
    endpoint: Callable[[], str] = in_process
    check_options: dict[str, Any] = field(default_factory=dict)
    emulator: tuple[Any, ...] = ()
    first_page: bool = False  # one of the Compare page's starting slots (with its default model)

    @property
    def id(self) -> str:
        return self.provider.id

    def status(self) -> CredentialStatus:
        if not self.needs_key:
            return CredentialStatus(True, "none needed", "")
        if self.credential_status is not None:
            return self.credential_status()
        return catalog_status(self.provider)

    def sdk_versions(self) -> str:
        parts = []
        for name in self.sdks:
            try:
                parts.append(f"{name} {importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                parts.append(f"{name} missing: pip install -r requirements.txt")
        return ", ".join(parts) or "none"
