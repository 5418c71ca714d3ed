"""Incomplete runs: a run records the slots it planned, so one cut short (a crash) shows its missing slots, in the
run's detail and cheaply in the History list; runs from before 0005 have no plan and are never called incomplete."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from imagegen import recording
from imagegen.history import RunFilter
from imagegen.history.db import writer
from imagegen.history.models import Run
from imagegen.rules import Rule, Ruleset
from imagegen.slots import SlotSpec

from .helpers import artifact, record

PLAN = [
    {"position": 0, "provider": "openai", "model": "gpt-image-1", "options": {"size": "1024x1024"}},
    {"position": 1, "provider": "local", "model": "procedural", "options": {}},
    {"position": 2, "provider": "bedrock", "model": "amazon.nova-canvas-v1:0", "options": {"seed": 7, "steps": 30}},
]


def test_a_run_cut_short_lists_its_missing_slots(store):
    run_id = store.create_run("a fox", [], [], planned=list(reversed(PLAN)))
    store.add_generation(run_id, record(0), artifact(seed=1))
    store.add_generation(run_id, record(1, status="error", provider="local", model="procedural"))
    run = store.get_run(run_id)
    assert run.planned == PLAN  # by position
    assert run.missing == [PLAN[2]] and run.incomplete
    (summary,) = store.list_runs()
    assert (summary.planned_count, summary.missing, summary.incomplete) == (3, [PLAN[2]], True)
    assert store.search_runs(RunFilter(text="fox"))[0] == [summary]

    store.add_generation(run_id, record(2, provider="bedrock", model="amazon.nova-canvas-v1:0"))
    assert store.get_run(run_id).missing == [] and not store.get_run(run_id).incomplete
    (summary,) = store.list_runs()
    assert (summary.planned_count, summary.missing, summary.incomplete) == (3, [], False)


def test_a_run_that_has_not_started_misses_every_slot(store):
    run_id = store.create_run("an owl", [], [], planned=PLAN)
    assert store.get_run(run_id).missing == PLAN
    assert store.list_runs()[0].missing == PLAN and store.list_runs()[0].generation_count == 0


def test_runs_without_a_plan_are_never_incomplete(store):
    """Runs made before migration 0005 (and callers that pass no plan) have planned None: unknown, not incomplete."""
    old = store.create_run("an old run", [], [])
    store.add_generation(old, record(3))
    empty_plan = store.create_run("planned nothing", [], [], planned=[])
    for run_id, planned, count in ((old, None, None), (empty_plan, [], 0)):
        run = store.get_run(run_id)
        assert (run.planned, run.missing, run.incomplete) == (planned, [], False)
        (summary,) = [s for s in store.list_runs() if s.id == run_id]
        assert (summary.planned_count, summary.missing, summary.incomplete) == (count, [], False)
    with store.engine.connect() as connection:  # SQL NULL, as in the runs from before 0005, not JSON 'null'
        assert connection.exec_driver_sql("SELECT id FROM runs WHERE planned IS NULL").scalars().all() == [old]


@pytest.mark.parametrize(("planned", "message"), [
    ([{**PLAN[0], "options": {"api_key": "sk-123"}}], "credential"),
    ([{**PLAN[0], "options": {"nested": {"aws_secret_access_key": "x"}}}], "credential"),
    ([{**PLAN[0], "options": {"size": object()}}], "JSON"),
    ([{**PLAN[0], "options": {"cfg": float("nan")}}], "JSON"),
    ([PLAN[0], {**PLAN[1], "position": 0}], "same position"),
    ([{**PLAN[0], "position": -1}], "position"),
    ([{**PLAN[0], "position": True}], "position"),
    ([{"position": 0, "provider": "openai", "model": "m"}], "exactly the keys"),
    ([{**PLAN[0], "api_key": "sk-123"}], "exactly the keys"),
    ([{**PLAN[0], "model": None}], "model"),
    ({"position": 0}, "list of slots"),
    ("slots", "list of slots"),
])
def test_a_plan_is_checked_like_a_record(store, planned, message):
    with pytest.raises(ValueError, match=message):
        store.create_run("a fox", [], [], planned=planned)
    assert store.count_runs() == 0


def test_start_run_records_the_slots_it_plans(store):
    """recording.start_run passes each SlotSpec's to_dict() with its position: the options set, never a blank."""
    specs = [SlotSpec("openai", "gpt-image-1", {"size": "1024x1024", "quality": None, "style": ""}),
             SlotSpec("local", "procedural", {"seed": 3})]
    style = Ruleset(name="style", rules=[Rule("watercolor")])
    run_id = recording.start_run(store, "a fox", [style], [], specs)
    run = store.get_run(run_id)
    assert run.planned == [
        {"position": 0, "provider": "openai", "model": "gpt-image-1", "options": {"size": "1024x1024"}},
        {"position": 1, "provider": "local", "model": "procedural", "options": {"seed": 3}}]
    assert run.rulesets == [{"name": "style", "rules": ["watercolor"]}] and len(run.missing) == 2
    assert store.get_run(recording.start_run(store, "no plan", [], [])).planned is None


def test_the_plan_survives_edits_of_the_run(store):
    run_id = store.create_run("a fox", [], [], planned=PLAN[:1])
    with Session(writer(store.engine)) as session, session.begin():
        session.execute(update(Run).where(Run.id == run_id).values(notes="edited"))
    assert store.get_run(run_id).planned == PLAN[:1]
