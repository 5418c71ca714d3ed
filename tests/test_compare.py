"""imagegen.compare: slots run concurrently against the emulator; one failure does not affect others."""

import time

import pytest

from imagegen import compare, pricing
from imagegen.drivers import LocalImageGenerationDriver, OpenAiImageGenerationDriver
from imagegen.errors import ContentPolicyError, GenerationTimeoutError, InvalidOptionsError
from imagegen.rules import Ruleset
from imagegen.slots import SlotSpec, build_driver


def slots(emulator, specs):
    return [compare.Slot(spec, build_driver(spec, emulator.url)) for spec in specs]


SPECS = [
    SlotSpec("openai", "gpt-image-2", {"quality": "low"}),
    SlotSpec("azure", "gpt-image-2", {"quality": "low"}),
    SlotSpec("bedrock", "stability.stable-image-core-v1:1", {"aspect_ratio": "1:1"}),
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
    specs = [SlotSpec("openai", "gpt-image-2", {}), SlotSpec("local", "procedural-v1", {"seed": 3}), SPECS[2]]
    results = {r.position: r for r in compare.run(slots(emulator, specs), ["a fox"], ["red"])}
    assert isinstance(results[0].error, ContentPolicyError) and results[0].status == "error"
    assert results[0].prompt == "a fox" and results[0].cost.usd == 0
    assert results[1].status == "ok" and results[1].artifact.meta["seed"] == 3
    assert results[2].status == "ok"
    assert results[1].cost.label() == "free"


def test_results_carry_composed_prompts_cost_and_warnings(emulator):
    specs = [SlotSpec("openai", "gpt-image-2", {"quality": "high", "size": "1024x1024"})]
    [result] = compare.run(slots(emulator, specs), ["a cat"], rulesets=[Ruleset("style", ["watercolor"])],
                           negative_rulesets=[Ruleset("avoid", ["text"])])
    assert result.prompt == "a cat, watercolor. Avoid: text"
    assert result.negative_prompt == "text"
    assert result.cost.usd == pricing.actual("openai", "gpt-image-2", result.effective_options,
                                             result.artifact.meta).usd > 0
    assert any("Avoid: text" in w for w in result.warnings)
    assert result.effective_options["quality"] == "high"


def test_a_slot_past_the_timeout_is_reported_and_does_not_hold_others(emulator):
    emulator.inject("openai", "latency", seconds=3, count=1)
    specs = [SlotSpec("openai", "gpt-image-2", {}), SlotSpec("local", "procedural-v1", {})]
    results = {r.position: r for r in compare.run(slots(emulator, specs), ["a boat"], timeout=0.8)}
    assert isinstance(results[0].error, GenerationTimeoutError)
    assert results[1].status == "ok"


def test_check_validates_every_slot_without_sending(emulator):
    with pytest.raises(InvalidOptionsError, match="quality"):  # a slot's options are checked when its driver is made
        build_driver(SlotSpec("openai", "gpt-image-2", {"quality": "hd"}), emulator.url)
    invalid = compare.Slot(SlotSpec("openai", "gpt-image-2", {"quality": "hd"}), OpenAiImageGenerationDriver(
        model="gpt-image-2", quality="hd", api_key="sk-test", base_url=emulator.openai_base_url))
    specs = [SlotSpec("local", "procedural-v1", {})]
    problems = compare.check([invalid, *slots(emulator, specs)], ["x"], [])
    assert [position for position, _ in problems] == [0]
    assert "quality" in str(problems[0][1])
    assert emulator.requests == []


def test_a_leonardo_slot_past_the_timeout_stops_polling_never_downloads_and_names_its_paid_job(emulator):
    emulator.leonardo_pending_polls = 0
    emulator.inject("leonardo", "latency", seconds=1.2, count=1)  # the job completes 1.2 s after its create
    [result] = compare.run(slots(emulator, [SPECS[3]]), ["a cat"], timeout=0.5)
    [generation_id] = emulator.leonardo_jobs
    message = str(result.error)
    assert isinstance(result.error, GenerationTimeoutError) and f"generation_id {generation_id}" in message
    assert "may already have been created and charged" in message and "do not simply retry" in message
    assert "generation history" in message and "Try again" not in message
    time.sleep(0.2)  # grace: a poll already on the wire may still land
    seen = len(emulator.requests)
    time.sleep(1.0)  # past the job's completion: a slot left running would poll on, then download the image
    # (only Leonardo's requests: an earlier test's slow OpenAI slot may still land in this window)
    assert [r for r in emulator.requests[seen:] if r.provider in ("leonardo", "files")] == []
    assert [r for r in emulator.requests if r.provider == "files"] == []


class StuckDriver(LocalImageGenerationDriver):
    """Any provider's slow call: reports `job` in flight (a paid job, when given), then waits until cancelled."""

    def __init__(self, job=None):
        super().__init__()
        self.job = job
        self.was_cancelled = False  # the event itself is cleared when the run ends (the driver is reusable)

    def cancel(self):
        self.was_cancelled = True
        super().cancel()

    def send(self, request):
        self.in_flight = self.job
        self.cancelled.wait(10)
        raise GenerationTimeoutError("stopped")


def test_timed_out_slots_are_cancelled_and_a_job_in_flight_is_named():
    paid, plain = StuckDriver({"job_id": "job-42", "find": "in the provider's job list"}), StuckDriver()
    spec = SlotSpec("local", "procedural-v1", {})
    results = {r.position: r for r in compare.run([compare.Slot(spec, paid), compare.Slot(spec, plain)], ["a boat"],
                                                  timeout=0.3)}
    assert paid.was_cancelled and plain.was_cancelled
    assert str(results[0].error) == ("local took longer than 0.3 s; the other slots were not held up. It was stopped, "
                                     "but its job may already have been created and charged (job_id job-42): do not "
                                     "simply retry; look for it in the provider's job list.")
    assert str(results[1].error).endswith("Try again or raise the timeout.")


def test_slots_still_running_when_the_caller_stops_iterating_are_cancelled():
    stuck = StuckDriver()
    specs = SlotSpec("local", "procedural-v1", {"width": 64, "height": 64})
    results = compare.run([compare.Slot(specs, LocalImageGenerationDriver(64, 64)), compare.Slot(specs, stuck)],
                          ["a boat"])
    assert next(results).position == 0
    results.close()
    assert stuck.was_cancelled
