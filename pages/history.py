"""History: every past run, searchable, with details, re-run, export and delete. UI only."""

import streamlit as st

from imagegen.ui import history_view, sidebar
from imagegen.ui.resources import get_store
from imagegen.ui.text import literal

sidebar.show()
store = get_store()
st.title("History")
if notice := st.session_state.pop("hist.notice", None):
    st.success(literal(notice))

selected = st.session_state.get("hist.selected")
if selected is not None:
    history_view.detail(store, selected)
else:
    run_filter = history_view.filters(store)
    history_view.run_list(store, run_filter)
sidebar.done()
