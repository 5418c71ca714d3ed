"""The driver contract: validate -> build request -> send -> parse, with latency and meta filled in.

Subclasses implement `requested_options()` (catalog-named options set on the driver),
`build_request()` (pure: lists -> wire request) and `send()` (the network call). Validation happens
before `send`, so an invalid option never costs a request.
"""

from __future__ import annotations

import threading
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
    # True sends a request for a model the catalog marks retired anyway, with a warning (for when a provider keeps a
    # model longer than announced); False refuses it before any request with "retired on DATE — use X".
    allow_retired: bool = False

    def __init__(self, model: str, allow_retired: bool = False):
        self.model = model
        self.allow_retired = allow_retired
        self.cancelled = threading.Event()  # set by cancel(); drivers that can stop watch it
        self.in_flight: dict[str, Any] | None = None  # a paid job that may exist at the provider, while running

    @property
    def provider(self) -> catalog.Provider:
        return catalog.get_provider(self.provider_id)

    def cancel(self) -> None:
        """Ask a running generation to stop (e.g. past compare's timeout). A driver that can
        stop (a polling driver: no more polls, no download) watches `cancelled`; the others finish their call as usual.

        While a paid job may exist at the provider, such a driver sets `in_flight` to a dict naming it (ids such
        as {"generation_id": ...}, plus "find": where to look for it), so a timeout message can say so. The next run
        starts uncancelled: a run that ends clears the flag, so a driver can be used again."""
        if not hasattr(self, "cancelled"):  # a subclass that did not call BaseImageGenerationDriver.__init__
            self.cancelled = threading.Event()
        self.cancelled.set()

    def requested_options(self) -> dict[str, Any]:
        raise NotImplementedError

    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        raise NotImplementedError

    def send(self, request: Request) -> Result:
        raise NotImplementedError

    def prepare(self, prompts, negative_prompts=None) -> Request:
        """Validate and build the request without sending anything."""
        validated = catalog.validate(self.provider_id, self.model, self.requested_options(),
                                     allow_retired=self.allow_retired)
        positives, negatives = as_list(prompts), as_list(negative_prompts)
        # The positive text alone must be a prompt, checked before a driver folds negatives into it ("Avoid: ...").
        catalog.check_prompt(self.provider_id, self.model, ", ".join(positives), ", ".join(negatives))
        request = self.build_request(positives, negatives, validated)
        request.warnings = validated.warnings + request.warnings
        catalog.check_prompt(self.provider_id, self.model, request.prompt, request.negative_prompt)
        return request

    def run_text_to_image(self, prompts: Sequence[str] | str,
                          negative_prompts: Sequence[str] | None = None) -> ImageArtifact:
        request = self.prepare(prompts, negative_prompts)
        started = time.perf_counter()
        try:
            result = self.send(request)
        finally:
            if getattr(self, "cancelled", None) is not None:
                self.cancelled.clear()  # the cancel was for this run: the driver can be used again
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
