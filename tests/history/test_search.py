"""History search: filters alone and combined, pagination, FTS5 and its LIKE fallback, the 0002 migration."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

from imagegen.history import HistoryStore, RunFilter, get_engine
from imagegen.history.db import writer
from imagegen.history.migrate import alembic_config, current_revision, head_revision
from imagegen.history.models import Generation, Run

from .helpers import artifact, record

NEVER = RunFilter(text="zzzunmatched")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Four runs (A oldest .. D newest); returns (store, {"A": id, ...})."""
    root = tmp_path_factory.mktemp("search")
    store = HistoryStore(database_url=f"sqlite:///{root / 'h.db'}", data_dir=root / "data")
    ids = {}
    ids["A"] = store.create_run("a red fox in the snow", [{"name": "style", "rules": ["watercolor", "soft light"]}],
                                [{"name": "avoid", "rules": ["blurry"]}])
    store.add_generation(ids["A"], record(0, prompt="a red fox in the snow, watercolor, soft light"),
                         artifact(seed=1))
    store.add_generation(ids["A"], record(1, status="error", provider="bedrock", model="titan"))
    ids["B"] = store.create_run("an owl at night", [{"name": "mood", "rules": ["moonlit"]}], [],
                                notes="for the calendar")
    store.add_generation(ids["B"], record(0, provider="leonardo", model="phoenix", prompt="an owl at night, moonlit",
                                          negative_prompt="lowres", emulated=True), artifact(seed=2))
    store.add_generation(ids["B"], record(1, status="filtered", model="dall-e-3", prompt="an owl at night"))
    ids["C"] = store.create_run("Crème brûlée still life", [{"name": "photo", "rules": ["macro lens"]}],
                                [{"name": "avoid", "rules": ["cartoonish"]}])
    store.add_generation(ids["C"], record(0, provider="bedrock", model="stability.sd3",
                                          prompt="Crème brûlée still life, macro lens, hyperreal"), artifact(seed=3))
    ids["D"] = store.create_run("fox cub", [], [])
    when = {"A": datetime(2025, 1, 10, 12, tzinfo=UTC), "B": datetime(2025, 1, 11, 8, tzinfo=UTC),
            "C": datetime(2025, 1, 12, 23, 59, 59, tzinfo=UTC), "D": datetime(2025, 1, 13, tzinfo=UTC)}
    with Session(writer(store.engine)) as session, session.begin():
        for name, created in when.items():
            session.execute(update(Run).where(Run.id == ids[name]).values(created_at=created))
    return store, ids


def found(corpus, use_fts=True, **filters) -> list[str]:
    store, ids = corpus
    names = {run_id: name for name, run_id in ids.items()}
    summaries, total = store.search_runs(RunFilter(**filters), limit=50, use_fts=use_fts)
    assert total == len(summaries)
    return [names[summary.id] for summary in summaries]


def test_no_filter_lists_every_run_newest_first(corpus):
    store, ids = corpus
    summaries, total = store.search_runs()
    assert [s.id for s in summaries] == [ids[n] for n in "DCBA"] == [s.id for s in store.list_runs()]
    assert total == 4 and summaries[1].providers == ["bedrock"] and summaries[3].statuses == {"ok": 1, "error": 1}
    assert summaries[1].cover is not None and summaries[0].cover is None


def test_pages_and_totals(corpus):
    store, ids = corpus
    pages = [store.search_runs(None, limit=3, offset=offset) for offset in (0, 3, 4, 10)]
    assert [([s.id for s in page], total) for page, total in pages] == [
        ([ids[n] for n in "DCB"], 4), ([ids["A"]], 4), ([], 4), ([], 4)]
    assert store.search_runs(RunFilter(providers=("openai",)), limit=0) == ([], 2)
    page, total = store.search_runs(RunFilter(text="fox"), limit=1, offset=1)
    assert ([s.id for s in page], total) == ([ids["A"]], 2)
    with pytest.raises(ValueError, match="limit"):
        store.search_runs(limit=-1)
    with pytest.raises(ValueError, match="filters"):
        store.search_runs({"text": "fox"})


@pytest.mark.parametrize("use_fts", [True, False])
@pytest.mark.parametrize(("filters", "expected"), [
    ({"providers": ("openai",)}, "BA"),
    ({"providers": ("leonardo", "bedrock")}, "CBA"),
    ({"models": ("titan",)}, "A"),
    ({"statuses": ("error",)}, "A"),
    ({"statuses": ("filtered", "error")}, "BA"),
    ({"statuses": ("ok",)}, "CBA"),
    ({"emulated": True}, "B"),
    ({"emulated": False}, "CBA"),
    ({"date_from": date(2025, 1, 12)}, "DC"),
    ({"date_to": date(2025, 1, 12)}, "CBA"),  # the whole day, up to 23:59:59
    ({"date_to": datetime(2025, 1, 11, 8, tzinfo=UTC)}, "BA"),  # inclusive
    ({"date_from": datetime(2025, 1, 11, 8), "date_to": datetime(2025, 1, 12, 23, 59, 58)}, "B"),  # naive = UTC
    ({"text": "fox"}, "DA"),
    ({"providers": ("bedrock",), "statuses": ("error",)}, "A"),
    ({"providers": ("openai",), "statuses": ("error",)}, ""),  # one slot must match both: A's error is bedrock
    ({"text": "fox", "date_from": date(2025, 1, 11)}, "D"),
    ({"text": "fox", "providers": ("openai",), "emulated": False}, "A"),
    ({"text": "owl", "models": ("phoenix", "dall-e-3"), "statuses": ("filtered",), "date_to": date(2025, 1, 11)}, "B"),
    ({"providers": ("nobody",)}, ""),
])
def test_filters_alone_and_combined(corpus, filters, expected, use_fts):
    assert "".join(found(corpus, use_fts, **filters)) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("snow", "A"),  # run prompt
    ("watercolor", "A"),  # a rule
    ("cartoonish", "C"),  # a negative rule
    ("mood", "B"),  # a rule set name
    ("hyperreal", "C"),  # only in the composed prompt
    ("lowres", "B"),  # only in a slot's negative prompt
    ("calendar", "B"),  # notes
    ("FOX", "DA"),
    ("fox snow", "A"),
    ("crème", "C"),
    ("wat", "A"),
    ("owl nig", "B"),
])
@pytest.mark.parametrize("use_fts", [True, False])
def test_full_text_and_the_like_fallback_agree(corpus, query, expected, use_fts):
    assert "".join(found(corpus, use_fts, text=query)) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("fox sn", "A"),  # the last term is a prefix
    ("sn fox", ""),  # the others are whole words
    ("creme brulee", "C"),  # diacritics are folded
    ("CRÈME", "C"),  # unicode case is folded
])
def test_fts_only_behaviour_shows_the_index_is_used(corpus, query, expected):
    assert "".join(found(corpus, text=query)) == expected


HOSTILE = ['"', '""', "'", "(", ")", "fox)", '"fox', "fox*", "-fox", "fox -snow", "NEAR(fox snow)", "fox NEAR snow",
           "AND", "OR", "NOT", "fox OR owl", "body:fox", "^fox", "{fox}", "[", "\\", "%", "_", "\x00", "🦊", "狐",
           "fox\nsnow", "a" * 2000, "fox " * 200, "*", "-", "NEAR", "fox + snow", "fox AND", "AND fox"]


@pytest.mark.parametrize("use_fts", [True, False])
def test_hostile_input_never_fails(corpus, use_fts):
    for query in HOSTILE:
        found(corpus, use_fts, text=query)  # no exception
    assert "".join(found(corpus, use_fts, text='"fox')) == "DA"
    assert "".join(found(corpus, use_fts, text="fox)")) == "DA"
    assert "".join(found(corpus, use_fts, text="-fox")) == "DA"
    assert "".join(found(corpus, use_fts, text="fox OR owl")) == ""  # words, not operators: 'or' is a term
    assert "".join(found(corpus, use_fts, text="NEAR(fox snow)")) == ""
    assert "".join(found(corpus, use_fts, text="fox\nsnow")) == "A"
    assert "".join(found(corpus, use_fts, text="%")) == "DCBA"  # no words: no text filter


def test_runs_without_match_and_filter_validation(corpus):
    store, _ = corpus
    assert store.search_runs(NEVER) == ([], 0)
    assert RunFilter(providers="openai").providers == ("openai",)
    assert RunFilter(models=["a", "b"]).models == ("a", "b")
    for bad in ({"statuses": ("done",)}, {"date_from": "2025-01-01"}, {"emulated": "yes"}, {"providers": (1,)},
                {"text": 3}):
        with pytest.raises(ValueError):
            RunFilter(**bad)


def test_filter_choices(corpus):
    store, _ = corpus
    assert store.filter_choices() == {"providers": ["bedrock", "leonardo", "openai"],
                                      "models": ["dall-e-3", "gpt-image-1", "phoenix", "stability.sd3", "titan"]}


def test_provider_and_status_filters_use_indexes(corpus):
    store, _ = corpus
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        store.search_runs(RunFilter(providers=("openai",), statuses=("ok", "error")))
        store.search_runs(RunFilter(text="fox", statuses=("error",)))
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    queries = [(sql, params) for sql, params in statements if "FROM runs" in sql or "FROM generations" in sql]
    assert len(queries) >= 4
    with store.engine.connect() as connection:
        for sql, params in queries:
            plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
            assert not [step for step in plan if step.startswith("SCAN generations")], (sql, plan)
            assert any("generations USING" in step or "runs_fts" in step for step in plan), (sql, plan)


def test_deleted_and_edited_runs_follow_in_search(store):
    keep = store.create_run("a grey wolf", [], [])
    gone = store.create_run("a grey wolf pup", [], [])
    store.add_generation(gone, record(0, prompt="a grey wolf pup, snowfall"), artifact(seed=5))
    assert store.search_runs(RunFilter(text="snowfall"))[1] == 1
    store.delete_run(gone)
    for use_fts in (True, False):
        assert [s.id for s in store.search_runs(RunFilter(text="wolf"), use_fts=use_fts)[0]] == [keep]
        assert store.search_runs(RunFilter(text="snowfall"), use_fts=use_fts)[1] == 0
    with Session(writer(store.engine)) as session, session.begin():  # triggers follow edits of notes
        session.execute(update(Run).where(Run.id == keep).values(notes="tundra"))
    assert [s.id for s in store.search_runs(RunFilter(text="tundra"))[0]] == [keep]
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT rowid FROM runs_fts").scalars().all() == [keep]


def test_migrating_0001_to_0002_backfills_the_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = get_engine(url)
    with writer(engine).begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    assert current_revision(engine) == "0001"
    with Session(engine) as session, session.begin():
        old = Run(prompt="a lighthouse at dusk", rulesets=[{"name": "s", "rules": ["oil painting"]}],
                  negative_rulesets=[])
        old.generations.append(Generation(
            position=0, provider="openai", model="dall-e-3", requested_options={}, effective_options={},
            prompt="a lighthouse at dusk, oil painting, stormy", status="ok", warnings=[]))
        session.add_all([old, Run(prompt="a quiet harbour", rulesets=[], negative_rulesets=[])])
    store = HistoryStore(database_url=url, data_dir=tmp_path / "data")
    assert current_revision(store.engine) == head_revision()  # 0002 back-filled the index on the way
    with Session(store.engine) as session:
        assert session.scalar(text("SELECT count(*) FROM runs_fts")) == session.scalar(
            select(func.count()).select_from(Run)) == 2
    assert [s.prompt for s in store.search_runs(RunFilter(text="stormy"))[0]] == ["a lighthouse at dusk"]
    assert [s.prompt for s in store.search_runs(RunFilter(text="oil paint"))[0]] == ["a lighthouse at dusk"]
    new = store.create_run("a harbour at dawn", [], [])
    assert {s.id for s in store.search_runs(RunFilter(text="harbour"))[0]} == {new, new - 1}
