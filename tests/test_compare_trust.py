"""Issue 11, Compare page: it keeps what the user set (page switches, reloads), sends exactly what it shows,
refuses an empty prompt, never shows stale results as current, never shows a traceback, and shows user and
provider text literally. Through Streamlit's AppTest; tests/browser/test_trust.py does the same in Chromium."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imagegen.history import GenerationRecord, HistoryStore
from imagegen.ui import state
from tests.shown import shown
from tests.test_compare_page import APP

PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"

KINO = "aa77f04e-3eec-4034-9c07-d0f619684628"  # Leonardo Kino XL (legacy): steps, guidance


def open_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def customise(at: AppTest) -> AppTest:
    """A prompt, rules both ways, an option per slot and a fifth and sixth slot."""
    at.text_area(key="cmp.prompt").set_value("a lighthouse on a cliff").run()
    pos, neg = at.session_state["cmp.rs.pos.ids"][0], at.session_state["cmp.rs.neg.ids"][0]
    at.text_area(key=state.ruleset_key("pos", pos, "rules")).set_value("oil painting\nwide angle")
    at.text_input(key=state.ruleset_key("neg", neg, "name")).set_value("Keep out")
    at.text_area(key=state.ruleset_key("neg", neg, "rules")).set_value("people").run()
    at.selectbox(key=state.option_key(1, "gpt-image-2", "quality")).set_value("low")
    at.number_input(key=state.option_key(3, PHOENIX, "width")).set_value(768)
    at.number_input(key=state.option_key(0, "procedural-v1", "seed")).set_value(7).run()
    at.button(key="btn.add_slot").click().run()
    at.button(key="btn.dup.1").click().run()
    assert len(at.session_state["cmp.slot_ids"]) == 6
    return at


def run_headings(at: AppTest) -> list[str]:
    return [h.value for h in at.subheader if "run #" in h.value.lower()]


def settings(at: AppTest) -> tuple:
    ids = at.session_state["cmp.slot_ids"]
    pos, neg = at.session_state["cmp.rs.pos.ids"], at.session_state["cmp.rs.neg.ids"]
    return (at.text_area(key="cmp.prompt").value,
            [at.text_area(key=state.ruleset_key("pos", r, "rules")).value for r in pos],
            [(at.text_input(key=state.ruleset_key("neg", r, "name")).value,
              at.text_area(key=state.ruleset_key("neg", r, "rules")).value) for r in neg],
            [at.selectbox(key=state.provider_key(sid)).value for sid in ids],
            at.selectbox(key=state.option_key(1, "gpt-image-2", "quality")).value,
            at.number_input(key=state.option_key(3, PHOENIX, "width")).value,
            at.number_input(key=state.option_key(0, "procedural-v1", "seed")).value)


def test_compare_survives_a_trip_to_history_and_back(data_dir):  # item 1
    at = customise(open_app())
    before = settings(at)
    assert before[0] == "a lighthouse on a cliff" and before[4] == "low" and before[5] == 768
    at.switch_page("pages/history.py").run()
    assert not at.exception, at.exception
    at.switch_page("pages/providers.py").run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert settings(at) == before


def test_compare_survives_a_reload_through_its_draft(data_dir):  # item 1
    at = customise(open_app())
    before = settings(at)
    token = at.query_params["draft"]
    assert token and "lighthouse" not in token
    reloaded = open_app(draft=token)  # a new session with the same URL
    assert settings(reloaded) == before
    assert reloaded.query_params["draft"] != token  # it continues on a copy of its own
    again = open_app(draft=reloaded.query_params["draft"])
    assert settings(again) == before
    assert settings(open_app(draft="no-such-draft"))[0] == state.DEFAULT_PROMPT


def test_out_of_range_values_are_shown_flagged_and_block_generate(data_dir):  # item 2
    at = open_app()
    at.selectbox(key=state.model_key(3)).set_value(KINO).run()
    at.number_input(key=state.option_key(3, KINO, "guidance_scale")).set_value(99.0)
    at.number_input(key=state.option_key(3, KINO, "steps")).set_value(500).run()
    assert not at.exception, at.exception
    assert at.number_input(key=state.option_key(3, KINO, "guidance_scale")).value == 99.0  # kept as shown
    card = " ".join(shown(e.value) for e in at.error)
    assert "guidance_scale" in card and "steps" in card
    at.button(key="btn.generate").click().run()
    errors = " ".join(shown(e.value) for e in at.error)
    assert "Slot 4" in errors and "guidance_scale" in errors and "from 1 to 20" in errors
    assert "steps" in errors and "from 10 to 60" in errors
    assert "Nothing was sent or saved" in " ".join(shown(c.value) for c in at.caption)
    assert HistoryStore(data_dir=str(data_dir)).count_runs() == 0


def test_negative_rules_alone_do_not_make_a_prompt(data_dir):  # item 3
    at = open_app()
    for sid in (0, 2, 3):  # OpenAI alone: it has no negative prompt, so negatives would be appended as "Avoid: ..."
        at.button(key=f"btn.rm.{sid}").click().run()
    at.text_area(key="cmp.prompt").set_value("")
    pos = at.session_state["cmp.rs.pos.ids"][0]
    at.text_area(key=state.ruleset_key("pos", pos, "rules")).set_value("").run()
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    assert "The prompt is empty" in " ".join(shown(e.value) for e in at.error)
    assert HistoryStore(data_dir=str(data_dir)).count_runs() == 0


def test_results_of_other_settings_are_labelled_and_a_deleted_run_disappears(data_dir):  # item 4
    at = open_app()
    at.button(key="btn.rm.3").click().run()
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    at.run()  # the results stay on the next rerun, as the current ones
    assert run_headings(at) == ["Run #1"]
    at.text_area(key="cmp.prompt").set_value("a different prompt").run()
    assert run_headings(at) == ["Earlier run #1"]
    assert "made before the prompt changed" in " ".join(shown(i.value) for i in at.info)
    at.text_area(key="cmp.prompt").set_value(state.DEFAULT_PROMPT).run()
    assert run_headings(at) == ["Run #1"]
    HistoryStore(data_dir=str(data_dir)).delete_run(1)
    at.run()
    assert not run_headings(at)
    assert len(at.get("image")) == 0


def test_a_rerun_from_history_labels_the_old_results(data_dir):  # item 4
    at = open_app()
    at.button(key="btn.rm.3").click().run()
    at.button(key="btn.generate").click().run()
    at.text_area(key="cmp.prompt").set_value("a second prompt").run()
    at.button(key="btn.generate").click().run()
    at.switch_page("pages/history.py").run()
    at.session_state["hist.selected"] = 1
    at.session_state["hist.confirm"] = "rerun-now"
    at.run()  # Re-run -> Replace loads run #1's settings and switches to Compare
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert at.text_area(key="cmp.prompt").value == state.DEFAULT_PROMPT
    assert run_headings(at) == ["Earlier run #2"]


@pytest.mark.parametrize("size", ["0x0", "16x0", "x", "1024x", "-16x-16", "１０２４x１０２４", " 1024 x 1024 "])
def test_any_free_size_gives_a_message_not_a_traceback(data_dir, size):  # item 5
    at = open_app()
    at.selectbox(key=state.model_key(1)).set_value("gpt-image-2.5-sunburst")  # also takes free sizes
    at.session_state[state.option_key(1, "gpt-image-2.5-sunburst", "size")] = size  # typed into the box
    at.run()
    assert not at.exception, at.exception
    assert "size" in " ".join(shown(e.value) for e in at.error)
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    assert "Slot 2" in " ".join(shown(e.value) for e in at.error)
    assert HistoryStore(data_dir=str(data_dir)).count_runs() == 0


def test_user_text_is_shown_literally(data_dir):  # item 12
    at = open_app()
    neg = at.session_state["cmp.rs.neg.ids"][0]
    at.text_area(key=state.ruleset_key("neg", neg, "rules")).set_value("[x](javascript:alert(1)) **loud**").run()
    at.button(key="btn.rm.3").click().run()
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    warnings = [c.value for c in at.caption if "no negative prompt" in c.value]
    assert warnings and all("\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*loud\\*\\*" in w for w in warnings)
    assert all(shown(w).count("[x](javascript:alert(1)) **loud**") == 1 for w in warnings)


def test_a_run_cut_short_is_shown_as_incomplete_with_its_missing_slots(data_dir):  # item 14
    store = HistoryStore(data_dir=str(data_dir))
    planned = [{"position": 0, "provider": "local", "model": "procedural-v1", "options": {}},
               {"position": 1, "provider": "openai", "model": "gpt-image-2", "options": {"quality": "low"}}]
    run_id = store.create_run("a fox", [], [], planned=planned)
    store.add_generation(run_id, GenerationRecord(position=0, provider="local", model="procedural-v1",
                                                  requested_options={}, effective_options={}, prompt="a fox",
                                                  negative_prompt="", status="ok"))
    at = open_app()
    at.switch_page("pages/history.py").run()
    assert not at.exception, at.exception
    assert any("incomplete" in m.value for m in at.markdown)
    at.button(key=f"btn.hist.open.{run_id}").click().run()
    warning = " ".join(shown(w.value) for w in at.warning)
    assert "Incomplete run: 1 of 2 planned slot(s) have no result" in warning
    assert "slot 2 (OpenAI · GPT Image 2)" in warning


def test_history_shows_prompts_warnings_and_errors_literally(data_dir):  # item 12
    store = HistoryStore(data_dir=str(data_dir))
    link = "[x](javascript:alert(1))"
    run_id = store.create_run(f"a fox {link}", [], [])
    store.add_generation(run_id, GenerationRecord(
        position=0, provider="openai", model="gpt-image-2", requested_options={}, effective_options={},
        prompt="a fox", negative_prompt="", status="error", error_kind="provider",
        error_message=f"rejected: {link} **now**", warnings=[f"Avoid: {link}"]))
    at = open_app()
    at.switch_page("pages/history.py").run()
    [sheet] = [m.value for m in at.markdown if f"Run #{run_id}" in m.value]
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in sheet and shown(sheet).endswith(f"a fox {link}")
    at.button(key=f"btn.hist.open.{run_id}").click().run()
    assert not at.exception, at.exception
    assert [shown(e.value) for e in at.error] == [f"rejected: {link} **now**"]
    assert [e.value for e in at.error] == ["rejected\\: \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*now\\*\\*"]
    assert any(shown(c.value).endswith(f"Avoid: {link}") and "\\[x\\]" in c.value for c in at.caption)


def test_a_result_the_history_cannot_save_is_kept_and_the_page_says_where(data_dir, monkeypatch):  # item 9
    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(HistoryStore, "add_generation", broken)
    at = open_app()
    for sid in (1, 2, 3):
        at.button(key=f"btn.rm.{sid}").click().run()
    at.button(key="btn.generate").click().run()
    assert not at.exception, at.exception
    assert len(at.get("image")) == 1  # still shown
    [error] = [shown(e.value) for e in at.error]
    assert "could not be saved to the history" in error and "The image was kept at" in error
    kept = Path(error.split("kept at ")[1].rstrip("."))
    assert kept.is_file() and kept.read_bytes()[:4] == b"\x89PNG" and kept.parent.name == "unsaved"
    assert "0 of 1 saved to the history" in " ".join(c.value for c in at.caption)


def test_a_reload_shows_the_last_run_again_from_the_history(data_dir):  # item 1
    at = open_app()
    at.button(key="btn.rm.3").click().run()
    at.button(key="btn.generate").click().run()
    reloaded = open_app(draft=at.query_params["draft"])
    assert run_headings(reloaded) == ["Run #1"]
    assert len(reloaded.get("image")) == 3
