"""Providers: credentials (where from, never the value), SDK, endpoint, emulation, and a check. UI only."""

import streamlit as st

from imagegen import provider_status
from imagegen.ui import sidebar
from imagegen.ui.resources import get_emulator
from imagegen.ui.text import literal

emulate = sidebar.show()
st.title("Providers")
st.caption("Credentials are read from environment variables or .streamlit/secrets.toml; only where they come "
           "from is shown here.")

for row in provider_status.rows(emulate):
    with st.container(border=True):
        name, state, action = st.columns([2, 4, 1], vertical_alignment="center")
        name.markdown(f"**{row.label}**")
        if not row.needs_key:
            state.markdown(":material/check_circle: Always available; no key needed.")
        elif row.credentials_ok:
            state.markdown(f":material/check_circle: Credentials from the {row.source}.")
        elif row.emulated:
            state.markdown(f":orange-badge[emulated] No credentials, so this provider runs against the built-in "
                           f"emulator. For the real service: {literal(row.what_to_set)}")
        else:
            state.markdown(f":material/warning: {literal(row.what_to_set)}")
        where = "the built-in emulator (loopback)" if row.emulated else row.endpoint
        state.caption(literal(f"SDK: {row.sdk} · Endpoint: {where}"))
        if action.button("Check", key=f"btn.prov.check.{row.id}", use_container_width=True):
            url = get_emulator().url if row.emulated else None
            with st.spinner(f"Checking {row.label}…"):
                result = provider_status.check(row.id, url)
            (st.success if result.ok else st.error)(literal(result.message))
sidebar.done()
