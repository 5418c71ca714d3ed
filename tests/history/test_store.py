"""Runs, generations, images and the rule set library through the public HistoryStore API."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from PIL import Image

from imagegen.history import GenerationRecord, HistoryStore, RunDetail
from imagegen.rules import Rule, Ruleset

from .helpers import artifact, record

RULESETS = [{"name": "style", "rules": ["watercolor", "soft light"]}]
NEGATIVE = [{"name": "avoid", "rules": ["blurry"]}]


def test_round_trip_of_a_run_with_images_and_a_failed_slot(store: HistoryStore):
    png, jpeg, webp = artifact("png", seed=1), artifact("jpeg", seed=2), artifact("webp", seed=3)
    run_id = store.create_run("a fox", RULESETS, NEGATIVE, notes="first try")
    ids = [
        store.add_generation(run_id, record(0, seed=7, revised_prompt="A red fox.", latency_ms=812.5,
                                            cost_usd=0.04, warnings=["seed is ignored"]), png),
        store.add_generation(run_id, record(2, provider="bedrock", model="titan", emulated=True), webp),
        store.add_generation(run_id, record(1, provider="leonardo", model="phoenix"), jpeg),
        store.add_generation(run_id, record(3, status="error", provider="azure", model="dall-e-3")),
    ]
    assert len(set(ids)) == 4

    run = store.get_run(run_id)
    assert isinstance(run, RunDetail)
    assert (run.prompt, run.rulesets, run.negative_rulesets, run.notes) == ("a fox", RULESETS, NEGATIVE, "first try")
    assert run.created_at.tzinfo is not None and run.created_at.utcoffset() == timedelta(0)
    assert [g.position for g in run.generations] == [0, 1, 2, 3]
    assert [g.provider for g in run.generations] == ["openai", "leonardo", "bedrock", "azure"]

    first = run.generations[0]
    assert first.requested_options == {"size": "1024x1024", "quality": "high"}
    assert first.effective_options["output_format"] == "png"
    assert (first.prompt, first.negative_prompt, first.seed) == ("a fox, watercolor", "blurry", 7)
    assert (first.revised_prompt, first.latency_ms, first.cost_usd) == ("A red fox.", 812.5, 0.04)
    assert first.warnings == ["seed is ignored"] and first.status == "ok" and first.error_kind is None
    assert run.generations[2].emulated is True and first.emulated is False

    for generation, source in zip(run.generations[:3], (png, jpeg, webp), strict=True):
        (image,) = generation.images
        assert generation.image == image
        assert (image.format, image.mime_type) == (source.format, source.mime_type)
        assert (image.width, image.height, image.byte_size) == (64, 48, len(source.value))
        assert image.sha256 == source.sha256
        assert store.image_bytes(image) == source.value  # exactly as received, never re-encoded
        assert store.image_path(image).read_bytes() == source.value
        extension = {"png": "png", "jpeg": "jpg", "webp": "webp"}[source.format]
        assert store.image_path(image).name == f"{source.sha256}.{extension}"
        thumb = store.thumbnail_bytes(image)
        with Image.open(io.BytesIO(thumb)) as opened:
            assert opened.format == "JPEG" and opened.mode == "RGB" and max(opened.size) <= 256

    failed = run.generations[3]
    assert failed.status == "error" and failed.images == [] and failed.image is None
    assert (failed.error_kind, failed.error_message) == ("rate_limit", "Too many requests; try again in a minute.")
    assert store.check().ok


def test_a_large_image_gets_a_small_thumbnail(store):
    big = artifact("png", noise=True, size=(1024, 512))
    run_id = store.create_run("noise", [], [])
    store.add_generation(run_id, record(0), big)
    (image,) = store.get_run(run_id).generations[0].images
    thumb = store.thumbnail_bytes(image)
    with Image.open(io.BytesIO(thumb)) as opened:
        assert opened.size == (256, 128)
    assert len(thumb) < len(big.value) / 5
    assert store.image_bytes(image) == big.value


def test_transparent_images_get_rgb_thumbnails(store):
    transparent = artifact("png", mode="RGBA", seed=4)
    run_id = store.create_run("alpha", [], [])
    store.add_generation(run_id, record(0), transparent)
    (image,) = store.get_run(run_id).generations[0].images
    with Image.open(io.BytesIO(store.thumbnail_bytes(image))) as opened:
        assert opened.mode == "RGB"


def test_from_artifact_takes_the_drivers_meta():
    source = artifact("png", seed=9)
    rec = GenerationRecord.from_artifact(source, position=2, requested_options={"size": "64x48"}, cost_usd=0.01)
    assert (rec.provider, rec.model, rec.prompt, rec.seed, rec.status) == ("local", "procedural", "a fox #9", 9, "ok")
    assert rec.effective_options == {"size": "64x48"} and rec.warnings == ("snapped size",)
    assert (rec.latency_ms, rec.emulated, rec.cost_usd, rec.position) == (12.5, True, 0.01, 2)


def test_listing_is_newest_first_with_counts(store):
    ids = [store.create_run(f"prompt {i}", [], []) for i in range(5)]
    store.add_generation(ids[1], record(0), artifact(seed=11))
    store.add_generation(ids[1], record(1, status="error", cost_usd=None))
    store.add_generation(ids[1], record(2, status="filtered", error_kind="content_policy", cost_usd=0.5))
    store.add_generation(ids[1], record(3, cost_usd=0.25, provider="leonardo"), artifact(seed=12))

    assert store.count_runs() == 5
    assert [s.id for s in store.list_runs()] == ids[::-1]
    assert [s.id for s in store.list_runs(limit=2, offset=1)] == [ids[3], ids[2]]
    assert store.list_runs(limit=2, offset=5) == []
    summary = next(s for s in store.list_runs() if s.id == ids[1])
    assert summary.generation_count == 4 and summary.image_count == 2
    assert summary.statuses == {"ok": 2, "error": 1, "filtered": 1}
    assert summary.providers == ["openai", "openai", "openai", "leonardo"]
    assert summary.cost_usd == pytest.approx(0.75)
    assert summary.cover is not None and summary.cover.sha256 == artifact(seed=11).sha256
    empty = next(s for s in store.list_runs() if s.id == ids[0])
    assert (empty.generation_count, empty.statuses, empty.cover, empty.cost_usd) == (0, {}, None, None)
    assert summary.created_at.tzinfo == UTC


def test_runs_are_append_only(store):
    first = store.create_run("same prompt", RULESETS, NEGATIVE)
    second = store.create_run("same prompt", RULESETS, NEGATIVE)
    assert first != second and store.count_runs() == 2


def test_ruleset_objects_are_accepted(store):
    run_id = store.create_run("fox", [Ruleset("style", [Rule("watercolor"), "ink"])], [Ruleset("avoid", ["blurry"])])
    run = store.get_run(run_id)
    assert run.rulesets == [{"name": "style", "rules": ["watercolor", "ink"]}]
    assert run.negative_rulesets == [{"name": "avoid", "rules": ["blurry"]}]


def test_get_run_of_an_unknown_id_is_none(store):
    assert store.get_run(12345) is None


def test_ruleset_library_save_update_list_delete(store):
    style = store.save_ruleset("style", ["watercolor"], negative=False)
    avoid = store.save_ruleset("style", ["photo"], negative=True)  # same name, other polarity: its own entry
    other = store.save_ruleset("Alpha", ["ink"], negative=False)
    assert len({style, avoid, other}) == 3
    before = {r.id: r for r in store.list_rulesets()}

    assert store.save_ruleset("style", ["watercolor", "  ", "pastel"], negative=False) == style  # updates
    saved = {r.id: r for r in store.list_rulesets()}
    assert saved[style].rules == ["watercolor", "pastel"]
    assert saved[style].created_at == before[style].created_at
    assert saved[style].updated_at >= before[style].updated_at
    assert [r.name for r in store.list_rulesets()] == ["Alpha", "style", "style"]
    assert [r.id for r in store.list_rulesets(negative=True)] == [avoid]
    assert {r.id for r in store.list_rulesets(negative=False)} == {style, other}

    store.delete_ruleset(style)
    store.delete_ruleset(style)  # already gone: nothing happens
    assert {r.id for r in store.list_rulesets()} == {avoid, other}


def test_delete_run_keeps_files_another_run_still_uses(store):
    shared, own = artifact(seed=21), artifact(seed=22)
    keep = store.create_run("keep", [], [])
    drop = store.create_run("drop", [], [])
    store.add_generation(keep, record(0), shared)
    store.add_generation(drop, record(0), shared)
    store.add_generation(drop, record(1), own)
    store.add_generation(drop, record(2, status="error"))
    drop_images = [g.image for g in store.get_run(drop).generations if g.image]
    shared_image = store.get_run(keep).generations[0].image
    assert shared_image.storage_key == drop_images[0].storage_key

    store.delete_run(drop)
    assert store.get_run(drop) is None and store.count_runs() == 1
    assert store.image_bytes(shared_image) == shared.value
    assert store.image_path(shared_image).with_suffix(".thumb.jpg").exists()
    assert not store.image_path(drop_images[1]).exists()
    assert not (store.data_dir / drop_images[1].thumbnail_key).exists()
    with pytest.raises(FileNotFoundError, match="check"):
        store.image_bytes(drop_images[1])
    with store.engine.connect() as connection:  # the database cascaded generations and images
        assert connection.exec_driver_sql("SELECT count(*) FROM generations").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM images").scalar() == 1
    assert store.check().ok

    store.delete_run(keep)
    assert not store.image_path(shared_image).exists() and store.check().ok
    store.delete_run(keep)  # already gone: nothing happens


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "done"}, "status"),
        ({"position": -1}, "position"),
        ({"position": "0"}, "position"),
        ({"provider": None}, "provider"),
        ({"requested_options": ["size"]}, "requested_options"),
        ({"effective_options": {"when": object()}}, "effective_options"),
        ({"requested_options": {"api_key": "sk-test"}}, "requested_options"),
        ({"effective_options": {"headers": {"Authorization": "Bearer x"}}}, "effective_options"),
        ({"seed": 1.5}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"latency_ms": float("nan")}, "latency_ms"),
        ({"cost_usd": "0.04"}, "cost_usd"),
        ({"error_kind": "rate_limit"}, "error_kind"),
        ({"warnings": "one string"}, "warnings"),
        ({"emulated": "yes"}, "emulated"),
    ],
)
def test_invalid_generations_are_refused_naming_the_field(store, overrides, field):
    run_id = store.create_run("fox", [], [])
    with pytest.raises(ValueError, match=field):
        store.add_generation(run_id, record(**{"position": 0, **overrides}), artifact(seed=5))
    assert store.get_run(run_id).generations == []
    assert store.check().ok  # refused before any file was written


def test_invalid_runs_and_ids_are_refused(store):
    with pytest.raises(ValueError, match="prompt"):
        store.create_run(None, [], [])
    with pytest.raises(ValueError, match=r"rulesets\[0\].name"):
        store.create_run("fox", [{"rules": ["x"]}], [])
    with pytest.raises(ValueError, match="negative_rulesets"):
        store.create_run("fox", [], "blurry")
    with pytest.raises(ValueError, match="run_id"):
        store.add_generation(999, record(0))
    with pytest.raises(ValueError, match="run_id"):
        store.get_run("1")
    with pytest.raises(ValueError, match="limit"):
        store.list_runs(limit=-1)
    with pytest.raises(ValueError, match="name"):
        store.save_ruleset("  ", ["x"], negative=False)
    with pytest.raises(ValueError, match="negative"):
        store.save_ruleset("x", ["x"], negative="no")
    assert store.count_runs() == 0


def test_options_with_token_counts_are_not_mistaken_for_secrets(store):
    run_id = store.create_run("fox", [], [])
    store.add_generation(run_id, record(0, requested_options={"max_tokens": 5, "style_preset": "anime"}))
    assert store.get_run(run_id).generations[0].requested_options == {"max_tokens": 5, "style_preset": "anime"}
