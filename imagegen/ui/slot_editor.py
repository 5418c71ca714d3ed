"""A provider slot card: provider and model pickers, credential status, the model's option form."""

from __future__ import annotations

import streamlit as st

from imagegen import catalog, pricing, providers
from imagegen.slots import CredentialStatus
from imagegen.ui import state
from imagegen.ui.generate import option_message
from imagegen.ui.option_widgets import option_widget
from imagegen.ui.text import literal


def model_label(provider: catalog.Provider, model_id: str) -> str:
    model = provider.model(model_id)
    if model is None:
        return model_id
    if model.retired:
        return f"{model.label} (retired)"
    if model.status == "deprecated":
        return f"{model.label} (deprecated until {model.status_date})" if model.status_date else \
            f"{model.label} (deprecated)"
    return f"{model.label} (legacy)" if model.legacy else model.label


def model_choices(provider: catalog.Provider, current: str | None) -> list[str]:
    """The picker's model ids: retired models hidden, except the current value (e.g. a History re-run of one),
    which stays so the slot shows it and Generate says "retired on DATE — use X"."""
    model_ids = [m.id for m in provider.models if not m.retired]
    if current and current not in model_ids:
        model_ids.append(current)  # a retired model, or a re-run of a model id the catalog does not list
    return model_ids


def credential_line(status: CredentialStatus, emulate: bool, provider_id: str) -> None:
    if not providers.get(provider_id).needs_key:
        st.caption("Offline, no key needed.")
    elif status.ok:
        st.caption(f":material/key: Credentials from the {status.source}.")
    elif emulate:
        st.caption(":orange-badge[emulated] No credentials: this slot runs against the built-in emulator.")
    else:
        st.warning(f"No credentials: {literal(status.message)}", icon=":material/key_off:")


def slot_card(position: int, sid: int, statuses: dict[str, CredentialStatus], emulate: bool) -> None:
    with st.container(border=True, key=f"slot-card-{sid}"):
        st.markdown(f"**Slot {position + 1}**")
        provider_id = st.selectbox("Provider", list(catalog.PROVIDERS), key=state.provider_key(sid),
                                   format_func=lambda pid: catalog.PROVIDERS[pid].label,
                                   on_change=state.provider_changed, args=(sid,), persist_state="session")
        provider = catalog.get_provider(provider_id)
        model_ids = model_choices(provider, st.session_state.get(state.model_key(sid)))
        model_id = st.selectbox("Model", model_ids, key=state.model_key(sid),
                                format_func=lambda mid: model_label(provider, mid), persist_state="session")
        status = statuses.get(provider_id) or providers.get(provider_id).status()  # a provider added since the cache
        credential_line(status, emulate, provider_id)
        model = provider.model(model_id)
        with st.expander("Options", expanded=False):
            if model is None:
                st.caption(literal(f"{model_id} is not in the catalog: it runs with the provider's defaults."))
            elif model.help:
                st.caption(model.help)
            for option in model.options if model else ():
                option_widget(option, state.option_key(sid, model_id, option.name))
        spec = state.slot_spec(sid)
        problems = catalog.option_problems(spec.provider, spec.model, spec.options)
        for problem in problems:
            st.error(literal(option_message(spec, problem)), icon=":material/block:")
        estimate = pricing.estimate(spec.provider, spec.model, spec.set_options()) if not problems else None
        st.caption(f"Estimated cost: {estimate.label() if estimate else 'fix the options first'}")
        left, right = st.columns(2)
        left.button("Duplicate", key=f"btn.dup.{sid}", on_click=state.duplicate_slot, args=(sid,),
                    use_container_width=True)
        right.button("Remove", key=f"btn.rm.{sid}", on_click=state.remove_slot, args=(sid,),
                     use_container_width=True)
