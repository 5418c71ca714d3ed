"""The embedded offline generator: no key, no network, no emulator."""

from __future__ import annotations

from imagegen.providers.base import ProviderPackage, renamed
from imagegen.providers.local.catalog import LOCAL
from imagegen.providers.local.pricing import estimate

RENAMES = {"width": "image_width", "height": "image_height"}


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.providers.local.driver import LocalImageGenerationDriver

    return LocalImageGenerationDriver(model=spec.model, **renamed(spec.set_options(), RENAMES))


PACKAGE = ProviderPackage(LOCAL, build_driver, estimate, needs_key=False, first_page=True, sdks=("pillow",),
                          check_options={"width": 256, "height": 256})
