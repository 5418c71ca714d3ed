"""A provider slot card: provider and model pickers, credential status, the model's option form."""

from __future__ import annotations

import streamlit as st

from imagegen import catalog, pricing
from imagegen.slots import CredentialStatus
from imagegen.ui import state
from imagegen.ui.option_widgets import option_widget


def model_label(provider: catalog.Provider, model_id: str) -> str:
    model = provider.model(model_id)
    if model is None:
        return model_id
    return f"{model.label} (legacy)" if model.legacy else model.label


def credential_line(status: CredentialStatus, emulate: bool, provider_id: str) -> None:
    if provider_id == "local":
        st.caption("Offline, no key needed.")
    elif status.ok:
        st.caption(f":material/key: Credentials from the {status.source}.")
    elif emulate:
        st.caption(":orange-badge[emulated] No credentials: this slot runs against the built-in emulator.")
    else:
        st.warning(f"No credentials: {status.message}", icon=":material/key_off:")


def slot_card(position: int, sid: int, statuses: dict[str, CredentialStatus], emulate: bool) -> None:
    with st.container(border=True):
        st.markdown(f"**Slot {position + 1}**")
        provider_id = st.selectbox("Provider", list(catalog.PROVIDERS), key=state.provider_key(sid),
                                   format_func=lambda pid: catalog.PROVIDERS[pid].label,
                                   on_change=state.provider_changed, args=(sid,))
        provider = catalog.get_provider(provider_id)
        model_id = st.selectbox("Model", [m.id for m in provider.models], key=state.model_key(sid),
                                format_func=lambda mid: model_label(provider, mid))
        credential_line(statuses[provider_id], emulate, provider_id)
        model = provider.model(model_id)
        with st.expander("Options", expanded=False):
            if model.help:
                st.caption(model.help)
            for option in model.options:
                option_widget(option, state.option_key(sid, model_id, option.name))
        spec = state.slot_spec(sid)
        st.caption(f"Estimated cost: {pricing.estimate(spec.provider, spec.model, spec.set_options()).label()}")
        left, right = st.columns(2)
        left.button("Duplicate", key=f"btn.dup.{sid}", on_click=state.duplicate_slot, args=(sid,),
                    use_container_width=True)
        right.button("Remove", key=f"btn.rm.{sid}", on_click=state.remove_slot, args=(sid,),
                     use_container_width=True)
