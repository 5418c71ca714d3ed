"""The building blocks of the catalog: Option, Model, Provider, Credential.

An option is declared once (type, default, allowed values or range, help text) and the same
declaration validates driver options and draws the Streamlit form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from imagegen.errors import InvalidOptionsError

# A rule across several options: gets the effective options, returns an error message or None.
CrossCheck = Callable[[dict[str, Any]], "str | None"]


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

    @cached_property
    def adapter(self) -> TypeAdapter:
        if self.choices and self.strict_choices:
            return TypeAdapter(Literal[self.choices])  # type: ignore[valid-type]
        if self.kind is bool:
            return TypeAdapter(Annotated[bool, Field(strict=True)])
        bounds = {}
        if self.minimum is not None:
            bounds["ge"] = self.minimum
        if self.maximum is not None:
            bounds["le"] = self.maximum
        strict = self.kind is int  # 7.5 must not become 7 silently
        return TypeAdapter(Annotated[self.kind, Field(strict=strict, **bounds)])

    def validate(self, value: Any, where: str = "") -> Any:
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        try:
            value = self.adapter.validate_python(value)
        except ValidationError:
            raise self.error(value, where) from None
        if self.check is not None and (problem := self.check(value)):
            raise self.error(value, where, problem)
        return value

    def error(self, value: Any, where: str, problem: str | None = None) -> InvalidOptionsError:
        prefix = f"{where}: " if where else ""
        detail = problem or f"allowed: {self.allowed()}"
        return InvalidOptionsError(
            f"{prefix}option '{self.name}' = {value!r} is not accepted; {detail}.",
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

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

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
