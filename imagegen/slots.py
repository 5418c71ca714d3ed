"""A slot is one provider + model + options (catalog names). This module turns a slot into a driver,
routed to the real service or, for providers without credentials, to the emulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imagegen import catalog, providers
from imagegen.drivers.base import BaseImageGenerationDriver
from imagegen.providers.base import EMULATED_KEY, CredentialStatus

__all__ = ["EMULATED_KEY", "CredentialStatus", "SlotSpec", "build_driver", "credential_status", "warm_clients"]


@dataclass
class SlotSpec:
    provider: str
    model: str
    options: dict[str, Any] = field(default_factory=dict)

    def set_options(self) -> dict[str, Any]:
        return {k: v for k, v in self.options.items() if v is not None and v != ""}

    def to_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "options": self.set_options()}


def credential_status(provider_id: str) -> CredentialStatus:
    """Whether a provider has credentials, and from where: never the value itself."""
    return providers.get(provider_id).status()


def build_driver(spec: SlotSpec, emulator_url: str | None = None) -> BaseImageGenerationDriver:
    """The driver for a slot; with `emulator_url`, pointed at the emulator with a dummy key.

    A slot's options are catalog options only (the model's, or the provider's generic ones for a model id the
    catalog does not know), checked before any driver is made: credentials, endpoints and driver settings such
    as `api_key`, `base_url` or `n` are never options, so they fail here naming the field. A provider the registry
    does not know raises InvalidOptionsError (field "provider")."""
    package = providers.get(spec.provider)
    catalog.validate(package.id, spec.model, spec.set_options())
    return package.build_driver(spec, emulator_url)


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
