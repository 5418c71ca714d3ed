"""Rules and rule sets: short instructions added to a prompt (positive) or to the negative prompt."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Ruleset:
    name: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def __init__(self, name: str, rules: Iterable[Rule | str] = ()):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "rules", tuple(r if isinstance(r, Rule) else Rule(str(r)) for r in rules))

    @property
    def values(self) -> list[str]:
        return [rule.value for rule in self.rules]
