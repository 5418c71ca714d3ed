"""The building blocks of the catalog: Option, Model, Provider, Credential.

An option is declared once (type, default, allowed values or range, help text) and the same
declaration validates driver options and draws the Streamlit form.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagegen.errors import InvalidOptionsError

# A rule across several options: gets the effective options, returns an error message or None.
# `cross_check("name")` marks the option a rule is most about (the error's `field`).
CrossCheck = Callable[[dict[str, Any]], "str | None"]
MAX_SHOWN = 60  # characters of a rejected value quoted in a message


def cross_check(field_name: str | None) -> Callable[[CrossCheck], CrossCheck]:
    def mark(rule: CrossCheck) -> CrossCheck:
        rule.field = field_name  # type: ignore[attr-defined]
        return rule
    return mark


def shown(value: Any) -> str:
    """A short, printable repr of any value (a 5000-digit int or a huge list included)."""
    try:
        text = repr(value)
    except Exception:  # e.g. an int past Python's digit limit for str()
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 5] + "…" + text[-4:]


def encodable(text: str) -> bool:
    """False for text that cannot be UTF-8 encoded (a lone surrogate such as '\\ud800')."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def same_type(value: Any, kind: type) -> bool:
    """Strict JSON-type match: bool is never a number, bytes never text; an int counts as a float."""
    if kind is bool:
        return type(value) is bool
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


@dataclass(frozen=True)
class Option:
    name: str
    kind: type = str
    default: Any = None
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    label: str = ""
    strict_choices: bool = True  # False: choices are suggestions, `check` decides
    check: Callable[[Any], str | None] | None = None
    legacy: bool = False

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def allowed(self) -> str:
        """Human text for the allowed values, used in every error message."""
        if self.choices and self.strict_choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        parts = []
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{self.kind.__name__} from {self.minimum:g} to {self.maximum:g}")
        elif self.choices:
            parts.append("e.g. " + ", ".join(str(c) for c in self.choices))
        else:
            parts.append(f"a {self.kind.__name__}")
        return "; ".join(parts)

    def validate(self, value: Any, where: str = "") -> Any:
        """The value as it goes on the wire, or a field-named InvalidOptionsError: never another exception."""
        try:
            value, problem = self.judge(value)
        except Exception:  # a check that trips over an odd value still names the field
            problem = ""
        if problem is not None:
            raise self.error(value, where, problem or None)
        return value

    def judge(self, value: Any) -> tuple[Any, str | None]:
        """(wire value, None) when accepted; (value, "" or a specific problem) when not."""
        if self.choices and self.strict_choices:
            ok = any(type(value) is type(choice) and value == choice for choice in self.choices)
            return value, None if ok else ""
        if not same_type(value, self.kind):
            return value, ""
        if isinstance(value, str) and not encodable(value):
            return value, "it contains a character that is not valid Unicode (a lone surrogate); retype it"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                return value, ""
            if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                return value, ""
            if isinstance(value, int) and abs(value) >= 2**63:  # no bound declared: keep it JSON- and SDK-safe
                return value, ""
            if self.kind is float:
                value = float(value)
        if self.check is not None and (problem := self.check(value)):
            return value, problem
        return value, None

    def error(self, value: Any, where: str, problem: str | None = None) -> InvalidOptionsError:
        prefix = f"{where}: " if where else ""
        detail = f"{problem}; allowed: {self.allowed()}" if problem else f"allowed: {self.allowed()}"
        return InvalidOptionsError(
            f"{prefix}option '{self.name}' = {shown(value)} is not accepted; {detail}.",
            field=self.name, allowed=self.allowed(),
        )


@dataclass(frozen=True)
class Model:
    id: str
    label: str
    options: tuple[Option, ...]
    legacy: bool = False
    max_prompt_chars: int | None = None
    negative_prompt: bool = False  # the provider has a native negative prompt
    seed: bool = False  # the provider accepts a seed
    help: str = ""
    checks: tuple[CrossCheck, ...] = ()
    # Lifecycle (providers.md, "Status in late 2026"): "active"; "deprecated" (works until `status_date`, warns);
    # "retired" (calls fail since `status_date`: hidden from the picker, refused before any request).
    status: str = "active"
    status_date: str | None = None  # ISO date of the shutdown (deprecated) or of the retirement (retired)
    successor: str | None = None  # the model id to use instead

    @property
    def retired(self) -> bool:
        return self.status == "retired"

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def defaults(self) -> dict[str, Any]:
        """The options the provider documents a default for, at that default."""
        return {o.name: o.default for o in self.options if o.default is not None}

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)


@dataclass(frozen=True)
class Credential:
    env: str
    secrets_section: str
    secrets_key: str
    help: str = ""


@dataclass(frozen=True)
class Provider:
    id: str
    label: str
    models: tuple[Model, ...]
    # Options checked for type/range only when the model id is not in the catalog.
    generic_options: tuple[Option, ...] = ()
    credentials: tuple[Credential, ...] = ()
    help: str = ""
    default_model: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    def model(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.id == model_id), None)
