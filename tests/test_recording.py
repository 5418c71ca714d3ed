"""Recording a compare run: the plan first, then each result; a result the history cannot take is never lost.
(tests/history/test_recording_saves.py runs the database-dependent cases on SQLite and PostgreSQL.)"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import create_engine

from imagegen import pricing, recording
from imagegen.compare import SlotResult
from imagegen.errors import ProviderError
from imagegen.history import HistoryStore, dispose_engines
from imagegen.recording import RecordingError
from imagegen.slots import SlotSpec
from tests.history.helpers import artifact

UNREACHABLE = "postgresql+psycopg://imagegen:s3cret-pw@127.0.0.1:9/imagegen"  # port 9 (discard): nobody listens


@pytest.fixture
def store(tmp_path):
    yield HistoryStore(database_url=f"sqlite:///{tmp_path / 'h.db'}", data_dir=tmp_path / "data")
    dispose_engines()


def slot_result(position: int = 0, options: dict | None = None, image: bool = True, **meta) -> SlotResult:
    spec = SlotSpec("local", "procedural", {"width": 64, "height": 48} if options is None else options)
    made = artifact(seed=position + 1) if image else None
    if made is not None:
        made.meta.update(meta)
    return SlotResult(position=position, spec=spec, artifact=made, error=None if made else ProviderError("boom"),
                      prompt="a fox, watercolor", negative_prompt="blurry", started_at=0.0, finished_at=0.5,
                      cost=pricing.Estimate(0.0, "free"), warnings=["snapped size"])


def unreachable(store: HistoryStore) -> None:
    """From now on the store's database cannot be reached (as when its server is down)."""
    engine = create_engine(UNREACHABLE, connect_args={"connect_timeout": 2})
    store._engine = store._writer = engine


def unsaved(store: HistoryStore) -> list[str]:
    folder = store.data_dir / recording.UNSAVED_DIR
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_result_is_saved(store):
    run_id = recording.start_run(store, "a fox", [], [], [SlotSpec("local", "procedural", {"width": 64})])
    result = slot_result()
    generation_id = recording.record(store, run_id, result)
    (generation,) = store.get_run(run_id).generations
    assert generation.id == generation_id and store.image_bytes(generation.image) == result.artifact.value
    assert generation.warnings == ["snapped size"] and unsaved(store) == []
    assert store.get_run(run_id).missing == []


def test_options_the_history_refuses_are_made_safe_and_saved_with_a_warning(store):
    """Before: ValueError, and the image was gone. Now: saved, with what changed said in the warnings."""
    run_id = recording.start_run(store, "a fox", [], [])
    options = {"width": 64, "when": date(2025, 1, 2), "tags": {"b"}, "api_key": "sk-live-123"}
    result = slot_result(options=options, seed=2**70)
    result.artifact.meta["options"] = {"width": 64, "scheduler": object(), "cfg": float("nan")}
    recording.record(store, run_id, result)
    (generation,) = store.get_run(run_id).generations
    assert generation.requested_options == {"width": 64, "when": "datetime.date(2025, 1, 2)", "tags": "{'b'}"}
    assert generation.effective_options["scheduler"].startswith("<object object at")
    assert generation.effective_options["cfg"] == "nan" and generation.seed is None
    assert store.image_bytes(generation.image) == result.artifact.value and unsaved(store) == []
    first, changes = generation.warnings
    assert first == "snapped size" and changes.startswith("Saved with changes: ")
    for part in ("requested_options.when was saved as text", "requested_options.api_key was left out (it looks like "
                 "a credential)", "effective_options.cfg", "seed 1180591620717411303424 was left out"):
        assert part in changes, part
    assert "sk-live-123" not in json.dumps(store.get_run(run_id).generations[0].__dict__, default=str)


def test_when_the_database_is_unreachable_the_image_is_kept(store):
    run_id = recording.start_run(store, "a fox", [], [])
    unreachable(store)
    result = slot_result(position=2)
    with pytest.raises(RecordingError) as caught:
        recording.record(store, run_id, result)
    error = caught.value
    assert error.rescued_path.parent == store.data_dir / "unsaved"
    assert error.rescued_path.name.startswith(f"run-{run_id}-position-2-") and error.rescued_path.suffix == ".png"
    assert error.rescued_path.read_bytes() == result.artifact.value
    assert error.sidecar_path == error.rescued_path.with_suffix(".json")
    assert str(error.rescued_path) in str(error) and "Slot 3 of run" in str(error)
    assert "could not be saved to the history (OperationalError" in str(error)
    details = json.loads(error.sidecar_path.read_text())
    assert (details["run_id"], details["position"], details["provider"], details["model"]) == (
        run_id, 2, "local", "procedural")
    assert (details["prompt"], details["negative_prompt"], details["image"]) == (
        "a fox, watercolor", "blurry", error.rescued_path.name)
    assert details["requested_options"] == {"width": 64, "height": 48}
    assert details["save_error"].startswith("OperationalError: ")
    assert "s3cret-pw" not in str(error) + error.sidecar_path.read_text()


def test_a_retry_that_still_fails_keeps_the_safe_record(store):
    run_id = recording.start_run(store, "a fox", [], [])
    unreachable(store)
    with pytest.raises(RecordingError) as caught:
        recording.record(store, run_id, slot_result(options={"when": date(2025, 1, 2), "secret": "x"}))
    details = json.loads(caught.value.sidecar_path.read_text())
    assert details["requested_options"] == {"when": "datetime.date(2025, 1, 2)"}
    assert "Saved with changes" in details["warnings"][-1] and '"x"' not in caught.value.sidecar_path.read_text()


def test_a_failed_slot_that_cannot_be_saved_keeps_its_details(store):
    run_id = recording.start_run(store, "a fox", [], [])
    unreachable(store)
    with pytest.raises(RecordingError) as caught:
        recording.record(store, run_id, slot_result(image=False))
    assert caught.value.rescued_path == caught.value.sidecar_path
    details = json.loads(caught.value.sidecar_path.read_text())
    assert (details["status"], details["error_kind"], details["error_message"], details["image"]) == (
        "error", "provider", "boom", None)
    assert "its details were kept at" in str(caught.value)


def test_without_a_writable_data_dir_the_image_goes_to_the_temp_dir(store, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (store.data_dir / "unsaved").write_text("a file where the folder should be")
    unreachable(store)
    result = slot_result()
    with pytest.raises(RecordingError) as caught:
        recording.record(store, 1, result)
    assert caught.value.rescued_path.parent == tmp_path / "tmp" / "imagegen-unsaved"
    assert caught.value.rescued_path.read_bytes() == result.artifact.value

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "no-such-dir" / "file"))
    (tmp_path / "no-such-dir").write_text("not a folder")
    with pytest.raises(RecordingError, match="nor kept") as caught:
        recording.record(store, 1, result)
    assert caught.value.rescued_path is None and caught.value.sidecar_path is None


def test_a_record_refused_for_a_reason_safe_record_cannot_fix_is_kept_at_once(store, monkeypatch):
    calls = []

    def refuse(run_id, record, artifact=None):
        calls.append(record)
        raise ValueError("run_id 999 does not exist")

    monkeypatch.setattr(store, "add_generation", refuse)
    with pytest.raises(RecordingError, match="ValueError: run_id 999 does not exist") as caught:
        recording.record(store, 999, slot_result())
    assert len(calls) == 1 and caught.value.rescued_path.exists()


def test_planned_slots_are_made_safe(store):
    specs = [SlotSpec("openai", "gpt-image-1", {"size": "1024x1024", "api_key": "sk-1", "when": date(2025, 1, 2)})]
    run = store.get_run(recording.start_run(store, "a fox", [], [], specs))
    assert run.planned == [{"position": 0, "provider": "openai", "model": "gpt-image-1",
                            "options": {"size": "1024x1024", "when": "datetime.date(2025, 1, 2)"}}]


def test_json_safe_and_safe_record_leave_good_values_alone():
    notes: list[str] = []
    value = {"a": [1, 2.5, "x", None, True, {"b": "c"}], 3: "int key"}
    assert recording.json_safe(value, notes) == {"a": [1, 2.5, "x", None, True, {"b": "c"}], "3": "int key"}
    assert notes == []
    good = recording.to_record(slot_result())
    assert recording.safe_record(good) == (good, [])
    assert recording.json_safe({"k\x00": "a\x00b"}, notes) == {"k": "ab"} and len(notes) == 2
