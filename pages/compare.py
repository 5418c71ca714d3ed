"""Compare: one prompt, several providers side by side, generated at once. UI only."""

import streamlit as st

from imagegen import pricing
from imagegen.ui import results, sidebar, state
from imagegen.ui.generate import generate, summary_line, warm_up
from imagegen.ui.resources import get_store, statuses
from imagegen.ui.rulesets_editor import editor
from imagegen.ui.slot_editor import slot_card

state.persist()
state.init()
store = get_store()
emulate = sidebar.show()

st.title("Compare providers")
st.text_area("Prompt", key="cmp.prompt", height=90, placeholder="Describe the image you want…")

if notice := st.session_state.pop("cmp.notice", None):
    getattr(st, notice[0])(notice[1])
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
planned, unknown = pricing.total(pricing.estimate(s.provider, s.model, s.set_options()) for s in specs)
unknown_note = f" plus {unknown} slot(s) priced only after the run" if unknown else ""
st.markdown(f"Estimated cost of this run: **${planned:.3f}**{unknown_note}.")

warm_up(specs, emulate)
generated = False
if st.button("Generate", type="primary", key="btn.generate", disabled=not ids):
    generated = generate(st.session_state.get("cmp.prompt", ""), emulate)

last = st.session_state.get("cmp.last_run")
if last and last["views"] and not generated:
    st.subheader(f"Run #{last['run_id']}")
    st.caption(summary_line(last))
    for column, item in zip(st.columns(len(last["views"])), last["views"], strict=True):
        with column:
            results.show(item)
