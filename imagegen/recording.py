"""Save a compare run to the history: the run first, with the slots it plans, then each slot's result as it
arrives. A result the history cannot take is never lost (see `record`).

    run_id = start_run(store, prompt, rulesets, negative_rulesets, specs)
    for result in compare.run(...):
        try:
            record(store, run_id, result)
        except RecordingError as exc:
            ...  # "could not be saved to the history; the image was kept at {exc.rescued_path}"
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imagegen.artifacts import EXTENSIONS
from imagegen.compare import SlotResult
from imagegen.history import GenerationRecord, HistoryStore
from imagegen.history.records import check_number, looks_like_credential
from imagegen.rules import Ruleset
from imagegen.slots import SlotSpec

log = logging.getLogger(__name__)
UNSAVED_DIR = "unsaved"  # under the store's data dir


class RecordingError(RuntimeError):
    """A slot's result could not be saved to the history. What was received was kept instead:
    `rescued_path` is the image file (or, for a slot without an image, the JSON sidecar), `sidecar_path` the
    JSON beside it (prompt, provider, model, options, error, ...); both are None when even that failed."""

    def __init__(self, message: str, rescued_path: Path | None = None, sidecar_path: Path | None = None):
        super().__init__(message)
        self.rescued_path = rescued_path
        self.sidecar_path = sidecar_path


def ruleset_dicts(rulesets: Sequence[Ruleset]) -> list[dict]:
    return [{"name": r.name, "rules": r.values} for r in rulesets]


def start_run(store: HistoryStore, prompt: str, rulesets: Sequence[Ruleset], negative_rulesets: Sequence[Ruleset],
              specs: Sequence[SlotSpec] | None = None) -> int:
    """Create the run; with `specs` (the slots in order, position = index) the history knows what was planned,
    so a run cut short shows its missing slots."""
    planned = None if specs is None else [planned_slot(position, spec) for position, spec in enumerate(specs)]
    return store.create_run(prompt, ruleset_dicts(rulesets), ruleset_dicts(negative_rulesets), planned=planned)


def planned_slot(position: int, spec: SlotSpec) -> dict[str, Any]:
    slot = spec.to_dict()
    return {"position": position, "provider": slot["provider"], "model": slot["model"],
            "options": json_safe(slot["options"], [])}


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
    """Save one slot's result; return its generation id. If the history refuses or fails, the record is made
    safe (see `safe_record`) and, when that changed something, saved again with a warning saying what changed.
    If it still fails, the image and a JSON sidecar go to `<data_dir>/unsaved/` (or, if that cannot be written,
    the system's temporary directory) and RecordingError says where."""
    generation = None
    try:
        generation = to_record(result)
        return store.add_generation(run_id, generation, artifact=result.artifact)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the image must not be lost
        error = exc
    if generation is not None:
        generation, notes = safe_record(generation)
        if notes:
            log.warning("slot %s of run %s: saving again with %s", result.position + 1, run_id, "; ".join(notes))
            try:
                return store.add_generation(run_id, generation, artifact=result.artifact)
            except Exception as exc:  # noqa: BLE001
                error = exc
    folders = [Path(store.data_dir) / UNSAVED_DIR, Path(tempfile.gettempdir()) / "imagegen-unsaved"]
    raise keep_unsaved(folders, run_id, result, generation, error) from error


def json_safe(value: Any, notes: list[str], where: str = "") -> Any:
    """`value` as plain JSON the history takes: keys become strings, a key that looks like a credential is
    dropped, NUL characters are removed (PostgreSQL stores none), and any value JSON cannot hold (an object, a
    set, NaN, ...) becomes its repr; `notes` gets one line per change."""
    if isinstance(value, Mapping):
        safe = {}
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if looks_like_credential(key):
                notes.append(f"{name} was left out (it looks like a credential)")
            else:
                safe[json_safe(str(key), notes, f"{name} (key)")] = json_safe(item, notes, name)
        return safe
    if isinstance(value, (list, tuple)):
        return [json_safe(item, notes, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, str) and "\x00" in value:
        notes.append(f"{where or 'a value'} lost its NUL characters")
        return value.replace("\x00", "")
    if value is None or isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value)):
        return value
    text = repr(value)
    notes.append(f"{where or 'a value'} was saved as text: {text if len(text) <= 80 else text[:77] + '...'}")
    return text


def safe_record(generation: GenerationRecord) -> tuple[GenerationRecord, list[str]]:
    """The record with its options made JSON-safe, NUL characters removed from its text, and numbers the history
    refuses set to None, plus what changed (also added to its warnings); the same record and [] when nothing
    needed changing."""
    notes: list[str] = []
    changes = {name: json_safe(getattr(generation, name), notes, name)
               for name in ("requested_options", "effective_options")}
    for name in ("prompt", "negative_prompt", "revised_prompt", "error_message"):  # PostgreSQL stores no NUL
        if isinstance(getattr(generation, name), str):
            changes[name] = json_safe(getattr(generation, name), notes, name)
    warnings = json_safe([str(warning) for warning in generation.warnings], notes, "warnings")
    for name in ("seed", "latency_ms", "cost_usd"):
        try:
            check_number(name, getattr(generation, name), integer=name == "seed")
        except ValueError:
            notes.append(f"{name} {getattr(generation, name)!r} was left out")
            changes[name] = None
    if not notes:
        return generation, []
    warning = "Saved with changes: " + "; ".join(notes) + "."
    return dataclasses.replace(generation, **changes, warnings=[*warnings, warning]), notes


def keep_unsaved(folders: Sequence[Path], run_id, result: SlotResult, generation: GenerationRecord | None,
                 error: Exception) -> RecordingError:
    """Write the image (if any) and a JSON sidecar into the first of `folders` that takes them; return the
    RecordingError to raise, saying where they went."""
    reason = f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0][:500]}"
    slot = f"Slot {result.position + 1} of run {run_id}"
    stem = f"run-{run_id}-position-{result.position}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    artifact = result.artifact
    details = dataclasses.asdict(generation) if generation is not None else {
        "position": result.position, "provider": result.spec.provider, "model": result.spec.model,
        "requested_options": json_safe(result.spec.set_options(), []), "prompt": result.prompt,
        "negative_prompt": result.negative_prompt, "status": result.status}
    image_name = f"{stem}.{EXTENSIONS.get(artifact.format, artifact.format)}" if artifact is not None else None
    details.update(run_id=run_id, save_error=reason, image=image_name)
    sidecar_text = json.dumps(details, ensure_ascii=False, indent=2, default=repr)
    problems = []
    for folder in folders:
        image, sidecar = (folder / image_name if image_name else None), folder / f"{stem}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if image is not None:
                image.write_bytes(artifact.value)
            sidecar.write_text(sidecar_text, encoding="utf-8")
        except OSError as exc:
            problems.append(f"{folder}: {exc}")
            continue
        kept = image or sidecar
        log.error("%s could not be saved to the history (%s); kept at %s", slot, reason, kept)
        what = "the image was" if image else "its details were"
        return RecordingError(f"{slot} could not be saved to the history ({reason}); {what} kept at {kept}.",
                              kept, sidecar)
    log.error("%s could not be saved to the history (%s) nor kept (%s)", slot, reason, "; ".join(problems))
    return RecordingError(f"{slot} could not be saved to the history ({reason}) nor kept: {'; '.join(problems)}.")
