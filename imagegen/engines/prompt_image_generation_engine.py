"""Turns prompts plus rule sets into the positive and negative lists a driver encodes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from imagegen.artifacts import ImageArtifact
from imagegen.rules import Ruleset


def compose(prompts: Iterable[str] | str | None, rulesets: Iterable[Sequence[Ruleset]]) -> list[str]:
    """Prompts first, then every rule of every rule set in order; blanks dropped, duplicates removed.

    Entries are stripped; an exact duplicate (after stripping) keeps its first position.
    The caller's lists are read, never mutated.
    """
    if isinstance(prompts, str):
        prompts = [prompts]
    items: list[str] = list(prompts or [])
    for group in rulesets:
        for ruleset in group or ():
            items.extend(ruleset.values)
    seen: set[str] = set()
    result = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.add(text)
            result.append(text)
    return result


class PromptImageGenerationEngine:
    """Composes prompts and rule sets, then asks its driver for one image."""

    def __init__(self, image_generation_driver, rulesets: Sequence[Ruleset] | None = None,
                 negative_rulesets: Sequence[Ruleset] | None = None):
        self.image_generation_driver = image_generation_driver
        self.rulesets = list(rulesets or [])
        self.negative_rulesets = list(negative_rulesets or [])

    def compose(self, prompts, negative_prompts=None, rulesets=None, negative_rulesets=None):
        positive = compose(prompts, [self.rulesets, rulesets or []])
        negative = compose(negative_prompts, [self.negative_rulesets, negative_rulesets or []])
        return positive, negative

    def run(self, prompts: Sequence[str] | str, negative_prompts: Sequence[str] | None = None,
            rulesets: Sequence[Ruleset] | None = None,
            negative_rulesets: Sequence[Ruleset] | None = None) -> ImageArtifact:
        positive, negative = self.compose(prompts, negative_prompts, rulesets, negative_rulesets)
        return self.image_generation_driver.run_text_to_image(prompts=positive, negative_prompts=negative)
