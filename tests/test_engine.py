import pytest

from imagegen.engines import PromptImageGenerationEngine
from imagegen.rules import Rule, Ruleset


class RecordingDriver:
    def __init__(self):
        self.calls = []

    def run_text_to_image(self, prompts, negative_prompts=None):
        self.calls.append((prompts, negative_prompts))
        return "artifact"


@pytest.fixture
def driver():
    return RecordingDriver()


def test_prompts_then_engine_rules_then_call_rules_in_order(driver):
    engine = PromptImageGenerationEngine(
        driver,
        rulesets=[Ruleset("a", [Rule("engine one"), Rule("engine two")]), Ruleset("b", [Rule("engine three")])],
        negative_rulesets=[Ruleset("n", [Rule("blurry")])],
    )
    result = engine.run(
        ["a dog", "on a skateboard"],
        negative_prompts=["text"],
        rulesets=[Ruleset("c", [Rule("call one")])],
        negative_rulesets=[Ruleset("m", [Rule("watermark")])],
    )
    assert result == "artifact"
    assert driver.calls == [(
        ["a dog", "on a skateboard", "engine one", "engine two", "engine three", "call one"],
        ["text", "blurry", "watermark"],
    )]


def test_blanks_dropped_and_exact_duplicates_removed_first_kept(driver):
    engine = PromptImageGenerationEngine(driver, rulesets=[Ruleset("s", ["watercolor", "  ", "a dog"])])
    engine.run(["a dog", "", "   ", "watercolor"], negative_prompts=["", "blurry", "blurry "],
               rulesets=[Ruleset("t", ["Watercolor", "watercolor"])])
    positives, negatives = driver.calls[0]
    assert positives == ["a dog", "watercolor", "Watercolor"]  # case differs: not an exact duplicate
    assert negatives == ["blurry"]


def test_callers_lists_and_rulesets_are_not_mutated(driver):
    prompts = ["a cat", "a cat", ""]
    negatives = ["dark"]
    call_rules = [Ruleset("x", ["bright"])]
    engine_rules = [Ruleset("e", ["sharp"])]
    engine = PromptImageGenerationEngine(driver, rulesets=engine_rules)
    engine.run(prompts, negative_prompts=negatives, rulesets=call_rules)
    engine.run(prompts, negative_prompts=negatives, rulesets=call_rules)
    assert prompts == ["a cat", "a cat", ""]
    assert negatives == ["dark"]
    assert [r.values for r in call_rules] == [["bright"]]
    assert [r.values for r in engine.rulesets] == [["sharp"]]
    assert driver.calls[0] == driver.calls[1] == (["a cat", "sharp", "bright"], ["dark"])


def test_single_string_prompt_and_no_negatives(driver):
    PromptImageGenerationEngine(driver).run("a fox")
    assert driver.calls == [(["a fox"], [])]


def test_rules_accept_strings_and_rule_objects():
    ruleset = Ruleset("mixed", [Rule("one"), "two"])
    assert ruleset.values == ["one", "two"]
    assert all(isinstance(rule, Rule) for rule in ruleset.rules)
