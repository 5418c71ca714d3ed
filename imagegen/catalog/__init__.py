"""Providers -> models -> options, declared once.

`validate(provider, model, options)` checks a driver's options against the declarations before any
request is sent, and the same declarations draw the option forms in the app. A model id the catalog
does not know is accepted: its options are checked for type only and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imagegen.catalog.bedrock import BEDROCK
from imagegen.catalog.leonardo import LEONARDO
from imagegen.catalog.local import LOCAL
from imagegen.catalog.openai import AZURE, OPENAI
from imagegen.catalog.types import Credential, Model, Option, Provider
from imagegen.errors import InvalidOptionsError

__all__ = ["Credential", "Model", "Option", "Provider", "PROVIDERS", "get_provider", "validate", "Validated"]

PROVIDERS: dict[str, Provider] = {p.id: p for p in (LOCAL, OPENAI, AZURE, BEDROCK, LEONARDO)}


def register(provider: Provider) -> None:
    PROVIDERS[provider.id] = provider


def get_provider(provider_id: str) -> Provider:
    try:
        return PROVIDERS[provider_id]
    except KeyError:
        raise InvalidOptionsError(
            f"Unknown provider '{provider_id}'; choose one of {', '.join(PROVIDERS)}.", field="provider",
            allowed=", ".join(PROVIDERS),
        ) from None


@dataclass
class Validated:
    model: Model | None  # None when the model id is not in the catalog
    sent: dict[str, Any]  # options the caller set, validated: what goes on the wire
    effective: dict[str, Any]  # sent + the provider's documented defaults
    warnings: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.model is not None


def validate(provider_id: str, model_id: str, options: dict[str, Any]) -> Validated:
    """Validate options that are set (None means unset). Raises InvalidOptionsError naming the field."""
    provider = get_provider(provider_id)
    if not model_id or not str(model_id).strip():
        raise InvalidOptionsError(
            f"{provider.label}: a model id is required, e.g. {provider.default_model}.", field="model"
        )
    model = provider.model(model_id)
    declared = model.options if model else provider.generic_options
    by_name = {o.name: o for o in declared}
    where = f"{provider.label} {model_id}"
    sent: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        option = by_name.get(name)
        if option is None:
            accepted = ", ".join(by_name) or "none"
            raise InvalidOptionsError(
                f"{where} does not accept option '{name}'; it accepts: {accepted}. Remove '{name}'.",
                field=name, allowed=accepted,
            )
        sent[name] = option.validate(value, where)
    warnings: list[str] = []
    if model is None:
        warnings.append(
            f"Model '{model_id}' is not in the catalog: options were checked for type only and sent as "
            f"given; the provider decides what it accepts."
        )
        return Validated(None, sent, dict(sent), warnings)
    effective = {o.name: o.default for o in model.options if o.default is not None}
    effective.update(sent)
    for check in model.checks:
        if problem := check(effective):
            raise InvalidOptionsError(f"{where}: {problem}.")
    if model.legacy:
        warnings.append(f"{model.label} is a legacy model: {model.help}".strip())
    return Validated(model, sent, effective, warnings)


def check_prompt(provider_id: str, model_id: str, prompt: str, negative_prompt: str = "") -> None:
    """Reject an empty prompt, or one longer than the model accepts, before any request."""
    provider = get_provider(provider_id)
    if not prompt.strip():
        raise InvalidOptionsError(
            "The prompt is empty: write a prompt (or add positive rules) before generating.", field="prompt"
        )
    model = provider.model(model_id)
    limit = model.max_prompt_chars if model else None
    for name, text in (("prompt", prompt), ("negative prompt", negative_prompt)):
        if limit and len(text) > limit:
            raise InvalidOptionsError(
                f"{provider.label} {model_id}: the composed {name} is {len(text)} characters; the model "
                f"accepts at most {limit}. Shorten the prompt or remove rules.",
                field=name.replace(" ", "_"), allowed=f"at most {limit} characters",
            )
