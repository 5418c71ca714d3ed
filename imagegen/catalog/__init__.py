"""Providers -> models -> options, declared once.

`validate(provider, model, options)` checks a driver's options against the declarations before any
request is sent, and the same declarations draw the option forms in the app. A model id the catalog
does not know is accepted: its options are checked against the provider's generic ones (type, and range where
declared) and a warning says so. `option_problems` lists every problem without raising (for the app's forms).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from imagegen.catalog.types import Credential, Model, Option, Provider, encodable, shown
from imagegen.errors import InvalidOptionsError

__all__ = ["Credential", "Model", "Option", "Provider", "PROVIDERS", "get_provider", "validate", "Validated",
           "option_problems", "check_prompt"]

class Providers(MutableMapping):
    """Provider id -> `Provider`, read live from the provider registry (`imagegen.providers`). An entry set here
    adds a catalog-only provider (validation, no driver); register a `ProviderPackage` for a usable one."""

    def __init__(self) -> None:
        self._added: dict[str, Provider] = {}

    def _all(self) -> dict[str, Provider]:
        from imagegen import providers  # the registry imports the provider catalogs, which import this package

        return {**{pid: package.provider for pid, package in providers.all_packages().items()}, **self._added}

    def __setitem__(self, provider_id: str, provider: Provider) -> None:
        self._added[provider_id] = provider

    def __delitem__(self, provider_id: str) -> None:
        del self._added[provider_id]

    def __getitem__(self, provider_id: str) -> Provider:
        return self._all()[provider_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, provider_id: object) -> bool:
        try:
            return provider_id in self._all()
        except TypeError:  # an unhashable id
            return False

    def __repr__(self) -> str:
        return f"Providers({list(self)})"


PROVIDERS: Providers = Providers()


def get_provider(provider_id: str) -> Provider:
    known = PROVIDERS._all()
    try:
        return known[provider_id]
    except (KeyError, TypeError):
        raise InvalidOptionsError(
            f"Unknown provider {shown(provider_id)}; choose one of {', '.join(known)}.", field="provider",
            allowed=", ".join(known),
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


def validate(provider_id: str, model_id: str, options: dict[str, Any], allow_retired: bool = False) -> Validated:
    """Validate options that are set (None means unset). Raises InvalidOptionsError naming the field.

    A retired model raises (field "model") unless `allow_retired`, which turns that into a warning; a deprecated one
    validates with a warning."""
    provider = get_provider(provider_id)
    if problem := model_problem(provider, model_id):
        raise problem
    model = provider.model(model_id)
    lifecycle = lifecycle_warning(provider, model, allow_retired)
    where = f"{provider.label} {model_id}"
    sent, problems = check_options(provider, model, where, options)
    if problems:
        raise problems[0]
    if model is None:
        warning = (f"Model '{model_id}' is not in the catalog: options were checked for type only and sent as "
                   f"given; the provider decides what it accepts.")
        return Validated(None, sent, dict(sent), [warning])
    effective = model.defaults()
    effective.update(sent)
    if problem := cross_problem(model, effective, where):
        raise problem
    warnings = [lifecycle] if lifecycle else []
    if model.legacy and not model.retired:
        warnings.append(f"{model.label} is a legacy model: {model.help}".strip())
    return Validated(model, sent, effective, warnings)


def option_problems(provider_id: str, model_id: str, options: dict,
                    allow_retired: bool = False) -> list[InvalidOptionsError]:
    """Every problem with these options, one InvalidOptionsError each (`.field` = the option), without raising.

    None values are unset and skipped; unknown names are problems too. The model's cross-option rules run only
    when every single option is valid. A retired model is a problem (field "model") unless `allow_retired`.
    An empty list means the options are valid."""
    try:
        provider = get_provider(provider_id)
        if problem := model_problem(provider, model_id):
            return [problem]
        lifecycle_warning(provider, provider.model(model_id), allow_retired)
        if options is not None and not isinstance(options, dict):
            return [InvalidOptionsError(f"Options must be a mapping of option names to values, not "
                                        f"{type(options).__name__}.")]
        model = provider.model(model_id)
        where = f"{provider.label} {model_id}"
        sent, problems = check_options(provider, model, where, options or {})
        if problems or model is None:
            return problems
        effective = model.defaults()
        effective.update(sent)
        problem = cross_problem(model, effective, where)
        return [problem] if problem else []
    except InvalidOptionsError as exc:
        return [exc]
    except Exception as exc:  # never raise: the UI calls this on every rerun with whatever was typed
        return [InvalidOptionsError(f"The options could not be checked ({type(exc).__name__}); change them.")]


def model_problem(provider: Provider, model_id: Any) -> InvalidOptionsError | None:
    if not isinstance(model_id, str) or not model_id.strip():
        return InvalidOptionsError(f"{provider.label}: a model id is required, e.g. {provider.default_model} "
                                   f"(got {shown(model_id)}).", field="model")
    if not encodable(model_id):
        return InvalidOptionsError(f"{provider.label}: the model id {shown(model_id)} contains a character that is "
                                   f"not valid Unicode (a lone surrogate); retype it.", field="model")
    return None


def successor_label(provider: Provider, model: Model) -> str:
    successor = provider.model(model.successor) if model.successor else None
    if successor is None:
        return model.successor or "a current model"
    return f"{successor.label} ({successor.id})"


def lifecycle_warning(provider: Provider, model: Model | None, allow_retired: bool = False) -> str:
    """The warning a deprecated model (or an allowed retired one) carries; raises for a retired one unless allowed."""
    if model is None or model.status == "active":
        return ""
    use = successor_label(provider, model)
    if model.retired:
        message = f"{provider.label} {model.label} was retired on {model.status_date or 'an unknown date'} — use {use}"
        if not allow_retired:
            raise InvalidOptionsError(message + ".", field="model", allowed=use)
        return message + "; sent anyway because retired models are allowed (expect the provider to refuse it)."
    date = model.status_date or "a date to be announced"
    return f"{provider.label} {model.label} is deprecated and shuts down on {date}; move to {use}."


def check_options(provider: Provider, model: Model | None, where: str,
                  options: dict[str, Any]) -> tuple[dict[str, Any], list[InvalidOptionsError]]:
    """(validated values, one error per invalid or unknown option); None values are skipped."""
    declared = model.options if model else provider.generic_options
    by_name = {o.name: o for o in declared}
    sent: dict[str, Any] = {}
    problems: list[InvalidOptionsError] = []
    for name, value in options.items():
        if value is None:
            continue
        option = by_name.get(name) if isinstance(name, str) else None
        if option is None:
            problems.append(unknown_option(where, name, by_name))
            continue
        try:
            sent[name] = option.validate(value, where)
        except InvalidOptionsError as exc:
            problems.append(exc)
    return sent, problems


def unknown_option(where: str, name: Any, by_name: dict[str, Option]) -> InvalidOptionsError:
    accepted = ", ".join(by_name) or "none"
    label = name if isinstance(name, str) and encodable(name) else shown(name)
    return InvalidOptionsError(f"{where} does not accept option '{label}'; it accepts: {accepted}. Remove '{label}'.",
                               field=name if isinstance(name, str) else label, allowed=accepted)


def cross_problem(model: Model, effective: dict[str, Any], where: str) -> InvalidOptionsError | None:
    """The first cross-option rule the effective options break, with `.field` = the option it is most about."""
    for check in model.checks:
        rule_field = getattr(check, "field", None)
        try:
            problem = check(effective)
        except Exception as exc:  # a rule tripping over a value is still an answer about the options
            problem = f"these options could not be checked together ({type(exc).__name__}); try other values"
        if problem:
            return InvalidOptionsError(f"{where}: {problem}.", field=rule_field)
    return None


def check_prompt(provider_id: str, model_id: str, prompt: str, negative_prompt: str = "") -> None:
    """Reject a prompt that is not clean text, an empty prompt (the positive text: a negative prompt alone is not a
    prompt), or one longer than the model accepts, before any request."""
    provider = get_provider(provider_id)
    for name, text in (("prompt", prompt), ("negative_prompt", negative_prompt)):
        check_text(name, text)
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


def check_text(name: str, text: Any) -> None:
    label = name.replace("_", " ")
    if not isinstance(text, str):
        raise InvalidOptionsError(f"The {label} must be text, not {type(text).__name__}.", field=name)
    if not encodable(text):
        position = next(i for i, char in enumerate(text) if 0xD800 <= ord(char) <= 0xDFFF)
        raise InvalidOptionsError(
            f"The {label} contains a character that is not valid Unicode at position {position} (a lone surrogate, "
            f"often left by a broken copy and paste); retype that part.", field=name,
        )
