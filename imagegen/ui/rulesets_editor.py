"""Positive and negative rule sets: several named lists of rules, and a library saved in the history DB."""

from __future__ import annotations

import streamlit as st

from imagegen.history import HistoryStore
from imagegen.ui import state

TITLES = {"pos": ("Positive rule sets", "Added to the prompt."),
          "neg": ("Negative rule sets", "What to keep out (sent as the negative prompt where a provider has one).")}


def save(store: HistoryStore, polarity: str, rid: int) -> None:
    name = st.session_state.get(state.ruleset_key(polarity, rid, "name"), "").strip()
    text = st.session_state.get(state.ruleset_key(polarity, rid, "rules"), "")
    rules = [line.strip() for line in text.splitlines() if line.strip()]
    if not name or not rules:
        st.session_state["cmp.notice"] = ("warning", "Give the rule set a name and at least one rule before saving.")
        return
    store.save_ruleset(name, rules, negative=polarity == "neg")
    st.session_state["cmp.notice"] = ("success", f"Saved rule set '{name}' to the library.")


def load(store: HistoryStore, polarity: str) -> None:
    chosen = st.session_state.get(f"cmp.rs.{polarity}.library")
    saved = {r.id: r for r in store.list_rulesets(negative=polarity == "neg")}
    if chosen in saved:
        state.add_ruleset(polarity, saved[chosen].name, "\n".join(saved[chosen].rules))


def editor(store: HistoryStore, polarity: str) -> None:
    title, caption = TITLES[polarity]
    st.markdown(f"**{title}**")
    st.caption(caption)
    for rid in state.ruleset_ids(polarity):
        with st.container(border=True):
            st.text_input("Name", key=state.ruleset_key(polarity, rid, "name"), persist_state="session")
            st.text_area("Rules, one per line", key=state.ruleset_key(polarity, rid, "rules"), height=90,
                         persist_state="session")
            left, right = st.columns(2)
            left.button("Save to library", key=f"btn.rs.save.{polarity}.{rid}", on_click=save,
                        args=(store, polarity, rid), use_container_width=True)
            right.button("Remove", key=f"btn.rs.rm.{polarity}.{rid}", on_click=state.remove_ruleset,
                         args=(polarity, rid), use_container_width=True)
    saved = store.list_rulesets(negative=polarity == "neg")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if saved:
        names = {r.id: f"{r.name} ({len(r.rules)} rules)" for r in saved}
        left.selectbox("From the library", list(names), key=f"cmp.rs.{polarity}.library",
                       format_func=lambda i: names.get(i, "?"), persist_state="session")
        right.button("Load", key=f"btn.rs.load.{polarity}", on_click=load, args=(store, polarity))
    st.button("Add rule set", key=f"btn.rs.add.{polarity}", on_click=state.add_ruleset, args=(polarity,))
