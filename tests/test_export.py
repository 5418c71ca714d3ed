"""ZIP export: image files with provenance, manifests that match the history, filtered selections."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from PIL import Image

from imagegen import provenance
from imagegen.drivers import OpenAiImageGenerationDriver
from imagegen.export import export_filtered, export_zip, filtered_run_ids, provenance_info
from imagegen.history import HistoryStore, RunFilter, dispose_engines
from imagegen.history.records import GenerationRecord
from tests.history.helpers import artifact, record


@pytest.fixture
def store(tmp_path):
    yield HistoryStore(database_url=f"sqlite:///{tmp_path / 'h.db'}", data_dir=tmp_path / "data")
    dispose_engines()


@pytest.fixture
def runs(store):
    """Run 1: openai PNG, a failed azure slot, bedrock JPEG; run 2: an emulated leonardo WEBP."""
    first = store.create_run("a red fox", [{"name": "style", "rules": ["watercolor"]}],
                             [{"name": "avoid", "rules": ["blurry"]}])
    store.add_generation(first, record(0, seed=11, cost_usd=0.04, latency_ms=800.0), artifact("png", seed=1))
    store.add_generation(first, record(1, status="error", provider="azure", model="dall-e-3"))
    store.add_generation(first, record(2, provider="bedrock", model="amazon.titan-image-generator-v1:0",
                                       effective_options={"steps": 30, "cfg_scale": 7, "width": 64, "height": 48}),
                         artifact("jpeg", seed=2))
    second = store.create_run("an owl", [], [])
    store.add_generation(second, record(0, provider="leonardo", model="phoenix", prompt="an owl", emulated=True),
                         artifact("webp", seed=3))
    return first, second


def test_zip_holds_images_with_provenance_and_both_manifests(store, runs):
    first, second = runs
    archive = zipfile.ZipFile(io.BytesIO(export_zip(store, [second, first])))
    assert archive.namelist() == [
        f"run-{first}/0-openai-gpt-image-1.png", f"run-{first}/2-bedrock-amazon.titan-image-generator-v1_0.jpg",
        f"run-{second}/0-leonardo-phoenix.webp", "manifest.json", "manifest.csv"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "imagegen-export" and manifest["missing_run_ids"] == []
    assert [run["id"] for run in manifest["runs"]] == [first, second]
    run = manifest["runs"][0]
    assert (run["prompt"], run["rulesets"], run["negative_rulesets"]) == (
        "a red fox", [{"name": "style", "rules": ["watercolor"]}], [{"name": "avoid", "rules": ["blurry"]}])
    ok, failed, titan = run["generations"]
    assert (failed["status"], failed["error_kind"], failed["images"]) == ("error", "rate_limit", [])
    assert failed["error_message"].startswith("Too many requests")
    assert (ok["seed"], ok["cost_usd"], ok["latency_ms"], ok["emulated"]) == (11, 0.04, 800.0, False)
    assert ok["requested_options"] == {"size": "1024x1024", "quality": "high"}
    assert titan["effective_options"]["steps"] == 30
    assert manifest["runs"][1]["generations"][0]["emulated"] is True

    stored = {g.id: g for g in store.get_run(first).generations + store.get_run(second).generations}
    for run_id, generation in ((first, ok), (first, titan), (second, manifest["runs"][1]["generations"][0])):
        (image,) = generation["images"]
        original = store.image_bytes(stored[generation["id"]].image)
        zipped = archive.read(image["file"])
        assert image["provenance_embedded"] is True and zipped != original
        assert (image["stored_sha256"], image["stored_byte_size"]) == (hashlib.sha256(original).hexdigest(),
                                                                       len(original))
        assert (image["file_sha256"], image["file_byte_size"]) == (hashlib.sha256(zipped).hexdigest(), len(zipped))
        assert "sha256" not in image and "byte_size" not in image  # version 1's names, renamed
        with Image.open(io.BytesIO(zipped)) as a, Image.open(io.BytesIO(original)) as b:
            assert a.tobytes() == b.tobytes()
        embedded = provenance.read(zipped)["imagegen"]
        assert (embedded["generation_id"], embedded["run_id"]) == (generation["id"], run_id)
    with Image.open(io.BytesIO(archive.read(ok["images"][0]["file"]))) as png:
        assert png.info["parameters"].startswith("a fox, watercolor\nNegative prompt: blurry\n")
    assert "Steps: 30, CFG scale: 7, Size: 64x48" in provenance.read(archive.read(titan["images"][0]["file"]))[
        "parameters"]

    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [(int(r["run_id"]), r["position"], r["status"], r["file"]) for r in rows] == [
        (first, "0", "ok", ok["images"][0]["file"]), (first, "1", "error", ""),
        (first, "2", "ok", titan["images"][0]["file"]), (second, "0", "ok", f"run-{second}/0-leonardo-phoenix.webp")]
    assert json.loads(rows[0]["effective_options"]) == ok["effective_options"]
    assert json.loads(rows[0]["rulesets"]) == run["rulesets"]
    for key in ("stored_sha256", "stored_byte_size", "file_sha256", "file_byte_size"):
        assert rows[0][key] == str(ok["images"][0][key]) and rows[1][key] == "", key
    assert rows[0]["file_sha256"] == hashlib.sha256(archive.read(rows[0]["file"])).hexdigest()
    assert rows[1]["error_kind"] == "rate_limit" and manifest["version"] == 2


def test_the_same_runs_give_the_same_zip(store, runs):
    first, second = runs
    assert export_zip(store, [first, second]) == export_zip(store, [second, first, first])
    archive = zipfile.ZipFile(io.BytesIO(export_zip(store, [first, 999])))
    assert json.loads(archive.read("manifest.json"))["missing_run_ids"] == [999]
    assert all(name.startswith(f"run-{first}/") for name in archive.namelist()[:-2])


def test_missing_files_and_empty_runs_are_listed_without_files(store, runs):
    first, _ = runs
    empty = store.create_run("nothing yet", [], [])
    store.image_path(store.get_run(first).generations[0].image).unlink()
    archive = zipfile.ZipFile(io.BytesIO(export_zip(store, [first, empty])))
    manifest = json.loads(archive.read("manifest.json"))
    (image,) = manifest["runs"][0]["generations"][0]["images"]
    assert image["missing"] is True and image["file"] is None
    assert image["file_sha256"] is None and image["file_byte_size"] is None
    assert image["stored_sha256"] == store.get_run(first).generations[0].image.sha256
    assert len(archive.namelist()) == 3  # the JPEG and the manifests
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [(r["run_id"], r["generation_id"]) for r in rows][-1] == (str(empty), "")


def test_an_image_without_provenance_has_equal_checksums(store, runs, monkeypatch):
    """When provenance cannot be embedded the ZIP holds the stored bytes, and both checksums say so."""
    first, _ = runs

    def refuse(*_args):
        raise ValueError("cannot parse")

    monkeypatch.setattr(provenance, "embed", refuse)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(store, [first])))
    (image,) = json.loads(archive.read("manifest.json"))["runs"][0]["generations"][0]["images"]
    zipped = archive.read(image["file"])
    assert image["provenance_embedded"] is False
    assert zipped == store.image_bytes(store.get_run(first).generations[0].image)
    assert image["file_sha256"] == image["stored_sha256"] == hashlib.sha256(zipped).hexdigest()
    assert image["file_byte_size"] == image["stored_byte_size"] == len(zipped)


def test_export_of_a_filtered_selection(store, runs):
    first, second = runs
    names = zipfile.ZipFile(io.BytesIO(export_filtered(store, RunFilter(providers=("leonardo",))))).namelist()
    assert names == [f"run-{second}/0-leonardo-phoenix.webp", "manifest.json", "manifest.csv"]
    errors = zipfile.ZipFile(io.BytesIO(export_filtered(store, RunFilter(statuses=("error",)))))
    assert [run["id"] for run in json.loads(errors.read("manifest.json"))["runs"]] == [first]
    assert filtered_run_ids(store, None, max_runs=1) == [second]  # the newest
    with pytest.raises(ValueError):
        filtered_run_ids(store, None, max_runs=0)


def test_provenance_info_comes_from_the_history_views(store, runs):
    first, _ = runs
    run = store.get_run(first)
    info = provenance_info(run, run.generations[0])
    assert info == {
        "prompt": "a fox, watercolor", "negative_prompt": "blurry", "provider": "openai", "model": "gpt-image-1",
        "options": {"size": "1024x1024", "quality": "high", "output_format": "png"}, "seed": 11,
        "revised_prompt": None, "run_id": first, "generation_id": run.generations[0].id,
        "created_at": run.generations[0].created_at.isoformat(), "emulated": False}
    json.dumps(info)


def test_an_animated_gif_goes_from_the_emulator_through_the_history_into_the_export(store, emulator):
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", api_key="sk-gif-test-0000",
                                         base_url=emulator.openai_base_url, image_size="256x256",
                                         output_format="gif", frame_count=3, frame_duration_ms=150)
    artifact = driver.run_text_to_image(["a red fox running"])
    assert (artifact.format, artifact.mime_type, artifact.width, artifact.height) == ("gif", "image/gif", 256, 256)
    assert artifact.name.endswith(".gif")
    run_id = store.create_run("a red fox running", [], [])
    store.add_generation(run_id, GenerationRecord.from_artifact(artifact, position=0, requested_options={
        "size": "256x256", "output_format": "gif", "frame_count": 3}), artifact)
    [generation] = store.get_run(run_id).generations
    image = generation.image
    assert (image.format, image.mime_type) == ("gif", "image/gif") and image.storage_key.endswith(".gif")
    assert store.image_bytes(image) == artifact.value  # stored as received: every frame
    with Image.open(io.BytesIO(store.thumbnail_bytes(image))) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (256, 256))  # the first frame
    archive = zipfile.ZipFile(io.BytesIO(export_zip(store, [run_id])))
    [entry] = json.loads(archive.read("manifest.json"))["runs"][0]["generations"][0]["images"]
    exported = archive.read(entry["file"])
    assert entry["file"].endswith(".gif") and entry["provenance_embedded"] is True
    assert provenance.read(exported)["imagegen"]["model"] == "gpt-image-2"
    with Image.open(io.BytesIO(exported)) as gif, Image.open(io.BytesIO(artifact.value)) as original:
        assert (gif.n_frames, gif.info["duration"]) == (original.n_frames, 150) == (3, 150)
