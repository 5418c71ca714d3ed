"""Plain dataclasses going into and out of the history store (never ORM objects), and input checks.

The store takes no credentials and must never hold one: callers pass options (size, quality, seed, ...),
prompts and results only. Option dicts whose keys look like credentials are refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STATUSES = ("ok", "error", "filtered")
_SECRET_KEY = re.compile(r"api[_-]?key|apikey|secret|password|passwd|authorization|access[_-]?key|credential"
                         r"|(^|[_-])token$|^ad_token$", re.IGNORECASE)


@dataclass
class GenerationRecord:
    """One slot of a run, as it happened: what was asked, what was sent, what came back."""

    position: int
    provider: str
    model: str
    requested_options: dict[str, Any]
    effective_options: dict[str, Any]
    prompt: str
    negative_prompt: str
    status: str
    error_kind: str | None = None
    error_message: str | None = None
    warnings: Sequence[str] = ()
    seed: int | None = None
    revised_prompt: str | None = None
    latency_ms: float | None = None
    cost_usd: float | None = None
    emulated: bool = False

    @classmethod
    def from_artifact(cls, artifact, *, position: int, requested_options: Mapping[str, Any],
                      cost_usd: float | None = None, status: str = "ok") -> GenerationRecord:
        """A successful slot from an `ImageArtifact` whose meta the driver filled in."""
        meta = artifact.meta
        return cls(
            position=position, provider=meta.get("provider") or "", model=meta.get("model") or "",
            requested_options=dict(requested_options), effective_options=dict(meta.get("options") or {}),
            prompt=meta.get("prompt") or "", negative_prompt=meta.get("negative_prompt") or "", status=status,
            warnings=tuple(meta.get("warnings") or ()), seed=meta.get("seed"),
            revised_prompt=meta.get("revised_prompt"), latency_ms=meta.get("latency_ms"), cost_usd=cost_usd,
            emulated=bool(meta.get("emulated")),
        )


@dataclass(frozen=True)
class ImageView:
    id: int
    generation_id: int
    sha256: str
    format: str
    mime_type: str
    width: int
    height: int
    byte_size: int
    storage_key: str
    thumbnail_key: str | None
    created_at: datetime


@dataclass(frozen=True)
class GenerationView:
    id: int
    run_id: int
    position: int
    provider: str
    model: str
    requested_options: dict[str, Any]
    effective_options: dict[str, Any]
    prompt: str
    negative_prompt: str
    status: str
    error_kind: str | None
    error_message: str | None
    warnings: list[str]
    seed: int | None
    revised_prompt: str | None
    latency_ms: float | None
    cost_usd: float | None
    emulated: bool
    created_at: datetime
    images: list[ImageView] = field(default_factory=list)

    @property
    def image(self) -> ImageView | None:
        return self.images[0] if self.images else None


@dataclass(frozen=True)
class RunDetail:
    id: int
    created_at: datetime
    prompt: str
    rulesets: list[dict[str, Any]]
    negative_rulesets: list[dict[str, Any]]
    notes: str
    generations: list[GenerationView] = field(default_factory=list)
    planned: list[dict[str, Any]] | None = None  # the slots the run was started with; None: not recorded (old run)

    @property
    def missing(self) -> list[dict[str, Any]]:
        """The planned slots without a generation (a run cut short); [] when complete or when `planned` is None."""
        return missing_slots(self.planned, [generation.position for generation in self.generations])

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)


@dataclass(frozen=True)
class RunSummary:
    id: int
    created_at: datetime
    prompt: str
    notes: str
    generation_count: int
    statuses: dict[str, int]  # e.g. {"ok": 2, "error": 1}
    providers: list[str]  # in slot order, one per generation
    image_count: int
    cost_usd: float | None  # sum of the known costs; None when no slot has one
    cover: ImageView | None  # the first image by slot position, for a preview
    planned_count: int | None = None  # how many slots the run was started with; None: not recorded (old run)
    missing: list[dict[str, Any]] = field(default_factory=list)  # planned slots without a generation

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)


@dataclass(frozen=True)
class SavedRuleset:
    id: int
    name: str
    rules: list[str]
    negative: bool
    created_at: datetime
    updated_at: datetime


@dataclass
class CheckReport:
    orphan_files: list[str] = field(default_factory=list)  # files no image row references
    missing_files: list[str] = field(default_factory=list)  # keys of rows whose file is gone: should never happen
    cleaned: int = 0

    @property
    def ok(self) -> bool:
        return not self.orphan_files and not self.missing_files


def missing_slots(planned: list[dict[str, Any]] | None, positions: Iterable[int]) -> list[dict[str, Any]]:
    done = set(positions)
    return [slot for slot in planned or () if slot.get("position") not in done]


# --- input checks: ValueError naming the field -------------------------------------------------------


def check_text(name: str, value: Any, *, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    return value


def check_json(name: str, value: Any) -> Any:
    """A JSON round trip: refuses what the database could not store, and detaches from the caller's objects."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be JSON-serialisable ({exc})") from None


def check_options(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a dict of options, got {type(value).__name__}")
    _refuse_secrets(name, value)
    return check_json(name, dict(value))


def looks_like_credential(key: Any) -> bool:
    """Does this dict key name a credential (api_key, secret, password, access_key, ..._token, ...)?"""
    return _SECRET_KEY.search(str(key)) is not None


def _refuse_secrets(name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if looks_like_credential(key):
                raise ValueError(f"{name} has a key {key!r} that looks like a credential; the history never "
                                 f"stores credentials: pass options only")
            _refuse_secrets(name, item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_secrets(name, item)


PLANNED_KEYS = ("position", "provider", "model", "options")


def check_planned(name: str, planned: Any) -> list[dict[str, Any]] | None:
    """None, or a list of slots {"position", "provider", "model", "options"} with distinct positions, by position."""
    if planned is None:
        return None
    if isinstance(planned, (str, Mapping)) or not isinstance(planned, Iterable):
        raise ValueError(f"{name} must be a list of slots or None")
    slots = []
    for index, slot in enumerate(planned):
        where = f"{name}[{index}]"
        if not isinstance(slot, Mapping) or set(slot) != set(PLANNED_KEYS):
            raise ValueError(f"{where} must be a dict with exactly the keys {', '.join(PLANNED_KEYS)}")
        position = check_number(f"{where}.position", slot["position"], integer=True)
        if position is None or position < 0:
            raise ValueError(f"{where}.position must be an integer >= 0, got {position!r}")
        slots.append({"position": position, "provider": check_text(f"{where}.provider", slot["provider"]),
                      "model": check_text(f"{where}.model", slot["model"]),
                      "options": check_options(f"{where}.options", slot["options"])})
    if len({slot["position"] for slot in slots}) != len(slots):
        raise ValueError(f"{name} has two slots with the same position")
    return sorted(slots, key=lambda slot: slot["position"])


def check_number(name: str, value: Any, *, integer: bool = False) -> Any:
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    not_finite = isinstance(value, float) and not math.isfinite(value)
    if isinstance(value, bool) or not isinstance(value, kinds) or not_finite:
        raise ValueError(f"{name} must be {'an integer' if integer else 'a finite number'} or None, got {value!r}")
    if integer and not -(2**63) <= value < 2**63:
        raise ValueError(f"{name} must fit in 64 bits, got {value!r}")
    return value


def check_rules(name: str, rules: Any) -> list[str]:
    if isinstance(rules, str) or not isinstance(rules, Iterable):
        raise ValueError(f"{name} must be a list of strings")
    values = [str(getattr(rule, "value", rule)) for rule in rules]
    return [value.strip() for value in values if value.strip()]


def check_rulesets(name: str, rulesets: Any) -> list[dict[str, Any]]:
    """Accept dicts {"name", "rules"} or `imagegen.rules.Ruleset` objects; return plain dicts."""
    if isinstance(rulesets, (str, Mapping)) or not isinstance(rulesets, Iterable):
        raise ValueError(f"{name} must be a list of rule sets")
    result = []
    for index, ruleset in enumerate(rulesets):
        if isinstance(ruleset, Mapping):
            ruleset_name, rules = ruleset.get("name"), ruleset.get("rules", ())
        else:
            ruleset_name, rules = getattr(ruleset, "name", None), getattr(ruleset, "rules", ())
        check_text(f"{name}[{index}].name", ruleset_name)
        result.append({"name": ruleset_name, "rules": check_rules(f"{name}[{index}].rules", rules)})
    return result


def check_record(record: GenerationRecord) -> dict[str, Any]:
    """The column values of a generation row, checked."""
    if not isinstance(record, GenerationRecord):
        raise ValueError(f"record must be a GenerationRecord, got {type(record).__name__}")
    if record.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {record.status!r}")
    check_number("position", record.position, integer=True)
    if record.position is None or record.position < 0:
        raise ValueError(f"position must be an integer >= 0, got {record.position!r}")
    for text_field in ("provider", "model", "prompt"):
        check_text(text_field, getattr(record, text_field))
    check_text("negative_prompt", record.negative_prompt, allow_none=True)
    for text_field in ("error_kind", "error_message", "revised_prompt"):
        check_text(text_field, getattr(record, text_field), allow_none=True)
    if record.status == "ok" and record.error_kind is not None:
        raise ValueError("error_kind must be None when status is 'ok'")
    if isinstance(record.warnings, str):
        raise ValueError("warnings must be a list of strings, not one string")
    if not isinstance(record.emulated, bool):
        raise ValueError(f"emulated must be a bool, got {record.emulated!r}")
    return {
        "position": record.position,
        "provider": record.provider,
        "model": record.model,
        "requested_options": check_options("requested_options", record.requested_options),
        "effective_options": check_options("effective_options", record.effective_options),
        "prompt": record.prompt,
        "negative_prompt": record.negative_prompt or "",
        "status": record.status,
        "error_kind": record.error_kind,
        "error_message": record.error_message,
        "warnings": [str(warning) for warning in record.warnings],
        "seed": check_number("seed", record.seed, integer=True),
        "revised_prompt": record.revised_prompt,
        "latency_ms": check_number("latency_ms", record.latency_ms),
        "cost_usd": check_number("cost_usd", record.cost_usd),
        "emulated": record.emulated,
    }
