"""The sidebar every page shows: the emulation toggle and where keys come from."""

import streamlit as st

from imagegen.ui.resources import any_real_credentials


def show() -> bool:
    """Draw the sidebar; return whether providers without credentials are emulated."""
    if "emulate" not in st.session_state:
        st.session_state["emulate"] = not any_real_credentials()  # on by default when nothing has a key
    st.session_state["emulate"] = st.session_state["emulate"]  # keep the toggle across page switches
    with st.sidebar:
        st.toggle("Emulate providers without credentials", key="emulate",
                  help="Providers with no key run against the built-in emulator, which speaks their real APIs "
                       "locally and labels every image 'emulated'. Turn off to see what each provider needs.")
        st.caption("Keys come from environment variables or .streamlit/secrets.toml; they are never stored or "
                   "shown.")
    return st.session_state["emulate"]
