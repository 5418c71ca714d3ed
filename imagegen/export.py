"""Export runs from the history as a ZIP: every image with its provenance embedded, and the manifests.

    data = export_zip(store, [3, 5])                      # bytes, for a download button
    write_zip(store, run_ids, open("runs.zip", "wb"))     # large exports: straight to a file
    data = export_filtered(store, RunFilter(providers=("openai",)))

Layout: `run-<id>/<position>-<provider>-<model>.<ext>` (the stored image plus `provenance.embed`; names
keep `[A-Za-z0-9._-]`), then `manifest.json` (runs with their generations) and `manifest.csv` (one row per
generation; options, rule sets and warnings as JSON strings). Failed slots are in the manifests without a
file. Each image has two checksums: `stored_sha256` / `stored_byte_size` describe the original bytes kept in
the history (as received from the provider), `file_sha256` / `file_byte_size` the file in the ZIP, which
carries the provenance too (null when the stored file is missing; equal to the stored ones when no
provenance could be embedded). Version 1 had only `sha256` / `byte_size`, those of the stored original.
Runs go by id, generations by position: the same runs give the same ZIP, byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import zipfile
from datetime import datetime
from typing import Any, BinaryIO

from imagegen import provenance
from imagegen.artifacts import EXTENSIONS
from imagegen.history import GenerationView, HistoryStore, ImageView, RunDetail, RunFilter

log = logging.getLogger(__name__)
FORMAT = "imagegen-export"
VERSION = 2  # 2: sha256 / byte_size became stored_sha256 / stored_byte_size, beside file_sha256 / file_byte_size
CSV_FIELDS = (
    "run_id", "run_created_at", "run_prompt", "rulesets", "negative_rulesets", "generation_id", "position",
    "provider", "model", "status", "error_kind", "error_message", "warnings", "requested_options",
    "effective_options", "prompt", "negative_prompt", "seed", "revised_prompt", "latency_ms", "cost_usd",
    "emulated", "created_at", "file", "stored_sha256", "stored_byte_size", "file_sha256", "file_byte_size",
    "image_count",
)
IMAGE_CSV_FIELDS = ("file", "stored_sha256", "stored_byte_size", "file_sha256", "file_byte_size")  # of the first image
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry


def provenance_info(run: RunDetail, generation: GenerationView) -> dict[str, Any]:
    """What `provenance.embed` writes into an image of this generation (no secrets: history rows only)."""
    return {
        "prompt": generation.prompt or run.prompt, "negative_prompt": generation.negative_prompt or "",
        "provider": generation.provider, "model": generation.model,
        "options": dict(generation.effective_options or generation.requested_options),
        "seed": generation.seed, "revised_prompt": generation.revised_prompt, "run_id": run.id,
        "generation_id": generation.id, "created_at": generation.created_at.isoformat(),
        "emulated": generation.emulated,
    }


def _safe(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("._") or "unknown"


def _file_name(run: RunDetail, generation: GenerationView, image: ImageView, index: int, used: set[str]) -> str:
    stem = f"run-{run.id}/{generation.position}-{_safe(generation.provider)}-{_safe(generation.model)}"
    stem += f"-{index + 1}" if index else ""
    name = f"{stem}.{EXTENSIONS.get(image.format, image.format)}"
    if name in used:
        name = f"{stem}-g{generation.id}.{EXTENSIONS.get(image.format, image.format)}"
    used.add(name)
    return name


def _zip_time(when: datetime | None) -> tuple[int, ...]:
    return max(tuple(when.timetuple()[:6]), _EPOCH) if when else _EPOCH


def _add(archive: zipfile.ZipFile, name: str, data: bytes, when: datetime | None, compress: bool) -> None:
    entry = zipfile.ZipInfo(name, date_time=_zip_time(when))
    entry.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    entry.external_attr = 0o644 << 16
    archive.writestr(entry, data)


def _image(store: HistoryStore, archive, run, generation, image, name) -> dict[str, Any]:
    entry = {"file": name, "stored_sha256": image.sha256, "stored_byte_size": image.byte_size,
             "file_sha256": None, "file_byte_size": None, "format": image.format, "mime_type": image.mime_type,
             "width": image.width, "height": image.height}
    try:
        original = store.image_bytes(image)
    except FileNotFoundError:
        return {**entry, "file": None, "missing": True, "provenance_embedded": False}
    try:
        data = provenance.embed(original, image.format, provenance_info(run, generation))
    except ValueError as exc:  # a file the provenance code cannot parse: export it as it is
        log.warning("export: no provenance in %s (%s)", image.storage_key, exc)
        data = original
    _add(archive, name, data, generation.created_at, compress=False)
    return {**entry, "file_sha256": hashlib.sha256(data).hexdigest(), "file_byte_size": len(data),
            "provenance_embedded": data != original}


def _generation(store, archive, run: RunDetail, generation: GenerationView, used: set[str]) -> dict[str, Any]:
    entry = {name: getattr(generation, name) for name in (
        "id", "position", "provider", "model", "status", "error_kind", "error_message", "warnings",
        "requested_options", "effective_options", "prompt", "negative_prompt", "seed", "revised_prompt",
        "latency_ms", "cost_usd", "emulated")}
    entry["created_at"] = generation.created_at.isoformat()
    entry["images"] = [_image(store, archive, run, generation, image, _file_name(run, generation, image, i, used))
                       for i, image in enumerate(generation.images)]
    return entry


def _csv(runs: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    as_json = {"rulesets", "negative_rulesets", "warnings", "requested_options", "effective_options"}
    for run in runs:
        head = {"run_id": run["id"], "run_created_at": run["created_at"], "run_prompt": run["prompt"],
                "rulesets": run["rulesets"], "negative_rulesets": run["negative_rulesets"]}
        for generation in run["generations"] or [{}]:  # a run without generations still gets its row
            row = {**head, **{key: generation.get(key) for key in CSV_FIELDS if key in generation}}
            row["generation_id"] = generation.get("id")
            images = generation.get("images") or []
            first = images[0] if images else {}
            row.update({key: first.get(key) for key in IMAGE_CSV_FIELDS})
            row["image_count"] = len(images) if generation else None
            writer.writerow({key: (json.dumps(value, ensure_ascii=False, sort_keys=True) if key in as_json
                                   else value) for key, value in row.items()})
    return out.getvalue().encode("utf-8")


def write_zip(store: HistoryStore, run_ids, out: BinaryIO) -> None:
    """Write the export of these runs to `out` (a binary file object). Unknown ids are listed in the
    manifest as `missing_run_ids`; a missing image file is listed with `"missing": true` and no file."""
    runs, missing, newest = [], [], None
    with zipfile.ZipFile(out, "w") as archive:
        for run_id in sorted(set(run_ids)):
            run = store.get_run(run_id)
            if run is None:
                missing.append(run_id)
                continue
            used: set[str] = set()
            generations = sorted(run.generations, key=lambda g: (g.position, g.id))
            runs.append({"id": run.id, "created_at": run.created_at.isoformat(), "prompt": run.prompt,
                         "notes": run.notes, "rulesets": run.rulesets, "negative_rulesets": run.negative_rulesets,
                         "generations": [_generation(store, archive, run, g, used) for g in generations]})
            newest = max(newest or run.created_at, run.created_at)
        manifest = {"format": FORMAT, "version": VERSION, "runs": runs, "missing_run_ids": missing}
        _add(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode(), newest, True)
        _add(archive, "manifest.csv", _csv(runs), newest, True)


def export_zip(store: HistoryStore, run_ids) -> bytes:
    out = io.BytesIO()
    write_zip(store, run_ids, out)
    return out.getvalue()


def filtered_run_ids(store: HistoryStore, filters: RunFilter | None, max_runs: int = 1000) -> list[int]:
    """The ids of the newest `max_runs` runs matching `filters` (compare with `store.search_runs(filters,
    limit=0)[1]` to tell the user when there are more)."""
    if isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1:
        raise ValueError(f"max_runs must be an integer >= 1, got {max_runs!r}")
    summaries, total = store.search_runs(filters, limit=max_runs)
    if total > max_runs:
        log.warning("export: %d runs match; exporting the newest %d", total, max_runs)
    return [summary.id for summary in summaries]


def export_filtered(store: HistoryStore, filters: RunFilter | None, max_runs: int = 1000) -> bytes:
    return export_zip(store, filtered_run_ids(store, filters, max_runs))
