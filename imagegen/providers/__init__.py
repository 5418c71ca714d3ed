"""The provider registry: the built-in providers, the packages installed through the `imagegen.providers`
entry-point group (each entry point loads a `ProviderPackage`), and any `register`ed in code.

    [project.entry-points."imagegen.providers"]
    stability = "imagegen_stability:PACKAGE"
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging

from imagegen.errors import InvalidOptionsError
from imagegen.providers.base import CredentialStatus, ProviderPackage

__all__ = ["BUILTIN", "CredentialStatus", "ProviderPackage", "all_packages", "get", "refresh", "register",
           "unregister"]

BUILTIN = ("local", "openai", "azure", "bedrock", "leonardo")
GROUP = "imagegen.providers"
log = logging.getLogger(__name__)
_registered: dict[str, ProviderPackage] = {}
_cache: dict[str, ProviderPackage] | None = None


def builtin() -> list[ProviderPackage]:
    return [importlib.import_module(f"imagegen.providers.{name}").PACKAGE for name in BUILTIN]


def discovered() -> list[ProviderPackage]:
    """The packages other installed distributions add; one that fails to load is logged and skipped."""
    found = []
    for entry in importlib.metadata.entry_points(group=GROUP):
        try:
            package = entry.load()
        except Exception as exc:  # a broken plugin must not take the app down
            log.warning("provider entry point %s could not be loaded (%s)", entry.name, type(exc).__name__)
            continue
        if isinstance(package, ProviderPackage):
            found.append(package)
        else:
            log.warning("provider entry point %s is not a ProviderPackage; skipped", entry.name)
    return found


def all_packages() -> dict[str, ProviderPackage]:
    """Provider id -> package, in order: built-in, installed, registered (a later one replaces an earlier id)."""
    global _cache
    if _cache is None:
        packages = {p.id: p for p in builtin()}
        packages.update((p.id, p) for p in discovered())
        _cache = packages
    return {**_cache, **_registered}


def refresh() -> None:
    """Forget what was discovered, so the next lookup reads the entry points again."""
    global _cache
    _cache = None


def register(package: ProviderPackage) -> None:
    _registered[package.id] = package


def unregister(provider_id: str) -> None:
    _registered.pop(provider_id, None)


def get(provider_id: str) -> ProviderPackage:
    """The package for a provider id; InvalidOptionsError naming the known ones for any other."""
    packages = all_packages()
    try:
        return packages[provider_id]
    except (KeyError, TypeError):
        from imagegen.catalog.types import shown

        raise InvalidOptionsError(f"Unknown provider {shown(provider_id)}; choose one of {', '.join(packages)}.",
                                  field="provider", allowed=", ".join(packages)) from None
