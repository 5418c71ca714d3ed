"""One Streamlit widget per catalog Option: the same declaration that validates draws the form.

Number fields carry no bounds: a bounded `st.number_input` shows an out-of-range value in red but keeps
sending the last valid one, so the page would run with a value it does not show. Here every typed value
reaches the server, and the slot card and Generate say which field is out of range (catalog validation).
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from imagegen.catalog import Option
from imagegen.ui.text import literal

UNSET = "provider default"


def help_text(option: Option) -> str:
    parts = [option.help] if option.help else []
    parts.append(f"Allowed: {option.allowed()}.")
    return " ".join(parts)


def option_widget(option: Option, key: str) -> Any:
    label, help = option.title, help_text(option)
    if option.kind is bool:
        drop_unshowable(key, lambda v: isinstance(v, bool))
        return st.checkbox(label, value=bool(option.default), key=key, help=help, persist_state="session")
    if option.choices:
        choices = list(option.choices)
        if option.default is None:
            choices.insert(0, None)
        current = st.session_state.get(key, option.default)
        if current is not None and current not in choices:
            choices.append(current)  # a custom value typed earlier (e.g. a gpt-image-2 size), or a re-run's
        return st.selectbox(label, choices, index=choices.index(option.default) if option.default in choices else 0,
                            key=key, help=help, format_func=lambda v: UNSET if v is None else str(v),
                            accept_new_options=not option.strict_choices and option.kind is str,
                            persist_state="session")  # typed text is a str: numbers are picked, not typed
    if option.kind in (int, float):
        return number_widget(option, key, label, help)
    drop_unshowable(key, lambda v: isinstance(v, str))
    return st.text_input(label, value=option.default or "", key=key, help=help, persist_state="session")


def showable_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) <= 2**53 - 1  # what a browser's number field holds exactly


def number_widget(option: Option, key: str, label: str, help: str) -> Any:
    cast = option.kind
    drop_unshowable(key, lambda v: v is None or (showable_number(v) and (cast is float or float(v).is_integer())))
    if st.session_state.get(key) is not None and type(st.session_state[key]) is not cast:
        st.session_state[key] = cast(st.session_state[key])  # 7 for a float field is 7.0; 30.0 for an int one, 30
    default = None if option.default is None else cast(option.default)
    step = 1 if cast is int else 0.5
    placeholder = "random" if option.name == "seed" else UNSET
    return st.number_input(label, value=default, step=cast(step), key=key, help=help, placeholder=placeholder,
                           persist_state="session")


def drop_unshowable(key: str, fits) -> None:
    """A value this widget cannot hold (e.g. loaded from an old run) is dropped, and the form says so."""
    if key in st.session_state and not fits(st.session_state[key]):
        value = st.session_state.pop(key)
        st.warning(f"The value {literal(repr(value))} cannot be shown in this field, so the field was reset.",
                   icon=":material/restart_alt:")
