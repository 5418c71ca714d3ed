"""Leonardo.Ai over its REST API (requests); it reports the cost of each generation."""

from __future__ import annotations

from imagegen.providers.base import EMULATED_KEY, ProviderPackage, renamed
from imagegen.providers.leonardo import emulator_routes
from imagegen.providers.leonardo.catalog import LEONARDO
from imagegen.providers.leonardo.pricing import actual, estimate
from imagegen.settings import get_settings

RENAMES = {"width": "image_width", "height": "image_height"}
EMULATED_POLL_INTERVAL = 0.05  # the emulator runs on loopback with no rate limit, so emulated slots poll finely


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.providers.leonardo.driver import LeonardoImageGenerationDriver

    kwargs = renamed(spec.set_options(), RENAMES)
    if emulator_url:
        kwargs.update(api_key=EMULATED_KEY, api_base=f"{emulator_url}{emulator_routes.PREFIX}",
                      poll_interval=EMULATED_POLL_INTERVAL)
    return LeonardoImageGenerationDriver(model=spec.model, **kwargs)


def endpoint() -> str:
    return get_settings().leonardo.api_base or LEONARDO.extras["default_base"]


PACKAGE = ProviderPackage(LEONARDO, build_driver, estimate, actual, sdks=("requests",), endpoint=endpoint,
                          check_options={"width": 256, "height": 256}, emulator=(emulator_routes,), first_page=True)
