"""Save a compare run to the history: the run first, then each slot's result as it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from imagegen.compare import SlotResult
from imagegen.history import GenerationRecord, HistoryStore
from imagegen.rules import Ruleset


def ruleset_dicts(rulesets: Sequence[Ruleset]) -> list[dict]:
    return [{"name": r.name, "rules": r.values} for r in rulesets]


def start_run(store: HistoryStore, prompt: str, rulesets: Sequence[Ruleset],
              negative_rulesets: Sequence[Ruleset]) -> int:
    return store.create_run(prompt, ruleset_dicts(rulesets), ruleset_dicts(negative_rulesets))


def to_record(result: SlotResult) -> GenerationRecord:
    """Options only: no credential ever reaches a record."""
    meta = result.artifact.meta if result.artifact else {}
    error = result.error
    return GenerationRecord(
        position=result.position, provider=result.spec.provider, model=result.spec.model,
        requested_options=result.spec.set_options(), effective_options=result.effective_options,
        prompt=result.prompt, negative_prompt=result.negative_prompt, status=result.status,
        error_kind=error.kind if error else None, error_message=str(error) if error else None,
        warnings=list(result.warnings), seed=meta.get("seed"), revised_prompt=meta.get("revised_prompt"),
        latency_ms=result.latency_ms, cost_usd=result.cost.usd, emulated=bool(meta.get("emulated")),
    )


def record(store: HistoryStore, run_id: int, result: SlotResult) -> int:
    return store.add_generation(run_id, to_record(result), artifact=result.artifact)
