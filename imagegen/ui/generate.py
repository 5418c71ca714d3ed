"""Generate: check every slot first (nothing is saved if one is invalid), then run all slots at once,
fill each column as its result arrives, and save each result to the history as it comes."""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from imagegen import catalog, compare, recording
from imagegen.errors import ImageGenerationError, MissingCredentialsError
from imagegen.slots import SlotSpec, build_driver, warm_clients
from imagegen.ui import results, state
from imagegen.ui.resources import get_emulator, get_store, statuses

log = logging.getLogger(__name__)


def prepare(specs: list[SlotSpec], emulate: bool) -> tuple[list[compare.Slot], list[str]]:
    """Drivers for every slot, or the problems that stop the run (each naming its slot and the fix)."""
    slots, problems = [], []
    known = statuses()
    for position, spec in enumerate(specs):
        where = f"Slot {position + 1} ({catalog.get_provider(spec.provider).label} {spec.model})"
        emulated = needs_emulator(spec)
        if emulated and not emulate:
            problems.append(f"{where}: {MissingCredentialsError(known[spec.provider].message)} Or turn on emulation.")
            continue
        try:
            slots.append(compare.Slot(spec, build_driver(spec, get_emulator().url if emulated else None)))
        except ImageGenerationError as exc:
            problems.append(f"{where}: {exc}")
    return slots, problems


def generate(prompt: str, emulate: bool) -> bool:
    """Check, then run and show every slot; True when a run was made (and is shown), False when nothing ran."""
    specs = [state.slot_spec(sid) for sid in state.slot_ids()]
    rulesets, negative_rulesets = state.rulesets("pos"), state.rulesets("neg")
    if not specs:
        st.error("Add at least one provider slot before generating.")
        return False
    slots, problems = prepare(specs, emulate)
    positive, negative = compare.compose_lists([prompt], None, rulesets, negative_rulesets)
    if not problems:
        problems = [f"Slot {pos + 1} ({slots[pos].spec.model}): {exc}"
                    for pos, exc in compare.check(slots, positive, negative)]
    if problems:
        for problem in problems:
            st.error(problem, icon=":material/block:")
        st.caption("Nothing was generated or saved. Fix the settings above and try again.")
        return False
    run(slots, prompt, rulesets, negative_rulesets)
    return True


def run(slots, prompt, rulesets, negative_rulesets) -> None:
    store = get_store()
    run_id = recording.start_run(store, prompt, rulesets, negative_rulesets)
    st.subheader(f"Run #{run_id}")
    summary = st.empty()
    summary.caption(f"Generating with {len(slots)} provider(s) at once…")
    columns = st.columns(len(slots))
    placeholders = []
    for column, slot in zip(columns, slots, strict=True):
        placeholder = column.empty()
        with placeholder.container():
            results.pending(results.view_title(slot.spec), needs_emulator(slot.spec))
        placeholders.append(placeholder)
    started = time.monotonic()
    views: dict[int, dict] = {}
    for result in compare.run(slots, [prompt], None, rulesets, negative_rulesets):
        try:
            recording.record(store, run_id, result)
        except Exception:  # the image is still shown; the failure is logged and said
            log.exception("could not save slot %d of run %d", result.position, run_id)
            st.error(f"Slot {result.position + 1}: the result could not be saved to the history.")
        views[result.position] = results.view(result, run_id)
        with placeholders[result.position].container():
            results.show(views[result.position])
    last = {"run_id": run_id, "seconds": round(time.monotonic() - started, 2),
            "views": [views[p] for p in sorted(views)]}
    st.session_state["cmp.last_run"] = last  # what the page shows on its next reruns
    summary.caption(summary_line(last))  # no st.rerun(): redrawing the whole page cost ~0.4 s per click


def summary_line(last: dict) -> str:
    return f"All {len(last['views'])} results in {last['seconds']:.1f} s · saved to the history."


def warm_up(specs: list[SlotSpec], emulate: bool) -> None:
    """Start the emulator (when a slot needs it) and make the slots' SDK clients in the background, once per
    provider and model per process, so the first click is as quick as the next ones."""
    todo = []
    for spec in specs:
        key = (spec.provider, spec.model, needs_emulator(spec) and emulate)
        if spec.provider != "local" and key not in _warmed and (emulate or not needs_emulator(spec)):
            _warmed.add(key)
            todo.append((spec, get_emulator().url if key[2] else None))
    if todo:
        threading.Thread(target=warm_clients, args=(todo,), name="imagegen-warm-up", daemon=True).start()


_warmed: set[tuple] = set()


def needs_emulator(spec: SlotSpec) -> bool:
    """A provider without credentials runs against the emulator (the local generator never does)."""
    return spec.provider != "local" and not statuses()[spec.provider].ok
