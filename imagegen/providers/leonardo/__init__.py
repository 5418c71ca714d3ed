"""Leonardo.Ai over its REST API (requests); it reports the cost of each generation."""

from __future__ import annotations

from imagegen.emulator import leonardo_routes
from imagegen.pricing import Estimate
from imagegen.providers.base import EMULATED_KEY, ProviderPackage, renamed
from imagegen.providers.leonardo.catalog import LEONARDO
from imagegen.settings import get_settings

RENAMES = {"width": "image_width", "height": "image_height"}
EMULATED_POLL_INTERVAL = 0.05  # the emulator runs on loopback with no rate limit, so emulated slots poll finely


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.providers.leonardo.driver import LeonardoImageGenerationDriver

    kwargs = renamed(spec.set_options(), RENAMES)
    if emulator_url:
        kwargs.update(api_key=EMULATED_KEY, api_base=f"{emulator_url}{leonardo_routes.PREFIX}",
                      poll_interval=EMULATED_POLL_INTERVAL)
    return LeonardoImageGenerationDriver(model=spec.model, **kwargs)


def estimate(model: str, options: dict) -> Estimate:
    return Estimate(None, "unknown", "Leonardo reports the cost with each generation")


def actual(model: str, options: dict, meta: dict) -> Estimate | None:
    reported = meta.get("reported_cost") or {}
    return Estimate(float(reported["amount"]), "reported") if reported.get("unit") == "DOLLARS" else None


def endpoint() -> str:
    return get_settings().leonardo.api_base or LEONARDO.extras["default_base"]


PACKAGE = ProviderPackage(LEONARDO, build_driver, estimate, actual, sdks=("requests",), endpoint=endpoint,
                          check_options={"width": 256, "height": 256}, emulator=(leonardo_routes,))
