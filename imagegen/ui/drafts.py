"""The Compare page's settings survive page switches and a browser reload.

Page switches: every Compare widget is made with `persist_state="session"`, Streamlit's own way to keep a
widget's value while another page is shown (without it the value is dropped when the widget is not drawn).

A reload starts a new session with an empty session state. The settings are therefore also saved as a *draft*
in the history database under a random token carried in the URL (`?draft=...`): a new session that finds a
token restores that draft, then continues under a fresh token of its own (a shared or duplicated tab gets a
copy, never a draft two sessions overwrite in turn). A draft holds settings only: no keys, no images.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

import streamlit as st

from imagegen.history.records import looks_like_credential
from imagegen.ui import state

log = logging.getLogger(__name__)

PARAM = "draft"
TOKEN = "_draft.token"
SAVED = "_draft.saved"  # the JSON text of the last draft written, to write only on change
KEPT = ("emulate",)  # session keys outside the "cmp." prefix that belong to the draft
SKIPPED = ("cmp.last_run", "cmp.notice")  # in-memory only: image bytes, one-off notices


def draft_keys() -> list[str]:
    return [key for key in st.session_state if isinstance(key, str)
            and (key.startswith(state.PREFIX) or key in KEPT) and key not in SKIPPED]


def snapshot() -> dict[str, Any]:
    """The draft's keys with JSON values (anything else is left out: it cannot be restored anyway)."""
    values = {}
    for key in draft_keys():
        if looks_like_credential(key):  # no such widget exists; the history would refuse the whole draft
            continue
        value = st.session_state[key]
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        values[key] = value
    return values


def start(store) -> None:
    """At the top of every run: restore a reloaded session's draft once, and put its token in the URL."""
    if TOKEN not in st.session_state:
        restore(store, st.query_params.get(PARAM))
        st.session_state[TOKEN] = secrets.token_urlsafe(16)
    if st.query_params.get(PARAM) != st.session_state[TOKEN]:
        st.query_params[PARAM] = st.session_state[TOKEN]


def restore(store, token: str | None) -> bool:
    if store is None or not token or len(token) > 64:
        return False
    try:
        draft = store.load_draft(token)
    except Exception:  # a draft is a convenience: never stop the page for it
        log.exception("could not read a draft")
        return False
    if not isinstance(draft, dict):
        return False
    for key, value in draft.items():
        if isinstance(key, str) and (key.startswith(state.PREFIX) or key in KEPT) and key not in SKIPPED:
            st.session_state[key] = value
    return True


def save(store) -> None:
    """At the end of every run: write the draft when it changed since the last write."""
    if store is None or TOKEN not in st.session_state:
        return
    values = snapshot()
    text = json.dumps(values, sort_keys=True)
    if st.session_state.get(SAVED) == text:
        return
    try:
        store.save_draft(st.session_state[TOKEN], values)
    except Exception:  # noqa: BLE001 - the page works without it; the log says why
        log.exception("could not save the Compare page's draft")
        return
    st.session_state[SAVED] = text
