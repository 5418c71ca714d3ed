"""recording.record on both backends: what one database refuses is made safe and saved, never lost."""

from __future__ import annotations

from imagegen import pricing, recording
from imagegen.compare import SlotResult
from imagegen.slots import SlotSpec

from .helpers import artifact


def slot_result(position: int = 0, options: dict | None = None, prompt: str = "a fox") -> SlotResult:
    return SlotResult(position=position, spec=SlotSpec("local", "procedural", options or {"width": 64}),
                      artifact=artifact(seed=position + 1), error=None, prompt=prompt, negative_prompt="",
                      started_at=0.0, finished_at=0.1, cost=pricing.Estimate(0.0, "free"))


def test_values_the_history_refuses_are_saved_safely(store):
    run_id = recording.start_run(store, "a fox", [], [], [SlotSpec("local", "procedural", {}) for _ in range(2)])
    recording.record(store, run_id, slot_result(0, options={"width": 64, "sampler": object()}))
    # PostgreSQL stores no NUL character, in text or JSON; SQLite takes it as it is.
    result = slot_result(1, options={"note": "a\x00b"}, prompt="a fox\x00 cub")
    recording.record(store, run_id, result)
    run = store.get_run(run_id)
    first, second = run.generations
    assert first.requested_options["sampler"].startswith("<object object")
    assert "requested_options.sampler was saved as text" in first.warnings[-1]
    assert second.prompt.replace("\x00", "") == "a fox cub" and second.requested_options["note"].replace(
        "\x00", "") == "ab"
    if store.engine.dialect.name == "postgresql":
        assert "prompt lost its NUL characters" in second.warnings[-1]
    assert store.image_bytes(second.image) == result.artifact.value and run.missing == []
    assert not (store.data_dir / recording.UNSAVED_DIR).exists()
