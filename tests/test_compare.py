"""imagegen.compare: slots run concurrently against the emulator; one failure does not affect others."""

import pytest

from imagegen import compare
from imagegen.errors import ContentPolicyError, GenerationTimeoutError
from imagegen.rules import Ruleset
from imagegen.slots import SlotSpec, build_driver


def slots(emulator, specs):
    return [compare.Slot(spec, build_driver(spec, emulator.url)) for spec in specs]


SPECS = [
    SlotSpec("openai", "gpt-image-1", {"quality": "low"}),
    SlotSpec("azure", "dall-e-3", {}),
    SlotSpec("bedrock", "amazon.titan-image-generator-v1", {"width": 512, "height": 512}),
    SlotSpec("leonardo", "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3", {}),
]


def test_slots_overlap_in_time(emulator):
    for provider in ("openai", "azure", "bedrock", "leonardo"):
        emulator.inject(provider, "latency", seconds=0.6, count=1)
    results = list(compare.run(slots(emulator, SPECS), ["a lighthouse"]))
    assert sorted(r.position for r in results) == [0, 1, 2, 3]
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    latest_start = max(r.started_at for r in results)
    earliest_end = min(r.finished_at for r in results)
    assert latest_start < earliest_end  # every slot was running while every other one was
    assert all(r.artifact.meta["emulated"] for r in results)


def test_one_failing_slot_does_not_affect_the_others(emulator):
    emulator.inject("openai", "content_policy", count=1)
    specs = [SlotSpec("openai", "dall-e-3", {}), SlotSpec("local", "procedural-v1", {"seed": 3}), SPECS[2]]
    results = {r.position: r for r in compare.run(slots(emulator, specs), ["a fox"], ["red"])}
    assert isinstance(results[0].error, ContentPolicyError) and results[0].status == "error"
    assert results[0].prompt == "a fox" and results[0].cost.usd == 0
    assert results[1].status == "ok" and results[1].artifact.meta["seed"] == 3
    assert results[2].status == "ok"
    assert results[1].cost.label() == "free"


def test_results_carry_composed_prompts_cost_and_warnings(emulator):
    specs = [SlotSpec("openai", "dall-e-3", {"quality": "hd"})]
    [result] = compare.run(slots(emulator, specs), ["a cat"], rulesets=[Ruleset("style", ["watercolor"])],
                           negative_rulesets=[Ruleset("avoid", ["text"])])
    assert result.prompt == "a cat, watercolor. Avoid: text"
    assert result.negative_prompt == "text"
    assert result.cost.usd == pytest.approx(0.08)
    assert any("Avoid: text" in w for w in result.warnings)
    assert result.effective_options["quality"] == "hd"


def test_a_slot_past_the_timeout_is_reported_and_does_not_hold_others(emulator):
    emulator.inject("openai", "latency", seconds=3, count=1)
    specs = [SlotSpec("openai", "gpt-image-1", {}), SlotSpec("local", "procedural-v1", {})]
    results = {r.position: r for r in compare.run(slots(emulator, specs), ["a boat"], timeout=0.8)}
    assert isinstance(results[0].error, GenerationTimeoutError)
    assert results[1].status == "ok"


def test_check_validates_every_slot_without_sending(emulator):
    specs = [SlotSpec("openai", "dall-e-3", {"size": "512x512"}), SlotSpec("local", "procedural-v1", {})]
    problems = compare.check(slots(emulator, specs), ["x"], [])
    assert [position for position, _ in problems] == [0]
    assert "size" in str(problems[0][1])
    assert emulator.requests == []
