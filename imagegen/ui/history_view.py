"""History page pieces: filters, the contact sheet of runs, and a run's detail with its actions."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from imagegen import catalog, export, provenance, rerun
from imagegen.history import HistoryStore, RunFilter
from imagegen.ui import state
from imagegen.ui.results import display_format, title
from imagegen.ui.text import literal

PAGE_SIZE = 10
STATUS_ICONS = {"ok": ":material/check_circle:", "error": ":material/error:", "filtered": ":material/shield:"}


def filters(store: HistoryStore) -> RunFilter:
    choices = store.filter_choices()
    st.text_input("Search prompts and rules", key="hist.q", placeholder="e.g. fox")
    a, b, c, d, e = st.columns([2, 2, 2, 1.3, 2])
    providers = a.multiselect("Provider", choices.get("providers", []), key="hist.providers",
                              format_func=lambda p: catalog.PROVIDERS[p].label if p in catalog.PROVIDERS else p)
    models = b.multiselect("Model", choices.get("models", []), key="hist.models")
    statuses = c.multiselect("Status", ["ok", "error", "filtered"], key="hist.statuses")
    emulated = d.selectbox("Source", ["all", "emulated", "real"], key="hist.emulated")
    dates = e.date_input("Dates", value=(), key="hist.dates", format="YYYY-MM-DD")
    date_from = dates[0] if len(dates) > 0 else None
    date_to = dates[1] if len(dates) > 1 else date_from
    return RunFilter(text=(st.session_state.get("hist.q") or "").strip() or None, providers=tuple(providers),
                     models=tuple(models), statuses=tuple(statuses),
                     emulated=None if emulated == "all" else emulated == "emulated",
                     date_from=date_from, date_to=date_to)


def when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def generation_caption(generation) -> str:
    badge = " · emulated" if generation.emulated else ""
    return f"{STATUS_ICONS.get(generation.status, '')} {literal(title(generation.provider, generation.model))}{badge}"


def contact_sheet(store: HistoryStore, run_id: int) -> None:
    run = store.get_run(run_id)
    if run is None:
        return
    with st.container(border=True):
        head, actions = st.columns([5, 1], vertical_alignment="center")
        flag = " · :orange-badge[incomplete]" if run.incomplete else ""
        head.markdown(f"**Run #{run.id}** · {when(run.created_at)}{flag}  \n{literal(run.prompt[:160])}")
        actions.button("Open run", key=f"btn.hist.open.{run.id}", on_click=open_run, args=(run.id,),
                       use_container_width=True)
        columns = st.columns(max(len(run.generations), 4))
        for column, generation in zip(columns, run.generations, strict=False):
            with column:
                if generation.image is not None:
                    st.image(store.thumbnail_bytes(generation.image), width="stretch", output_format="JPEG")
                else:
                    st.markdown(literal(generation.error_kind or "error"))
                st.caption(generation_caption(generation))


def open_run(run_id: int) -> None:
    st.session_state["hist.selected"] = run_id
    st.session_state.pop("hist.confirm", None)


def close_run() -> None:
    st.session_state.pop("hist.selected", None)
    st.session_state.pop("hist.confirm", None)


def run_list(store: HistoryStore, run_filter: RunFilter) -> None:
    page = st.session_state.get("hist.page", 0)
    summaries, total = store.search_runs(run_filter, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    if total and not summaries and page:  # the filter shrank the results below this page
        st.session_state["hist.page"] = 0
        st.rerun()
    pages = max(1, -(-total // PAGE_SIZE))
    st.caption(f"{total} run(s) · page {page + 1} of {pages}")
    if not total:
        st.info("No runs match. Generate on the Compare page, or loosen the filters.")
        return
    for summary in summaries:
        contact_sheet(store, summary.id)
    left, middle, right = st.columns([1, 1, 4])
    left.button("◀ Newer", key="btn.hist.prev", disabled=page == 0, on_click=turn, args=(-1,))
    middle.button("Older ▶", key="btn.hist.next", disabled=page + 1 >= pages, on_click=turn, args=(1,))
    if right.button("Export these results (ZIP)", key="btn.hist.export_all"):
        st.session_state["hist.export"] = export.export_filtered(store, run_filter)
    if data := st.session_state.get("hist.export"):
        right.download_button("Download ZIP", data, file_name="imagegen-export.zip", mime="application/zip",
                              key="dl.hist.export_all", on_click="ignore")


def turn(step: int) -> None:
    st.session_state["hist.page"] = max(0, st.session_state.get("hist.page", 0) + step)


def detail(store: HistoryStore, run_id: int) -> None:
    run = store.get_run(run_id)
    if run is None:
        close_run()
        st.rerun()
    st.button("◀ Back to all runs", key="btn.hist.back", on_click=close_run)
    st.subheader(f"Run #{run.id}")
    st.caption(when(run.created_at))
    if run.missing:
        st.warning(literal(incomplete_note(run)), icon=":material/hourglass_disabled:")
    st.markdown("**Prompt**")
    st.code(run.prompt, language=None, wrap_lines=True)
    pos, neg = st.columns(2)
    pos.markdown("**Positive rule sets**")
    pos.json(run.rulesets, expanded=True)
    neg.markdown("**Negative rule sets**")
    neg.json(run.negative_rulesets, expanded=True)
    actions(store, run)
    for column, generation in zip(st.columns(len(run.generations) or 1), run.generations, strict=False):
        with column:
            generation_detail(store, run, generation)


def incomplete_note(run) -> str:
    """Which planned slots never produced a result (the app stopped mid-run)."""
    slots = ", ".join(f"slot {slot['position'] + 1} ({title(slot['provider'], slot['model'])})"
                      for slot in run.missing)
    return (f"Incomplete run: {len(run.missing)} of {len(run.planned)} planned slot(s) have no result, probably "
            f"because the app stopped during the run: {slots}. Re-run it to generate them.")


def actions(store: HistoryStore, run) -> None:
    a, b, c = st.columns(3)
    a.button("Re-run on the Compare page", key="btn.hist.rerun", on_click=ask, args=("rerun",),
             type="primary", use_container_width=True)
    b.download_button("Export run (ZIP)", lambda: export.export_zip(store, [run.id]),  # built on click, not per rerun
                      file_name=f"imagegen-run-{run.id}.zip",
                      mime="application/zip", key=f"dl.hist.run.{run.id}", on_click="ignore",
                      use_container_width=True)
    c.button("Delete run", key="btn.hist.delete", on_click=ask, args=("delete",), use_container_width=True)
    confirm = st.session_state.get("hist.confirm")
    if confirm == "delete":
        st.warning(f"Delete run #{run.id} and its images? This cannot be undone.")
        yes, no = st.columns([1, 5])
        yes.button("Delete", key="btn.hist.delete.yes", on_click=delete, args=(store, run.id), type="primary")
        no.button("Cancel", key="btn.hist.delete.no", on_click=ask, args=(None,))
    elif confirm == "rerun" or (confirm == "rerun-now"):
        if state.has_settings() and confirm != "rerun-now":
            st.warning("This replaces the prompt, rule sets and slots on the Compare page.")
            yes, no = st.columns([1, 5])
            yes.button("Replace", key="btn.hist.rerun.yes", on_click=ask, args=("rerun-now",), type="primary")
            no.button("Cancel", key="btn.hist.rerun.no", on_click=ask, args=(None,))
        else:
            state.load(run.prompt, run.rulesets, run.negative_rulesets, rerun.slot_specs(run))
            close_run()  # coming back to History shows the list again
            st.switch_page("pages/compare.py")


def ask(what: str | None) -> None:
    st.session_state["hist.confirm"] = what


def delete(store: HistoryStore, run_id: int) -> None:
    store.delete_run(run_id)
    close_run()
    st.session_state["hist.notice"] = f"Deleted run #{run_id}."


def with_provenance(value: bytes, fmt: str, run, generation) -> bytes:
    """The image with its prompt and options embedded; built when the download is clicked."""
    return provenance.embed(value, fmt, export.provenance_info(run, generation))


def generation_detail(store: HistoryStore, run, generation) -> None:
    st.markdown(f"**{generation_caption(generation)}**")
    if generation.image is not None:
        image = generation.image
        value = store.image_bytes(image)
        st.image(value, width="stretch", output_format=display_format(image.format))
        ext = "jpg" if image.format == "jpeg" else image.format
        name = f"run{run.id}-{generation.position + 1}-{generation.provider}.{ext}"
        st.download_button("Download", partial(with_provenance, value, image.format, run, generation), file_name=name,
                           mime=image.mime_type, key=f"dl.hist.{generation.id}", on_click="ignore",
                           use_container_width=True)
    if generation.error_message:
        st.error(literal(generation.error_message))
    facts = [f"{generation.latency_ms / 1000:.1f} s" if generation.latency_ms is not None else None,
             f"seed {generation.seed}" if generation.seed is not None else None,
             f"~${generation.cost_usd:.3f}" if generation.cost_usd else None]
    st.caption(" · ".join(f for f in facts if f))
    for warning in generation.warnings:
        st.caption(f":material/warning: {literal(warning)}")
    with st.expander("Prompts and options", expanded=True):
        st.markdown("**Prompt sent**")
        st.code(generation.prompt, language=None, wrap_lines=True)
        if generation.negative_prompt:
            st.markdown("**Negative prompt**")
            st.code(generation.negative_prompt, language=None, wrap_lines=True)
        if generation.revised_prompt:
            st.markdown("**Revised by the provider**")
            st.code(generation.revised_prompt, language=None, wrap_lines=True)
        st.markdown("**Requested options**")
        st.json(generation.requested_options, expanded=True)
        st.markdown("**Effective options**")
        st.json(generation.effective_options, expanded=True)
