"""Run several slots at once: one thread per slot, results yielded as they complete.

One slot's failure or slowness never affects another: every error becomes that slot's result, and a
slot past the per-slot timeout is reported as timed out while the others carry on. Wall time for K
slots is about the slowest slot, not the sum. A slot past the timeout (or left running when the caller
stops iterating) is cancelled: drivers that can stop do (`BaseImageGenerationDriver.cancel`), and when
one reports a paid job in flight the timeout message names it instead of suggesting a retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from imagegen import pricing
from imagegen.artifacts import ImageArtifact
from imagegen.drivers.base import BaseImageGenerationDriver
from imagegen.engines import compose
from imagegen.errors import GenerationTimeoutError, ImageGenerationError, ProviderError
from imagegen.rules import Ruleset
from imagegen.slots import SlotSpec

log = logging.getLogger(__name__)


@dataclass
class Slot:
    spec: SlotSpec
    driver: BaseImageGenerationDriver


@dataclass
class SlotResult:
    position: int
    spec: SlotSpec
    artifact: ImageArtifact | None
    error: ImageGenerationError | None
    prompt: str
    negative_prompt: str
    started_at: float  # time.monotonic() when the slot started
    finished_at: float
    cost: pricing.Estimate
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.artifact is None:
            return "error"
        return "filtered" if self.artifact.meta.get("filtered") else "ok"

    @property
    def latency_ms(self) -> float:
        if self.artifact is not None and self.artifact.meta.get("latency_ms") is not None:
            return self.artifact.meta["latency_ms"]
        return round((self.finished_at - self.started_at) * 1000, 1)

    @property
    def effective_options(self) -> dict[str, Any]:
        return dict(self.artifact.meta.get("options") or {}) if self.artifact else {}


def compose_lists(prompts, negative_prompts=None, rulesets: Sequence[Ruleset] = (),
                  negative_rulesets: Sequence[Ruleset] = ()) -> tuple[list[str], list[str]]:
    return compose(prompts, [rulesets]), compose(negative_prompts, [negative_rulesets])


def check(slots: Sequence[Slot], positive: list[str], negative: list[str]) -> list[tuple[int, ImageGenerationError]]:
    """Validate every slot without sending anything: (position, error) for each invalid slot."""
    problems = []
    for position, slot in enumerate(slots):
        try:
            slot.driver.prepare(positive, negative)
        except ImageGenerationError as exc:
            problems.append((position, exc))
    return problems


def run_slot(position: int, slot: Slot, positive: list[str], negative: list[str]) -> SlotResult:
    started = time.monotonic()
    artifact, error = None, None
    try:
        artifact = slot.driver.run_text_to_image(positive, negative)
    except ImageGenerationError as exc:
        error = exc
    except Exception as exc:  # a bug or an SDK surprise stays inside its slot
        log.exception("slot %d (%s) failed unexpectedly", position, slot.spec.provider)
        error = ProviderError(f"{slot.spec.provider} failed unexpectedly ({type(exc).__name__}); see the server log.",
                              provider=slot.spec.provider)
    finished = time.monotonic()
    return finish(position, slot, positive, negative, artifact, error, started, finished)


def finish(position, slot, positive, negative, artifact, error, started, finished) -> SlotResult:
    spec = slot.spec
    if artifact is not None:
        meta = artifact.meta
        cost = pricing.actual(spec.provider, spec.model, meta.get("options") or {}, meta)
        return SlotResult(position, spec, artifact, None, meta["prompt"], meta["negative_prompt"], started, finished,
                          cost, list(meta.get("warnings") or []))
    return SlotResult(position, spec, None, error, ", ".join(positive), ", ".join(negative), started, finished,
                      pricing.Estimate(0.0, "free", "failed: not charged"))


def timeout_error(slot: Slot, timeout: float) -> GenerationTimeoutError:
    provider = slot.spec.provider
    job = dict(getattr(slot.driver, "in_flight", None) or {})
    text = f"{provider} took longer than {timeout:g} s; the other slots were not held up."
    if not job:
        return GenerationTimeoutError(f"{text} Try again or raise the timeout.", provider=provider)
    find = job.pop("find", None) or "with the provider"
    ids = ", ".join(f"{name} {value}" for name, value in job.items() if value)
    return GenerationTimeoutError(f"{text} It was stopped, but its job may already have been created and charged"
                                  f"{f' ({ids})' if ids else ''}: do not simply retry; look for it {find}.",
                                  provider=provider)


def run(slots: Sequence[Slot], prompts, negative_prompts=None, rulesets: Sequence[Ruleset] = (),
        negative_rulesets: Sequence[Ruleset] = (), timeout: float = 300.0) -> Iterator[SlotResult]:
    """Yield one SlotResult per slot, in completion order. `timeout` bounds each slot's wait."""
    positive, negative = compose_lists(prompts, negative_prompts, rulesets, negative_rulesets)
    if not slots:
        return
    executor = ThreadPoolExecutor(max_workers=len(slots), thread_name_prefix="imagegen-slot")
    started = time.monotonic()
    pending: dict[Future, int] = {
        executor.submit(run_slot, position, slot, positive, negative): position for position, slot in enumerate(slots)
    }
    try:
        while pending:
            remaining = started + timeout - time.monotonic()
            done, _ = wait(pending, timeout=max(remaining, 0), return_when=FIRST_COMPLETED)
            if not done:
                break
            for future in done:
                pending.pop(future)
                yield future.result()
        now = time.monotonic()
        late = sorted(pending.values())
        errors = {position: timeout_error(slots[position], timeout) for position in late}  # in_flight, then cancel
        for position in late:  # all of them before the first yield, which may never return
            slots[position].driver.cancel()
        for position in late:
            yield finish(position, slots[position], positive, negative, None, errors[position], started, now)
    finally:
        for future, position in pending.items():  # timed out, or the caller stopped iterating
            future.cancel()
            if not future.done():
                slots[position].driver.cancel()
        executor.shutdown(wait=False, cancel_futures=True)
