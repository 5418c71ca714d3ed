"""The driver contract: validate -> build request -> send -> parse, with latency and meta filled in.

Subclasses implement `requested_options()` (catalog-named options set on the driver),
`build_request()` (pure: lists -> wire request) and `send()` (the network call). Validation happens
before `send`, so an invalid option never costs a request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from imagegen import catalog
from imagegen.artifacts import ImageArtifact


@dataclass
class Request:
    """What a driver will send: the final prompt strings and the provider's body."""

    prompt: str
    negative_prompt: str
    body: dict[str, Any]
    options: dict[str, Any]  # effective options
    warnings: list[str] = field(default_factory=list)
    seed: int | None = None


@dataclass
class Result:
    """What came back, before it becomes an artifact."""

    value: bytes
    seed: int | None = None
    revised_prompt: str | None = None
    warnings: list[str] = field(default_factory=list)
    emulated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def as_list(items: Sequence[str] | str | None) -> list[str]:
    """Accept a string or a list; drop blanks; never mutate the caller's list."""
    if items is None:
        return []
    if isinstance(items, str):
        items = [items]
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


class BaseImageGenerationDriver:
    provider_id: ClassVar[str] = ""

    def __init__(self, model: str):
        self.model = model

    @property
    def provider(self) -> catalog.Provider:
        return catalog.get_provider(self.provider_id)

    def requested_options(self) -> dict[str, Any]:
        raise NotImplementedError

    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        raise NotImplementedError

    def send(self, request: Request) -> Result:
        raise NotImplementedError

    def prepare(self, prompts, negative_prompts=None) -> Request:
        """Validate and build the request without sending anything."""
        validated = catalog.validate(self.provider_id, self.model, self.requested_options())
        request = self.build_request(as_list(prompts), as_list(negative_prompts), validated)
        request.warnings = validated.warnings + request.warnings
        catalog.check_prompt(self.provider_id, self.model, request.prompt, request.negative_prompt)
        return request

    def run_text_to_image(self, prompts: Sequence[str] | str,
                          negative_prompts: Sequence[str] | None = None) -> ImageArtifact:
        request = self.prepare(prompts, negative_prompts)
        started = time.perf_counter()
        result = self.send(request)
        latency_ms = (time.perf_counter() - started) * 1000
        meta = {
            "provider": self.provider_id,
            "model": self.model,
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "seed": result.seed if result.seed is not None else request.seed,
            "revised_prompt": result.revised_prompt,
            "warnings": request.warnings + result.warnings,
            "latency_ms": round(latency_ms, 1),
            "options": dict(request.options),
            "emulated": result.emulated,
            **result.extra,
        }
        return ImageArtifact(result.value, meta=meta)
