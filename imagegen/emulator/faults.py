"""Faults the emulator injects on demand: latency, rate limits, server errors, safety rejections.

A fault targets one provider (or "*" for all) and lasts

- `count=N`: for the next N requests it applies to, then it expires;
- `fraction=p`: for that share of requests, drawn from a random generator seeded from the fault's
  provider and kind, so the same request sequence always fails the same way;
- neither: for every request until `reset()`.

Both `count` and `fraction` together mean "a share p of requests, at most N times".
Faults are consulted only by generation routes (images, and chat completions as provider
"openai_chat"); each route decides where in its checks the fault applies (the OpenAI/Azure routes:
latency/rate_limit/server_error after authentication, content_policy after body validation, so an
invalid request never consumes a safety fault).

`BASIC_KINDS` apply to every provider; a routes module may list the kinds its providers understand in
`FAULT_KINDS` (Bedrock adds model_not_ready, output_filter and model_error; Leonardo adds failed,
nsfw and empty -- see the `emulator_routes` modules of `imagegen.providers.bedrock` and `.leonardo`). Injecting a
kind a provider does not understand is a ValueError; "*" accepts every kind, and each provider acts on those it
understands.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

BASIC_KINDS = ("latency", "rate_limit", "server_error", "content_policy")
KINDS = BASIC_KINDS + ("model_not_ready", "output_filter", "model_error", "failed", "nsfw", "empty")
ANY_PROVIDER = "*"


@dataclass
class Fault:
    provider: str
    kind: str
    count: int | None = None
    fraction: float | None = None
    seconds: float = 0.0
    retry_after: float = 1.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, provider: str, kind: str) -> bool:
        return self.kind == kind and self.provider in (provider, ANY_PROVIDER)

    def fires(self) -> bool:
        """Decide for one request (caller holds the lock); uses up one count when it fires."""
        if self.fraction is not None and self.rng.random() >= self.fraction:
            return False
        if self.count is not None:
            self.count -= 1
        return True

    @property
    def expired(self) -> bool:
        return self.count is not None and self.count <= 0


class FaultSet:
    """The active faults of one emulator; safe to use from the server's handler threads."""

    def __init__(self, providers: tuple[str, ...] = (), kinds: dict[str, tuple[str, ...]] | None = None):
        self.providers = providers
        self.kinds = dict(kinds or {})  # provider -> the kinds it understands (absent: BASIC_KINDS)
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, provider: str, kind: str, count: int | None = None, fraction: float | None = None,
               seconds: float | None = None, retry_after: float | None = None) -> Fault:
        fault = make_fault(provider, kind, count, fraction, seconds, retry_after, self.providers, self.kinds)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, provider: str, kind: str) -> Fault | None:
        """The first fault of `kind` for `provider` that fires for this request, or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(provider, kind) and fault.fires():
                    if fault.expired:
                        self._faults.remove(fault)
                    return fault
        return None

    def delay(self, provider: str) -> float:
        """Total injected latency (seconds) for this request; every latency fault gets its draw."""
        with self._lock:
            firing = [f for f in self._faults if f.matches(provider, "latency") and f.fires()]
            self._faults = [f for f in self._faults if not f.expired]
        return sum(f.seconds for f in firing)


def make_fault(provider: str, kind: str, count: int | None, fraction: float | None, seconds: float | None,
               retry_after: float | None, providers: tuple[str, ...] = (),
               kinds: dict[str, tuple[str, ...]] | None = None) -> Fault:
    """Check the arguments of `inject` and build the fault; ValueError names what is wrong."""
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
    if providers and provider != ANY_PROVIDER and provider not in providers:
        raise ValueError(f"unknown provider {provider!r}; expected '*' or one of {', '.join(providers)}")
    check_kind(provider, kind, kinds)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"count must be an integer >= 1, got {count!r}")
    if fraction is not None and not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    if kind == "latency" and (seconds is None or seconds <= 0):
        raise ValueError("a latency fault needs seconds > 0")
    if retry_after is not None and retry_after < 0:
        raise ValueError(f"retry_after must be >= 0, got {retry_after!r}")
    return Fault(provider, kind, count, fraction, float(seconds or 0.0),
                 1.0 if retry_after is None else float(retry_after),
                 random.Random(f"{provider}:{kind}"))


def check_kind(provider: str, kind: str, kinds: dict[str, tuple[str, ...]] | None = None) -> None:
    """ValueError when `provider` does not understand fault `kind` ("*" understands every kind)."""
    if provider == ANY_PROVIDER or kinds is None:
        return
    allowed = kinds.get(provider, BASIC_KINDS)
    if kind not in allowed:
        raise ValueError(f"fault kind {kind!r} does not apply to provider {provider!r}; expected one of "
                         f"{', '.join(allowed)}")


def format_seconds(value: float) -> str:
    """A header value for seconds: "1" for whole numbers, "0.25" otherwise."""
    return f"{value:g}"
