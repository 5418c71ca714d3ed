"""Generate: check every slot first (nothing is sent or saved if one is invalid), then run all slots at once,
fill each column as its result arrives, and save each result to the history as it comes."""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from imagegen import catalog, compare, providers, recording
from imagegen.errors import ImageGenerationError, MissingCredentialsError
from imagegen.slots import SlotSpec, build_driver, warm_clients
from imagegen.ui import results, state
from imagegen.ui.resources import get_emulator, get_store, statuses
from imagegen.ui.text import literal

log = logging.getLogger(__name__)
LAST = "cmp.last_run"  # the last run's views (image bytes: memory only)
LAST_REF = "cmp.last_run_ref"  # which run that is and the settings it used (kept in the draft)


def where(position: int, spec: SlotSpec) -> str:
    provider = catalog.PROVIDERS.get(spec.provider)
    return f"Slot {position + 1} ({provider.label if provider else spec.provider} {spec.model})"


def option_message(spec: SlotSpec, problem: Exception) -> str:
    """A catalog problem without the "<provider> <model>: " it starts with (the slot already says which)."""
    provider = catalog.PROVIDERS.get(spec.provider)
    return str(problem).removeprefix(f"{provider.label if provider else spec.provider} {spec.model}: ")


def prepare(specs: list[SlotSpec], emulate: bool) -> tuple[list[compare.Slot], list[str]]:
    """Drivers for every slot, or the problems that stop the run (each naming its slot, field and the fix)."""
    slots, problems = [], []
    known = statuses()
    for position, spec in enumerate(specs):
        if invalid := catalog.option_problems(spec.provider, spec.model, spec.options):
            problems += [f"{where(position, spec)}: {option_message(spec, problem)}" for problem in invalid]
            continue
        emulated = needs_emulator(spec)
        if emulated and not emulate:
            problems.append(f"{where(position, spec)}: {MissingCredentialsError(known[spec.provider].message)} "
                            f"Or turn on emulation.")
            continue
        try:
            slots.append(compare.Slot(spec, build_driver(spec, get_emulator().url if emulated else None)))
        except ImageGenerationError as exc:
            problems.append(f"{where(position, spec)}: {exc}")
        except Exception:  # a bug must not show a traceback or send anything: say so, log the details
            log.exception("could not build slot %d", position + 1)
            problems.append(f"{where(position, spec)}: these settings could not be checked (an internal error, "
                            f"logged on the server); change them and try again.")
    return slots, problems


def check(slots: list[compare.Slot], positive: list[str], negative: list[str]) -> list[str]:
    try:
        return [f"{where(pos, slots[pos].spec)}: {exc}" for pos, exc in compare.check(slots, positive, negative)]
    except Exception:  # noqa: BLE001 - as in prepare: no traceback, nothing sent
        log.exception("could not check the slots")
        return ["The settings could not be checked (an internal error, logged on the server); nothing was sent."]


def generate(prompt: str, emulate: bool) -> bool:
    """Check, then run and show every slot; True when a run was made (and is shown), False when nothing ran."""
    specs = [state.slot_spec(sid) for sid in state.slot_ids()]
    rulesets, negative_rulesets = state.rulesets("pos"), state.rulesets("neg")
    settings = state.settings()
    if not specs:
        st.error("Add at least one provider slot before generating.")
        return False
    positive, negative = compare.compose_lists([prompt], None, rulesets, negative_rulesets)
    if not positive:
        problems = ["The prompt is empty: write a prompt or add positive rules. Negative rules alone describe "
                    "nothing to draw."]
    else:
        slots, problems = prepare(specs, emulate)
        problems = problems or check(slots, positive, negative)
    if problems:
        for problem in problems:
            st.error(literal(problem), icon=":material/block:")
        st.caption("Nothing was sent or saved. Fix the settings above and try again.")
        return False
    run(slots, prompt, rulesets, negative_rulesets, settings)
    return True


def run(slots, prompt, rulesets, negative_rulesets, settings) -> None:
    store = get_store()
    run_id = recording.start_run(store, prompt, rulesets, negative_rulesets, [slot.spec for slot in slots])
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
    unsaved = 0
    for result in compare.run(slots, [prompt], None, rulesets, negative_rulesets):
        views[result.position] = results.view(result, run_id)
        with placeholders[result.position].container():
            results.show(views[result.position])
            unsaved += not save(store, run_id, result)
    last = {"run_id": run_id, "seconds": round(time.monotonic() - started, 2), "unsaved": unsaved,
            "views": [views[p] for p in sorted(views)]}
    st.session_state[LAST] = last  # what the page shows on its next reruns
    st.session_state[LAST_REF] = {"run_id": run_id, "seconds": last["seconds"], "unsaved": unsaved,
                                  "settings": settings}
    summary.caption(summary_line(last))  # no st.rerun(): redrawing the whole page cost ~0.4 s per click


def save(store, run_id: int, result) -> bool:
    """Save one result; on failure say so, and where the image was kept (it is never dropped)."""
    try:
        recording.record(store, run_id, result)
        return True
    except Exception as exc:  # noqa: BLE001 - the image is still shown; the failure is logged and said
        log.exception("could not save slot %d of run %d", result.position + 1, run_id)
        kept = getattr(exc, "rescued_path", None)
        where_kept = f" The image was kept at {kept}." if kept else ""
        st.error(literal(f"Slot {result.position + 1}: the result could not be saved to the history.{where_kept}"),
                 icon=":material/save:")
        return False


def summary_line(last: dict) -> str:
    count = len(last["views"])
    unsaved = last.get("unsaved", 0)
    saved = "saved to the history" if not unsaved else f"{count - unsaved} of {count} saved to the history"
    return f"All {count} results in {last['seconds']:.1f} s · {saved}."


def warm_up(specs: list[SlotSpec], emulate: bool) -> None:
    """Start the emulator (when a slot needs it) and make the slots' SDK clients in the background, once per
    provider and model per process, so the first click is as quick as the next ones."""
    todo = []
    for spec in specs:
        key = (spec.provider, spec.model, needs_emulator(spec) and emulate)
        if needs_key(spec) and key not in _warmed and (emulate or not needs_emulator(spec)):
            _warmed.add(key)
            todo.append((spec, get_emulator().url if key[2] else None))
    if todo:
        threading.Thread(target=warm_clients, args=(todo,), name="imagegen-warm-up", daemon=True).start()


_warmed: set[tuple] = set()


def needs_emulator(spec: SlotSpec) -> bool:
    """A provider without credentials runs against the emulator (the local generator never does)."""
    if not needs_key(spec):
        return False
    status = statuses().get(spec.provider) or providers.get(spec.provider).status()  # one added since the cache
    return not status.ok


def needs_key(spec: SlotSpec) -> bool:
    return providers.get(spec.provider).needs_key


def show_last(store) -> None:
    """The last run under the settings: labelled as an earlier run once the settings differ from its own, gone
    once it is deleted from the history, and rebuilt from the history after a reload."""
    ref = st.session_state.get(LAST_REF)
    if not ref:
        return
    run = store.get_run(ref["run_id"])
    if run is None:  # deleted on the History page
        st.session_state.pop(LAST_REF, None)
        st.session_state.pop(LAST, None)
        return
    last = st.session_state.get(LAST)
    if not last or last["run_id"] != run.id:
        last = {"run_id": run.id, "seconds": ref.get("seconds", 0.0), "unsaved": ref.get("unsaved", 0),
                "views": [results.from_history(store, run.id, g) for g in run.generations]}
        st.session_state[LAST] = last
    if not last["views"]:
        return
    changed = state.differences(ref.get("settings") or {}, state.settings())
    if changed:
        st.subheader(f"Earlier run #{run.id}")
        st.info(f"These results are from run #{run.id}, made before {', '.join(changed)} changed: they do not "
                f"show the settings above. Generate to run those.", icon=":material/history:")
    else:
        st.subheader(f"Run #{run.id}")
        st.caption(summary_line(last))
    for column, item in zip(st.columns(len(last["views"])), last["views"], strict=True):
        with column:
            results.show(item)
