"""The contract of a Bedrock model driver: a pure `build` (lists + options -> body dict) and a pure
`parse` (response dict -> image). No network here; `AmazonBedrockImageGenerationDriver` sends."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, ClassVar

from imagegen.errors import ProviderError


@dataclass
class ParsedImage:
    value: bytes
    seed: int | None = None
    filtered: bool = False
    warnings: list[str] = field(default_factory=list)


def decode(data: Any, label: str) -> bytes:
    if not isinstance(data, str) or not data:
        raise ProviderError(f"{label} answered without an image; try again.", provider="bedrock")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError(f"{label} answered with an image that is not valid base64; try again.",
                            provider="bedrock") from None


class BedrockImageGenerationModelDriver:
    """One model family on Bedrock. `families` are the model-id prefixes it speaks."""

    families: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str] = "Bedrock model"
    default_width: ClassVar[int] = 1024
    default_height: ClassVar[int] = 1024
    seed_max: ClassVar[int] = 4294967295
    draws_seed: ClassVar[bool] = False  # the provider does not report the seed: draw one and send it

    def fits(self, model_id: str) -> bool:
        return any(model_id.startswith(prefix) for prefix in self.families)

    def options(self) -> dict[str, Any]:
        """This driver's options, catalog-named; None means unset."""
        return {}

    def size_options(self, width: int | None, height: int | None) -> tuple[dict[str, Any], list[str]]:
        """Width/height as this family takes them (default: pixels), plus any warning. Only None means unset: a 0,
        False or [] is passed on for the catalog to reject, never replaced by the default."""
        return {"width": self.default_width if width is None else width,
                "height": self.default_height if height is None else height}, []

    def build(self, prompts: list[str], negative_prompts: list[str], options: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def parse(self, body: dict[str, Any]) -> ParsedImage:
        raise NotImplementedError


def present(options: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Wire fields for the options that are set: unset options are omitted, never sent as null."""
    return {wire: options[name] for name, wire in mapping.items() if options.get(name) is not None}
