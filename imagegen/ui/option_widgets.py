"""One Streamlit widget per catalog Option: the same declaration that validates draws the form."""

from __future__ import annotations

from typing import Any

import streamlit as st

from imagegen.catalog import Option

UNSET = "provider default"


def help_text(option: Option) -> str:
    parts = [option.help] if option.help else []
    parts.append(f"Allowed: {option.allowed()}.")
    return " ".join(parts)


def option_widget(option: Option, key: str) -> Any:
    label, help = option.title, help_text(option)
    if option.kind is bool:
        return st.checkbox(label, value=bool(option.default), key=key, help=help)
    if option.choices:
        choices = list(option.choices)
        if option.default is None:
            choices.insert(0, None)
        current = st.session_state.get(key, option.default)
        if current is not None and current not in choices:
            choices.append(current)  # a custom value typed earlier (e.g. a gpt-image-2 size)
        return st.selectbox(label, choices, index=choices.index(option.default) if option.default in choices else 0,
                            key=key, help=help, format_func=lambda v: UNSET if v is None else str(v),
                            accept_new_options=not option.strict_choices)
    if option.kind in (int, float):
        return number_widget(option, key, label, help)
    return st.text_input(label, value=option.default or "", key=key, help=help)


def number_widget(option: Option, key: str, label: str, help: str) -> Any:
    cast = option.kind
    bounds = {name: cast(value) for name, value in (("min_value", option.minimum), ("max_value", option.maximum))
              if value is not None}
    default = None if option.default is None else cast(option.default)
    step = 1 if cast is int else 0.5
    placeholder = "random" if option.name == "seed" else UNSET
    return st.number_input(label, value=default, step=cast(step), key=key, help=help, placeholder=placeholder,
                           **bounds)
