"""The Compare page's settings in st.session_state, under explicit keys.

Every setting widget has a key starting with "cmp."; `drafts.keep()` re-assigns those keys at the top of
every page's run so Streamlit keeps them across page switches, and `drafts` saves them for a reload. Buttons use
"btn." keys (they cannot be set). Option widgets are keyed by slot *and model*, so switching a slot's model back
restores its options.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from imagegen import catalog, providers
from imagegen.rules import Ruleset
from imagegen.slots import SlotSpec

PREFIX = "cmp."
# (provider, model) of the first page: the providers whose package asks for a starting slot, in registry order,
# each on its default model (which the catalog keeps active).
DEFAULT_SLOTS = tuple((package.id, package.provider.default_model) for package in providers.all_packages().values()
                      if package.first_page)
DEFAULT_PROMPT = "a red fox in a green forest at sunset"


def provider_key(sid: int) -> str:
    return f"{PREFIX}slot.{sid}.provider"


def model_key(sid: int) -> str:
    return f"{PREFIX}slot.{sid}.model"


def option_key(sid: int, model: str, name: str) -> str:
    return f"{PREFIX}slot.{sid}.{model}.opt.{name}"


def init() -> None:
    """First visit: a prompt, one rule set each way, and four providers to compare."""
    state = st.session_state
    if f"{PREFIX}slot_ids" in state:
        return
    state[f"{PREFIX}prompt"] = DEFAULT_PROMPT
    state[f"{PREFIX}next_id"] = 0
    state[f"{PREFIX}slot_ids"] = []
    for provider, model in DEFAULT_SLOTS:
        add_slot(provider, model)
    for polarity, name, rules in (("pos", "Style", "storybook illustration"), ("neg", "Avoid", "blurry\ntext")):
        state[f"{PREFIX}rs.{polarity}.ids"] = []
        add_ruleset(polarity, name, rules)


def new_id() -> int:
    sid = st.session_state[f"{PREFIX}next_id"]
    st.session_state[f"{PREFIX}next_id"] = sid + 1
    return sid


# -- slots -------------------------------------------------------------------------------------
def slot_ids() -> list[int]:
    return list(st.session_state[f"{PREFIX}slot_ids"])


def add_slot(provider: str = DEFAULT_SLOTS[0][0], model: str | None = None) -> int:
    sid = new_id()
    st.session_state[provider_key(sid)] = provider
    st.session_state[model_key(sid)] = model or catalog.get_provider(provider).default_model
    st.session_state[f"{PREFIX}slot_ids"] = slot_ids() + [sid]
    return sid


def remove_slot(sid: int) -> None:
    st.session_state[f"{PREFIX}slot_ids"] = [s for s in slot_ids() if s != sid]
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{PREFIX}slot.{sid}.")]:
        del st.session_state[key]


def duplicate_slot(sid: int) -> int:
    copy = new_id()
    prefix, new_prefix = f"{PREFIX}slot.{sid}.", f"{PREFIX}slot.{copy}."
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        st.session_state[new_prefix + key[len(prefix):]] = st.session_state[key]
    ids = slot_ids()
    ids.insert(ids.index(sid) + 1, copy)
    st.session_state[f"{PREFIX}slot_ids"] = ids
    return copy


def provider_changed(sid: int) -> None:
    """A new provider starts on its default model."""
    if sid not in slot_ids() or provider_key(sid) not in st.session_state:
        return  # the slot was removed in the same click (Streamlit may still report its old widget as changed)
    provider = catalog.get_provider(st.session_state[provider_key(sid)])
    st.session_state[model_key(sid)] = provider.default_model


def slot_spec(sid: int) -> SlotSpec:
    provider = st.session_state[provider_key(sid)]
    model_id = st.session_state[model_key(sid)]
    model = catalog.get_provider(provider).model(model_id)
    options: dict[str, Any] = {}
    for option in model.options if model else ():
        options[option.name] = st.session_state.get(option_key(sid, model_id, option.name), option.default)
    return SlotSpec(provider, model_id, options)


def load_slot_specs(specs: list[SlotSpec]) -> None:
    """Replace the slots with these (used by re-run from history)."""
    for sid in slot_ids():
        remove_slot(sid)
    for spec in specs:
        sid = add_slot(spec.provider, spec.model)
        for name, value in spec.options.items():
            st.session_state[option_key(sid, spec.model, name)] = value


# -- rule sets ---------------------------------------------------------------------------------
def ruleset_ids(polarity: str) -> list[int]:
    return list(st.session_state.get(f"{PREFIX}rs.{polarity}.ids", []))


def ruleset_key(polarity: str, rid: int, field: str) -> str:
    return f"{PREFIX}rs.{polarity}.{rid}.{field}"


def add_ruleset(polarity: str, name: str = "", rules: str = "") -> None:
    rid = new_id()
    st.session_state[ruleset_key(polarity, rid, "name")] = name or f"Rule set {len(ruleset_ids(polarity)) + 1}"
    st.session_state[ruleset_key(polarity, rid, "rules")] = rules
    st.session_state[f"{PREFIX}rs.{polarity}.ids"] = ruleset_ids(polarity) + [rid]


def remove_ruleset(polarity: str, rid: int) -> None:
    st.session_state[f"{PREFIX}rs.{polarity}.ids"] = [r for r in ruleset_ids(polarity) if r != rid]
    for field in ("name", "rules"):
        st.session_state.pop(ruleset_key(polarity, rid, field), None)


def rulesets(polarity: str) -> list[Ruleset]:
    result = []
    for rid in ruleset_ids(polarity):
        text = st.session_state.get(ruleset_key(polarity, rid, "rules"), "")
        rules = [line.strip() for line in text.splitlines() if line.strip()]
        result.append(Ruleset(st.session_state.get(ruleset_key(polarity, rid, "name"), ""), rules))
    return result


def has_settings() -> bool:
    """Whether the Compare page holds settings a user may not want to lose."""
    return f"{PREFIX}slot_ids" in st.session_state


def load(prompt: str, rulesets_: list[dict], negative_rulesets: list[dict], specs: list[SlotSpec]) -> None:
    """Replace the Compare page's prompt, rule sets and slots (re-run from the history)."""
    state = st.session_state
    state.setdefault(f"{PREFIX}next_id", 0)
    state.setdefault(f"{PREFIX}slot_ids", [])
    state[f"{PREFIX}prompt"] = prompt
    load_slot_specs(specs)
    for polarity, saved in (("pos", rulesets_), ("neg", negative_rulesets)):
        for rid in ruleset_ids(polarity):
            remove_ruleset(polarity, rid)
        state[f"{PREFIX}rs.{polarity}.ids"] = []
        for item in saved:
            add_ruleset(polarity, item.get("name", ""), "\n".join(item.get("rules", [])))


# -- what Generate would send --------------------------------------------------------------------
def settings() -> dict[str, Any]:
    """The page's settings as plain data: a run keeps them, so the page can tell whether its results are
    those of the settings shown."""
    return {
        "prompt": st.session_state.get(f"{PREFIX}prompt", ""),
        "rulesets": [{"name": r.name, "rules": r.values} for r in rulesets("pos")],
        "negative_rulesets": [{"name": r.name, "rules": r.values} for r in rulesets("neg")],
        "slots": [slot_spec(sid).to_dict() for sid in slot_ids()],
    }


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two `settings()`, in words ("the prompt", "slot 2", "slot 5 added")."""
    changed = [label for key, label in (("prompt", "the prompt"), ("rulesets", "the positive rule sets"),
                                        ("negative_rulesets", "the negative rule sets"))
               if old.get(key) != new.get(key)]
    before, after = old.get("slots") or [], new.get("slots") or []
    for position in range(max(len(before), len(after))):
        if position >= len(before):
            changed.append(f"slot {position + 1} added")
        elif position >= len(after):
            changed.append(f"slot {position + 1} removed")
        elif before[position] != after[position]:
            changed.append(f"slot {position + 1}")
    return changed
