"""The sidebar every page shows: the emulation toggle and where keys come from. Drawing it also restores a
reloaded session's Compare settings (ui.drafts), so every page starts from them; each page calls
`sidebar.done()` last, which saves them."""

import streamlit as st

from imagegen.ui import drafts
from imagegen.ui.resources import any_real_credentials, try_store


def show() -> bool:
    """Draw the sidebar; return whether providers without credentials are emulated."""
    store = try_store()
    drafts.start(store)
    st.session_state["_sidebar.store_ok"] = store is not None
    if "emulate" not in st.session_state:
        st.session_state["emulate"] = not any_real_credentials()  # on by default when nothing has a key
    with st.sidebar:
        st.toggle("Emulate providers without credentials", key="emulate", persist_state="session",
                  help="Providers with no key run against the built-in emulator, which speaks their real APIs "
                       "locally and labels every image 'emulated'. Turn off to see what each provider needs.")
        st.caption("Keys come from environment variables or .streamlit/secrets.toml; they are never stored or "
                   "shown.")
    return st.session_state["emulate"]


def done() -> None:
    """At the end of a page: save the Compare settings for a reload, when they changed."""
    if st.session_state.get("_sidebar.store_ok"):  # not a second wait for a database that is down
        drafts.save(try_store())
