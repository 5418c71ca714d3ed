"""History search on both backends: filters alone and combined, pagination, the full-text index (SQLite FTS5,
PostgreSQL tsvector + GIN) and its LIKE fallback, and the migrations that build the index (0002, 0004)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import event, func, inspect, select, text, update
from sqlalchemy.orm import Session

from imagegen.history import HistoryStore, RunFilter, get_engine, search
from imagegen.history.db import writer
from imagegen.history.migrate import alembic_config, current_revision, head_revision
from imagegen.history.models import Generation, Run

from .databases import BACKENDS, history_database
from .helpers import artifact, postgresql_only, record, sqlite_only

NEVER = RunFilter(text="zzzunmatched")


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request, tmp_path_factory):
    """Four runs (A oldest .. D newest) on each backend; yields (store, {"A": id, ...})."""
    root = tmp_path_factory.mktemp("search")
    with history_database(request, request.param, root) as url:
        yield make_corpus(HistoryStore(database_url=url, data_dir=root / "data"))


def make_corpus(store: HistoryStore):
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
    ids["D"] = store.create_run("fox cub", [], [], notes="ref: cub_2024-v2.jpg")
    when = {"A": datetime(2025, 1, 10, 12, tzinfo=UTC), "B": datetime(2025, 1, 11, 8, tzinfo=UTC),
            "C": datetime(2025, 1, 12, 23, 59, 59, tzinfo=UTC), "D": datetime(2025, 1, 13, tzinfo=UTC)}
    with Session(writer(store.engine)) as session, session.begin():
        for name, created in when.items():
            session.execute(update(Run).where(Run.id == ids[name]).values(created_at=created))
    return store, ids


def index_rows(store) -> list[int]:
    """The run ids in the full-text index table (SQLite: FTS5 rowids; PostgreSQL: runs_fts.run_id), of a store
    or an engine."""
    engine = getattr(store, "engine", store)
    column = "rowid" if engine.dialect.name == "sqlite" else "run_id"
    with engine.connect() as connection:
        return sorted(connection.exec_driver_sql(f"SELECT {column} FROM runs_fts").scalars())


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
    ("jpg", "D"),  # punctuation separates words: "cub_2024-v2.jpg" is cub, 2024, v2, jpg
    ("2024 v2", "D"),
    ("cub_2024", "D"),
    ("soft-light", "A"),
])
@pytest.mark.parametrize("use_fts", [True, False])
def test_full_text_and_the_like_fallback_agree(corpus, query, expected, use_fts):
    assert "".join(found(corpus, use_fts, text=query)) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("fox sn", "A"),  # the last term is a prefix
    ("sn fox", ""),  # the others are whole words
    ("creme brulee", "C"),  # diacritics are folded
    ("CRÈME", "C"),  # unicode case is folded
    ("brûl", "C"),  # a prefix with a diacritic
    ("ref jp", "D"),
])
def test_fts_only_behaviour_shows_the_index_is_used(corpus, query, expected):
    assert "".join(found(corpus, text=query)) == expected


HOSTILE = ['"', '""', "'", "(", ")", "fox)", '"fox', "fox*", "-fox", "fox -snow", "NEAR(fox snow)", "fox NEAR snow",
           "AND", "OR", "NOT", "fox OR owl", "body:fox", "^fox", "{fox}", "[", "\\", "%", "_", "\x00", "🦊", "狐",
           "fox\nsnow", "a" * 2000, "fox " * 200, "*", "-", "NEAR", "fox + snow", "fox AND", "AND fox",
           "fox " + "b" * 3000, "fox:*", "fox & owl", "fox | owl", "!fox", "fox <-> snow", "'fox'", "fox:A"]


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
    assert "".join(found(corpus, use_fts, text="fox " + "b" * 3000)) == ""  # too long for PostgreSQL's index
    assert "".join(found(corpus, use_fts, text="fox | snow")) == "A"  # tsquery operators are punctuation
    assert "".join(found(corpus, use_fts, text="!fox")) == "DA"


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


def captured_queries(store: HistoryStore, *filters: RunFilter) -> list[tuple]:
    """(sql, parameters) of the statements on runs/generations that searching with each filter runs."""
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        for run_filter in filters:
            store.search_runs(run_filter)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return [(sql, params) for sql, params in statements if "FROM runs" in sql or "FROM generations" in sql]


@sqlite_only("reads SQLite's EXPLAIN QUERY PLAN; test_postgres_search_uses_its_indexes checks PostgreSQL's plans")
def test_provider_and_status_filters_use_indexes(store):
    for index in range(3):
        run_id = store.create_run(f"a fox #{index}", [], [])
        store.add_generation(run_id, record(0, status="error" if index else "ok"))
    queries = captured_queries(store, RunFilter(providers=("openai",), statuses=("ok", "error")),
                               RunFilter(text="fox", statuses=("error",)))
    assert len(queries) >= 4
    with store.engine.connect() as connection:
        for sql, params in queries:
            plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
            assert not [step for step in plan if step.startswith("SCAN generations")], (sql, plan)
            assert any("generations USING" in step or "runs_fts" in step or "USING INTEGER PRIMARY KEY" in step
                       for step in plan), (sql, plan)


PROVIDERS = ("openai", "azure", "bedrock", "leonardo", "local", "stability", "titan", "nova")


@postgresql_only
def test_postgres_search_uses_its_indexes(store):
    """With a realistic history (5,000 runs, 20,000 generations, vacuumed and analyzed as autovacuum would),
    the planner reads the GIN index for text and the generations indexes for provider/status, instead of
    scanning either table. (Before a vacuum, GIN's pending list of new entries makes a scan look cheaper.)"""
    with store.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")  # bulk load: no triggers...
        connection.exec_driver_sql(
            "INSERT INTO runs (created_at, prompt, rulesets, negative_rulesets, notes) "
            "SELECT now() - i * interval '1 minute', "
            "       'prompt ' || i || CASE WHEN mod(i, 500) = 0 THEN ' a lighthouse at dusk' ELSE ' a meadow' END, "
            "       '[{\"name\": \"style\", \"rules\": [\"watercolor\"]}]', '[]', '' "
            "FROM generate_series(1, 5000) AS i")
        connection.execute(text(
            "INSERT INTO generations (run_id, position, provider, model, requested_options, effective_options, "
            "                         prompt, negative_prompt, status, warnings, emulated, created_at) "
            "SELECT r.id, k, (CAST(:providers AS text[]))[1 + mod(r.id + k, 8)], 'model', '{}', '{}', r.prompt, '', "
            "       CASE WHEN mod(r.id * 7 + k, 97) = 0 THEN 'error' ELSE 'ok' END, '[]', false, r.created_at "
            "FROM runs r CROSS JOIN generate_series(0, 3) AS k"), {"providers": list(PROVIDERS)})
        connection.exec_driver_sql("INSERT INTO runs_fts (run_id, body) "  # ...then index them as 0004 does
                                   "SELECT id, runs_fts_document(runs_fts_text(id)) FROM runs")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    assert store.search_runs(RunFilter(text="lighthouse"), limit=0)[1] == 10
    assert store.search_runs(RunFilter(text="lighthouse dus"), limit=0)[1] == 10
    queries = captured_queries(store, RunFilter(text="lighthouse"), RunFilter(text="lighthouse du"),
                               RunFilter(providers=("openai",), statuses=("error",)),
                               RunFilter(text="lighthouse", statuses=("error",)))
    assert len(queries) >= 6
    with store.engine.connect() as connection:
        for sql, params in queries:
            plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + sql, params).scalars())
            assert "Seq Scan on generations" not in plan, (sql, plan)
            if "runs_fts" in sql:
                assert "Bitmap Index Scan on ix_runs_fts_body" in plan, (sql, plan)
                assert "Seq Scan on runs_fts" not in plan, (sql, plan)
            if "generations.provider" in sql or "generations.status" in sql:
                assert re.search(r"Index (Only )?Scan (using|on) ix_generations_", plan), (sql, plan)


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
    store.add_generation(keep, record(0, prompt="a grey wolf, aurora"))
    assert store.search_runs(RunFilter(text="auror"))[1] == 1
    with Session(writer(store.engine)) as session, session.begin():  # ... and of a slot's prompt
        session.execute(update(Generation).where(Generation.run_id == keep).values(prompt="a grey wolf, dawn"))
    assert store.search_runs(RunFilter(text="aurora"))[1] == 0 and store.search_runs(RunFilter(text="dawn"))[1] == 1
    assert index_rows(store) == [keep]


def test_a_huge_run_is_stored_and_searchable(store):
    """PostgreSQL's tsvector holds at most 1 MB: a run whose text is larger is indexed by its start,
    instead of failing to save."""
    words = " ".join(f"w{index}x" for index in range(200_000))  # about 1.6 MB of distinct words
    run_id = store.create_run("a huge prompt " + words, [], [])
    store.add_generation(run_id, record(0, prompt=words))
    assert [s.id for s in store.search_runs(RunFilter(text="huge w12345x"))[0]] == [run_id]
    assert store.get_run(run_id).prompt.endswith("w199999x")


@postgresql_only
def test_concurrent_slots_of_one_run_all_reach_the_index(store):
    """Two transactions add generations to the same run at once (as two app processes could, outside the
    store's own lock): the index row is rebuilt by one after the other, so it has both prompts."""
    run_id = store.create_run("a lighthouse", [], [])
    insert = text("INSERT INTO generations (run_id, position, provider, model, requested_options, "
                  "effective_options, prompt, negative_prompt, status, warnings, emulated, created_at) "
                  "VALUES (:run_id, :position, 'openai', 'm', '{}', '{}', :prompt, '', 'ok', '[]', false, now())")
    second_started, errors = threading.Event(), []

    def second():
        try:
            with store.engine.begin() as connection:
                second_started.set()
                connection.execute(insert, {"run_id": run_id, "position": 1, "prompt": "zeppelin"})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with store.engine.begin() as first:
        first.execute(insert, {"run_id": run_id, "position": 0, "prompt": "albatross"})
        thread = threading.Thread(target=second)
        thread.start()
        second_started.wait(10)
        thread.join(0.5)
        assert thread.is_alive(), "the second rebuild should wait for the first transaction"
    thread.join(30)
    assert errors == []
    for word in ("albatross", "zeppelin", "lighthouse"):
        assert [s.id for s in store.search_runs(RunFilter(text=word))[0]] == [run_id], word


@sqlite_only("0002 builds SQLite's FTS5 index; test_migrating_0003_to_0004_and_back does PostgreSQL's")
def test_migrating_0001_to_0002_backfills_the_index(empty_database_url, tmp_path):
    url = empty_database_url
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


def migrate_to(engine, revision: str) -> None:
    with writer(engine).begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def searched_at(engine, query: str) -> list[str]:
    """The prompts of the runs a text search finds, newest first, through search.py's conditions but without
    loading Run rows (a database below head lacks the newest columns)."""
    with Session(engine) as session:
        where = search.conditions(RunFilter(text=query), fts=search.search_index(session))
        return list(session.scalars(select(Run.prompt).where(*where).order_by(Run.created_at.desc(), Run.id.desc())))


def test_migrating_0003_to_0004_and_back(empty_database_url, backend, tmp_path):
    """0004 back-fills PostgreSQL's index from existing runs and its downgrade removes it (search falls back to
    LIKE); on SQLite it changes nothing either way (FTS5 from 0002 stays)."""
    url = empty_database_url
    engine = get_engine(url)
    migrate_to(engine, "0003")
    with Session(engine) as session, session.begin():
        old = Run(prompt="a lighthouse at dusk", rulesets=[{"name": "s", "rules": ["oil painting"]}],
                  negative_rulesets=[{"name": "n", "rules": ["Blürry"]}], notes="for Émile")
        old.generations.append(Generation(
            position=0, provider="openai", model="dall-e-3", requested_options={}, effective_options={},
            prompt="a lighthouse at dusk, oil painting, stormy", status="ok", warnings=[]))
        session.add_all([old, Run(prompt="a quiet harbour", rulesets=[], negative_rulesets=[])])

    def schema() -> dict:
        found = inspect(get_engine(url))
        return {table: sorted(index["name"] for index in found.get_indexes(table)) for table in found.get_table_names()}

    before = schema()
    migrate_to(engine, "0004")
    assert current_revision(engine) == "0004"
    if backend == "sqlite":
        assert schema() == before
    else:
        assert "runs_fts" not in before and schema()["runs_fts"] == ["ix_runs_fts_body"]
    assert len(index_rows(engine)) == 2  # back-filled (SQLite: by 0002)

    for query in ("stormy", "oil paint", "blurry", "emile", "BLÜRRY"):
        assert searched_at(engine, query) == ["a lighthouse at dusk"], query
    assert searched_at(engine, "light") == ["a lighthouse at dusk"]  # prefix

    with writer(engine).begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    assert current_revision(engine) == "0003" and schema() == before
    if backend == "sqlite":
        assert searched_at(engine, "emile") == ["a lighthouse at dusk"]  # still FTS5
    else:
        assert searched_at(engine, "emile") == []  # LIKE: no diacritic folding
        assert searched_at(engine, "Émile") == searched_at(engine, "stormy") == ["a lighthouse at dusk"]
    with Session(engine) as session, session.begin():  # PostgreSQL: written without the index's triggers
        new = Run(prompt="a harbour at dawn", rulesets=[], negative_rulesets=[])
        session.add(new)
        session.flush()
        new = new.id
    store = HistoryStore(database_url=url, data_dir=tmp_path / "data")  # to head: 0004 again, then 0005
    assert [s.prompt for s in store.search_runs(RunFilter(text="harbour"))[0]] == [
        "a harbour at dawn", "a quiet harbour"]  # back-filled again
    assert index_rows(store) == [new - 2, new - 1, new]


def test_word_forms_match(store):
    """Stemming (0005): SQLite's porter tokenizer and PostgreSQL's Snowball English reduce a word and the query
    to one stem, so plurals and -ing/-ed forms find each other. Irregular forms do not ("ran" is not "run").
    No stop words: "the" is a word like any other, on both backends. LIKE (use_fts=False) matches text only."""
    fox = store.create_run("a fox in the snow", [{"name": "style", "rules": ["painted"]}], [])
    runs = store.create_run("she runs across the fields", [], [])
    ran = store.create_run("he ran away", [], [])
    store.add_generation(ran, record(0, prompt="he ran away, two foxes watching"))

    def ids(query: str, use_fts: bool = True) -> list[int]:
        return [s.id for s in store.search_runs(RunFilter(text=query), use_fts=use_fts)[0]]

    assert ids("foxes") == [ran, fox]
    assert ids("fox") == [ran, fox]
    assert ids("Foxes snows") == [fox]
    assert ids("running") == ids("runs") == ids("run") == [runs]
    assert ids("ran") == [ran]  # irregular: not a form of "run" for either stemmer
    assert ids("painting") == ids("paint") == [fox]
    assert ids("field across") == [runs]
    assert ids("the") == [runs, fox] and ids("the snow") == [fox]  # not a stop word
    assert ids("watching fox") == [ran]
    assert ids("foxes", use_fts=False) == [ran] and ids("painting", use_fts=False) == []


def test_migrating_0004_to_0005_stems_existing_runs(empty_database_url, backend, tmp_path):
    """0005 rebuilds the index of the runs already there with stemming (SQLite: a new FTS5 table, filled from
    the runs, behind 0002's triggers; PostgreSQL: a new mapping and every tsvector rebuilt), keeps them and
    gives them no plan."""
    url = empty_database_url
    engine = get_engine(url)
    migrate_to(engine, "0004")
    with Session(engine) as session, session.begin():
        old = Run(prompt="three foxes", rulesets=[{"name": "s", "rules": ["painted"]}], negative_rulesets=[],
                  notes="for Émile")
        old.generations.append(Generation(
            position=0, provider="openai", model="dall-e-3", requested_options={}, effective_options={},
            prompt="three foxes running, painted, Crème brûlée", status="ok", warnings=[]))
        session.add_all([old, Run(prompt="a quiet harbour", rulesets=[], negative_rulesets=[])])
    assert searched_at(engine, "painting") == searched_at(engine, "runs") == []  # 0004: no stemming
    assert searched_at(engine, "fox") == ["three foxes"]  # (only as a prefix)

    store = HistoryStore(database_url=url, data_dir=tmp_path / "data")
    assert current_revision(store.engine) == head_revision() == "0005"
    for query in ("painting", "runs", "fox run", "emile", "CREME brûl", "three", "foxes paint"):
        assert searched_at(engine, query) == ["three foxes"], query
    assert searched_at(engine, "harbours") == ["a quiet harbour"]
    assert len(index_rows(store)) == 2
    (run,) = [store.get_run(summary.id) for summary in store.list_runs() if summary.prompt == "three foxes"]
    assert (run.planned, run.missing, run.generations[0].prompt) == (None, [], "three foxes running, painted, "
                                                                                 "Crème brûlée")
    if backend == "sqlite":
        with engine.connect() as connection:
            sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'runs_fts'").scalar()
            triggers = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'runs_fts_%'").scalar()
        assert "porter unicode61 remove_diacritics 2" in sql and triggers == 6
    new = store.create_run("wolves howling", [], [], planned=[])  # the triggers keep the new index up to date
    store.add_generation(new, record(0, prompt="wolves howling, moonlit"))
    assert [s.id for s in store.search_runs(RunFilter(text="howls wolves moonlit"))[0]] == [new]
    store.delete_run(run.id)
    assert index_rows(store) == [run.id + 1, new]


def test_text_search_pages_are_the_same_whether_few_or_many_matches(store, monkeypatch):
    """search._few_runs (few matches: ordered in Python) and the ORDER BY ... LIMIT query agree, ties included."""
    for index in range(7):
        store.create_run(f"a lighthouse #{index % 3}", [], [])
    pages = [(RunFilter(text=text), limit, offset) for text in ("lighthouse", "lighthouse 1", "light")
             for limit, offset in ((3, 0), (3, 3), (10, 0), (2, 5))]
    few = [([s.id for s in store.search_runs(*page)[0]], store.search_runs(*page)[1]) for page in pages]
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    assert few == [([s.id for s in store.search_runs(*page)[0]], store.search_runs(*page)[1]) for page in pages]
    assert few[0][0] and few[0][1] == 7
