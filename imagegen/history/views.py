"""ORM rows -> plain dataclasses, built inside the session so callers never touch a closed one."""

from __future__ import annotations

from collections import Counter

from imagegen.history.models import Generation, Image, Run, SavedRulesetRow
from imagegen.history.records import (
    GenerationView,
    ImageView,
    RunDetail,
    RunSummary,
    SavedRuleset,
    missing_slots,
)


def image_view(row: Image) -> ImageView:
    return ImageView(
        id=row.id, generation_id=row.generation_id, sha256=row.sha256, format=row.format, mime_type=row.mime_type,
        width=row.width, height=row.height, byte_size=row.byte_size, storage_key=row.storage_key,
        thumbnail_key=row.thumbnail_key, created_at=row.created_at,
    )


def generation_view(row: Generation) -> GenerationView:
    return GenerationView(
        id=row.id, run_id=row.run_id, position=row.position, provider=row.provider, model=row.model,
        requested_options=dict(row.requested_options or {}), effective_options=dict(row.effective_options or {}),
        prompt=row.prompt, negative_prompt=row.negative_prompt, status=row.status, error_kind=row.error_kind,
        error_message=row.error_message, warnings=list(row.warnings or []), seed=row.seed,
        revised_prompt=row.revised_prompt, latency_ms=row.latency_ms, cost_usd=row.cost_usd,
        emulated=bool(row.emulated), created_at=row.created_at, images=[image_view(image) for image in row.images],
    )


def run_detail(row: Run) -> RunDetail:
    return RunDetail(
        id=row.id, created_at=row.created_at, prompt=row.prompt, rulesets=list(row.rulesets or []),
        negative_rulesets=list(row.negative_rulesets or []), notes=row.notes,
        generations=[generation_view(generation) for generation in row.generations], planned=_planned(row),
    )


def _planned(row: Run) -> list[dict] | None:
    return None if row.planned is None else [dict(slot) for slot in row.planned]


def run_summary(row: Run, generations: list[tuple], images: list[Image]) -> RunSummary:
    """`generations`: (position, provider, status, cost_usd) in slot order; `images`: in slot order."""
    costs = [cost for _, _, _, cost in generations if cost is not None]
    planned = _planned(row)
    return RunSummary(
        id=row.id, created_at=row.created_at, prompt=row.prompt, notes=row.notes,
        generation_count=len(generations), statuses=dict(Counter(status for _, _, status, _ in generations)),
        providers=[provider for _, provider, _, _ in generations], image_count=len(images),
        cost_usd=sum(costs) if costs else None, cover=image_view(images[0]) if images else None,
        planned_count=None if planned is None else len(planned),
        missing=missing_slots(planned, [position for position, _, _, _ in generations]),
    )


def saved_ruleset(row: SavedRulesetRow) -> SavedRuleset:
    return SavedRuleset(id=row.id, name=row.name, rules=list(row.rules or []), negative=bool(row.negative),
                        created_at=row.created_at, updated_at=row.updated_at)
