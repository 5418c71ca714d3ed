"""The Compare page through Streamlit's AppTest, with the built-in emulator and a temporary history."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from imagegen.history import HistoryStore
from imagegen.ui import state
from tests.shown import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CORE = "stability.stable-image-core-v1:1"


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def three_slots(at: AppTest) -> AppTest:
    """Local + OpenAI + Bedrock Stable Image Core, with a few options set."""
    at.button(key="btn.rm.3").click().run()  # drop the default Leonardo slot
    at.selectbox(key=state.option_key(0, "procedural-v1", "style_preset")).set_value("watercolor")
    at.number_input(key=state.option_key(0, "procedural-v1", "seed")).set_value(42)
    at.selectbox(key=state.option_key(1, "gpt-image-2", "quality")).set_value("low")
    at.selectbox(key=state.option_key(2, CORE, "aspect_ratio")).set_value("16:9")
    return at.run()


def test_generate_three_providers_shows_three_images_and_saves_them(data_dir):
    at = three_slots(open_app())
    assert "Estimated cost of this run" in " ".join(m.value for m in at.markdown)
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    assert not at.error, [shown(e.value) for e in at.error]
    assert len(at.get("image")) == 3
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "seed 42" in captions and "All 3 results" in captions

    store = HistoryStore(data_dir=str(data_dir))
    [summary] = store.list_runs()
    run = store.get_run(summary.id)
    assert run.prompt == state.DEFAULT_PROMPT
    assert [(g.provider, g.model, g.status) for g in run.generations] == [
        ("local", "procedural-v1", "ok"), ("openai", "gpt-image-2", "ok"), ("bedrock", CORE, "ok")]
    local, openai, core = run.generations
    assert local.seed == 42 and not local.emulated and openai.emulated and core.emulated
    assert local.requested_options["style_preset"] == "watercolor"
    assert core.effective_options["aspect_ratio"] == "16:9"
    assert run.rulesets == [{"name": "Style", "rules": ["storybook illustration"]}]
    for generation in run.generations:
        [image] = generation.images
        assert store.image_path(image).is_file()
        assert store.image_bytes(image)[:4] == b"\x89PNG"


def test_invalid_option_is_explained_and_nothing_is_saved(data_dir):
    at = three_slots(open_app())
    at.number_input(key=state.option_key(0, "procedural-v1", "width")).set_value(5000).run()
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "Slot 1" in errors and "'width' = 5000 is not accepted; allowed: int from 64 to 4096" in errors
    assert len(at.get("image")) == 0
    assert HistoryStore(data_dir=str(data_dir)).count_runs() == 0


def test_missing_credentials_are_named_when_emulation_is_off(data_dir):
    at = open_app()
    at.toggle(key="emulate").set_value(False).run()
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "OPENAI_API_KEY is not set" in warnings and "LEONARDO_API_KEY is not set" in warnings
    at.button(key="btn.generate").click().run()
    errors = " ".join(shown(e.value) for e in at.error)
    assert "Slot 2" in errors and "OPENAI_API_KEY" in errors and "turn on emulation" in errors
    assert HistoryStore(data_dir=str(data_dir)).count_runs() == 0


def test_slots_can_be_duplicated_and_settings_survive_reruns(data_dir):
    at = open_app()
    at.selectbox(key=state.option_key(1, "gpt-image-2", "quality")).set_value("high").run()
    at.button(key="btn.dup.1").click().run()
    ids = at.session_state["cmp.slot_ids"]
    assert len(ids) == 5 and ids[2] == 6  # ids 0-3 are the first slots, 4-5 the rule sets
    assert at.selectbox(key=state.option_key(6, "gpt-image-2", "quality")).value == "high"
    at.text_area(key="cmp.prompt").set_value("a blue whale").run()
    at.run()
    assert at.text_area(key="cmp.prompt").value == "a blue whale"


def test_rule_sets_can_be_saved_to_and_loaded_from_the_library(data_dir):
    at = open_app()
    at.button(key="btn.rs.save.neg.5").click().run()
    assert "Saved rule set 'Avoid'" in " ".join(shown(s.value) for s in at.success)
    at.button(key="btn.rs.load.neg").click().run()
    negatives = at.session_state["cmp.rs.neg.ids"]
    assert len(negatives) == 2
    assert at.text_area(key=state.ruleset_key("neg", negatives[1], "rules")).value == "blurry\ntext"


def test_a_failing_provider_shows_its_error_in_its_column_and_is_recorded(data_dir):
    from imagegen.ui.resources import get_emulator

    at = open_app()  # the default four slots, emulated
    get_emulator().inject("openai", "content_policy", count=1)
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    assert len(at.get("image")) == 3
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and "safety system rejected" in errors[0]
    store = HistoryStore(data_dir=str(data_dir))
    run = store.get_run(store.list_runs()[0].id)
    failed = run.generations[1]
    assert (failed.provider, failed.status, failed.error_kind) == ("openai", "error", "content_policy")
    assert failed.images == [] and "Rephrase" in failed.error_message
    assert [g.status for g in run.generations] == ["ok", "error", "ok", "ok"]
