"""Compare: one prompt, several providers side by side, generated at once. UI only."""

import streamlit as st

from imagegen import catalog, pricing
from imagegen.ui import sidebar, state
from imagegen.ui.generate import generate, show_last, warm_up
from imagegen.ui.resources import get_store, statuses
from imagegen.ui.rulesets_editor import editor
from imagegen.ui.slot_editor import slot_card
from imagegen.ui.text import literal

emulate = sidebar.show()  # first: it restores a reloaded session's settings
state.init()
store = get_store()

st.title("Compare providers")
st.text_area("Prompt", key="cmp.prompt", height=90, persist_state="session", placeholder="Describe the image you want…")

if notice := st.session_state.pop("cmp.notice", None):
    getattr(st, notice[0])(literal(notice[1]))
positive, negative = st.columns(2)
with positive:
    editor(store, "pos")
with negative:
    editor(store, "neg")

st.subheader("Providers")
known = statuses()
ids = state.slot_ids()
per_row = 4
for start in range(0, len(ids), per_row):
    columns = st.columns(per_row)
    for offset, sid in enumerate(ids[start:start + per_row]):
        with columns[offset]:
            slot_card(start + offset, sid, known, emulate)
st.button("Add provider slot", key="btn.add_slot", on_click=state.add_slot)

specs = [state.slot_spec(sid) for sid in ids]
valid = [s for s in specs if not catalog.option_problems(s.provider, s.model, s.options)]
planned, unknown = pricing.total(pricing.estimate(s.provider, s.model, s.set_options()) for s in valid)
unknown_note = f" plus {unknown} slot(s) priced only after the run" if unknown else ""
invalid_note = f" ({len(specs) - len(valid)} slot(s) not counted: fix their options)" if len(valid) < len(specs) else ""
st.markdown(f"Estimated cost of this run: **${planned:.3f}**{unknown_note}{invalid_note}.")

warm_up(valid, emulate)
if not (st.button("Generate", type="primary", key="btn.generate", disabled=not ids)
        and generate(st.session_state.get("cmp.prompt", ""), emulate)):
    show_last(store)
sidebar.done()
