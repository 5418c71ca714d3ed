"""A History re-run of a retired model: the Compare page keeps it, labels it retired and refuses it at Generate
with the date and the successor, before any request (issue 12, model lifecycle)."""

from imagegen.history import GenerationRecord, HistoryStore
from imagegen.ui import state
from tests.shown import shown
from tests.test_compare_trust import open_app, run_headings


def test_a_rerun_of_a_retired_model_is_labelled_and_refused_before_any_request(data_dir):
    from imagegen.ui.resources import get_emulator

    store = HistoryStore(data_dir=str(data_dir))
    run_id = store.create_run("a fox", [], [])
    store.add_generation(run_id, GenerationRecord(
        position=0, provider="openai", model="gpt-image-1", requested_options={"quality": "low"},
        effective_options={"quality": "low"}, prompt="a fox", negative_prompt="", status="ok"))
    at = open_app()
    at.switch_page("pages/history.py").run()
    at.session_state["hist.selected"] = run_id
    at.session_state["hist.confirm"] = "rerun-now"
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    [sid] = at.session_state["cmp.slot_ids"]
    picker = at.selectbox(key=state.model_key(sid))
    assert picker.value == "gpt-image-1" and "GPT Image 1 (retired)" in picker.options
    assert not any(o == "DALL·E 3 (retired)" for o in picker.options)  # other retired models are hidden
    seen = len(get_emulator().requests)
    at.button(key="btn.generate").click().run()
    errors = " ".join(shown(e.value) for e in at.error)
    assert "Slot 1" in errors and "retired on 2026-10-23" in errors and "gpt-image-2" in errors
    assert len(get_emulator().requests) == seen and store.count_runs() == 1
    assert run_headings(at) == []
