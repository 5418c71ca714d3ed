"""Bulk seeding of a history database for bench/history.py (the store has no bulk-insert path).

Rows go in with SQLAlchemy Core `insert()` on the store's own engine and the ORM tables of
imagegen/history/models.py, so the column types (UTC datetimes, JSON) are processed exactly as the store
processes them. Image files are written through `store.files.put` (content-addressed, with thumbnails): a
few distinct tiny PNGs are reused, so the disk stays small while every `ok` generation has an image row like
`add_generation` would make.

The full-text index: on SQLite the FTS5 triggers of migration 0002 fire on every insert. On PostgreSQL the
triggers of migration 0004 rebuild a run's tsvector on every run and every generation insert, which makes a
bulk seed slow (100k generations / 35k runs on 2 cores: about 40 s with the triggers, 10-13 s without). So
by default (`search_index="bulk"`) the seed disables those two triggers inside its single transaction,
inserts the rows, then builds `runs_fts` for all runs in one statement through the migration's own SQL
functions (the statement 0004 backfills existing runs with) and re-enables the triggers before committing;
`search_index="triggers"` lets them fire per row instead. `python bench/history_seed.py --check` seeds both
ways on a throw-away PostgreSQL server and checks that the two indexes are equal, also after the same writes
through the store. Explicit ids are inserted, so on PostgreSQL the id sequences are moved past them.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image as PILImage  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from imagegen.history.models import Generation, Image, Run  # noqa: E402

# Model names of the seeded rows. History holds old runs, so these stay as recorded: several are retired now
# (gpt-image-1, dall-e-3, Titan v2; see imagegen/catalog), which the store keeps and shows as historical data.
# Nothing here generates: the rows are inserted directly, no driver is built and no request is sent.
PROVIDERS = {
    "local": ["local-procedural"],
    "openai": ["gpt-image-1", "dall-e-3"],
    "azure": ["gpt-image-1", "dall-e-3"],
    "bedrock": ["amazon.titan-image-generator-v2:0", "stability.sd3-5-large-v1:0"],
    "leonardo": ["phoenix-1.0", "lightning-xl"],
}
STATUS_WEIGHTS = {"ok": 85, "error": 10, "filtered": 5}
WORDS = (
    "portrait landscape fox forest sunset city night river mountain ocean castle dragon robot garden street "
    "winter summer autumn spring light shadow golden blue red green silver misty foggy rainy snowy desert "
    "village harbor lighthouse train bridge market library cathedral temple meadow canyon glacier volcano "
    "island jungle savanna owl wolf bear deer cat dog horse whale eagle butterfly flower rose tulip lotus "
    "bamboo oak pine willow cherry blossom lantern candle mirror window door staircase balcony rooftop "
    "skyline neon cyberpunk steampunk baroque gothic minimalist surreal dreamy cinematic dramatic serene "
    "cozy ancient futuristic abandoned overgrown floating underwater celestial cosmic nebula galaxy planet "
    "moon star comet aurora rainbow storm thunder waterfall lake pond stream cliff cave tower ruins knight "
    "wizard sailor astronaut dancer musician painter child elder girl boy woman man family crowd"
).split()
RARE_WORD = "zeppelin"  # in about 1 run in 2,000: the "rare" full-text search
RARE_EVERY = 2000
RULESETS = [
    {"name": "style", "rules": ["watercolor", "soft pastel palette"]},
    {"name": "photo", "rules": ["35mm film", "shallow depth of field", "golden hour"]},
    {"name": "anime", "rules": ["cel shading", "vibrant colors"]},
    {"name": "oil", "rules": ["oil painting", "impasto brush strokes"]},
    {"name": "render", "rules": ["octane render", "volumetric light", "8k"]},
]
NEGATIVE_RULESETS = [
    {"name": "clean", "rules": ["blurry", "low quality", "watermark"]},
    {"name": "anatomy", "rules": ["extra fingers", "deformed hands"]},
]
ERRORS = [("rate_limited", "429 Too Many Requests: slow down"), ("timeout", "the provider did not answer in 60 s"),
          ("provider_error", "500 Internal Server Error from the provider"),
          ("invalid_request", "size 1536x1024 is not supported by this model")]
FILTERED = ("content_filtered", "the prompt was refused by the provider's safety system")
SIZES = ["512x512", "1024x1024", "1024x1536", "1536x1024"]
DISTINCT_IMAGES = 8
CHUNK = 5000
# PostgreSQL (migration 0004): its triggers, and its backfill of runs_fts through its own SQL functions
PG_FTS_TRIGGERS = (("generations", "runs_fts_generations"), ("runs", "runs_fts_runs"))
PG_BUILD_RUNS_FTS = "INSERT INTO runs_fts (run_id, body) SELECT id, runs_fts_document(runs_fts_text(id)) FROM runs"


def tiny_pngs(count: int = DISTINCT_IMAGES) -> list[bytes]:
    out = []
    for index in range(count):
        buffer = io.BytesIO()
        PILImage.new("RGB", (16, 16), ((index * 37) % 256, (index * 91) % 256, (index * 53) % 256)).save(
            buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def _prompt(rng: random.Random, weights: list[float], run_index: int) -> str:
    words = rng.choices(WORDS, weights=weights, k=rng.randint(6, 12))
    if run_index % RARE_EVERY == RARE_EVERY // 2:
        words.insert(rng.randrange(len(words) + 1), RARE_WORD)
    return "a " + " ".join(words)


def _compose(prompt: str, rulesets: list[dict]) -> str:
    rules = [rule for ruleset in rulesets for rule in ruleset["rules"]]
    return ", ".join([prompt, *rules])


def _counts(rng: random.Random, generations: int, runs: int) -> list[int]:
    """Generations per run: at least one each, the rest spread at random, summing to `generations`."""
    counts = [1] * runs
    for index in rng.choices(range(runs), k=generations - runs):
        counts[index] += 1
    return counts


def _chunks(rng: random.Random, stored: list, generations: int, runs: int):
    """The rows to insert, as (runs, generations, images) lists of up to CHUNK runs each."""
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]  # Zipf-like: a few words are very common
    counts = _counts(rng, generations, runs)
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / runs
    providers = list(PROVIDERS)
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    run_id = generation_id = 0
    for first in range(0, runs, CHUNK):
        run_rows, generation_rows, image_rows = [], [], []
        for index in range(first, min(first + CHUNK, runs)):
            run_id += 1
            created = start + step * index
            rulesets = rng.sample(RULESETS, rng.randint(0, 2))
            negative = rng.sample(NEGATIVE_RULESETS, rng.randint(0, 1))
            prompt = _prompt(rng, weights, index)
            run_rows.append({"id": run_id, "created_at": created, "prompt": prompt, "rulesets": rulesets,
                             "negative_rulesets": negative, "notes": "favourite" if rng.random() < 0.02 else ""})
            composed = _compose(prompt, rulesets)
            negative_prompt = _compose("", negative).lstrip(", ")
            for position in range(counts[index]):
                generation_id += 1
                provider = rng.choice(providers)
                model = rng.choice(PROVIDERS[provider])
                status = rng.choices(statuses, weights=status_weights)[0]
                error_kind, error_message = (None, None)
                if status == "error":
                    error_kind, error_message = rng.choice(ERRORS)
                elif status == "filtered":
                    error_kind, error_message = FILTERED
                seed_number = rng.randrange(2**31)
                size = rng.choice(SIZES)
                generation_rows.append({
                    "id": generation_id, "run_id": run_id, "position": position, "provider": provider,
                    "model": model, "requested_options": {"size": size, "seed": seed_number},
                    "effective_options": {"size": size, "seed": seed_number, "quality": "standard"},
                    "prompt": composed, "negative_prompt": negative_prompt, "status": status,
                    "error_kind": error_kind, "error_message": error_message,
                    "warnings": ["negative prompt emulated"] if provider in ("openai", "azure") and negative else [],
                    "seed": seed_number, "revised_prompt": None,
                    "latency_ms": round(rng.uniform(200, 30000), 1),
                    "cost_usd": None if provider == "local" else round(rng.choice((0.02, 0.04, 0.08)), 3),
                    "emulated": provider != "local" and rng.random() < 0.3,
                    "created_at": created + timedelta(seconds=position + 1)})
                if status == "ok":
                    image = stored[rng.randrange(len(stored))]
                    width, height = (int(side) for side in size.split("x"))
                    image_rows.append({
                        "generation_id": generation_id, "sha256": image.sha256, "format": "png",
                        "mime_type": "image/png", "width": width, "height": height,
                        "byte_size": image.byte_size, "storage_key": image.storage_key,
                        "thumbnail_key": image.thumbnail_key, "created_at": created + timedelta(seconds=position + 1)})
        yield run_rows, generation_rows, image_rows


def _insert(connection, rows) -> int:
    run_rows, generation_rows, image_rows = rows
    connection.execute(insert(Run), run_rows)
    connection.execute(insert(Generation), generation_rows)
    if image_rows:
        connection.execute(insert(Image), image_rows)
    return len(image_rows)


def _postgres_fts_triggers(connection) -> list[tuple[str, str]]:
    """(table, trigger) of migration 0004's triggers; refuses when the tables have other triggers of their own,
    whose work the bulk path would skip without doing it afterwards."""
    found = connection.exec_driver_sql(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
        "AND tgrelid IN ('runs'::regclass, 'generations'::regclass, 'images'::regclass) ORDER BY 1, 2").all()
    triggers = sorted((table, name) for table, name in found)
    if triggers != sorted(PG_FTS_TRIGGERS):
        raise RuntimeError(f"unexpected triggers on runs/generations/images: {triggers} (expected "
                           f"{sorted(PG_FTS_TRIGGERS)}); the bulk seed only redoes the full-text index: seed with "
                           "search_index='triggers' or teach it the new triggers")
    return triggers


def seed(store, generations: int, runs: int, *, seed_value: int = 1, search_index: str = "bulk") -> dict:
    """Insert `runs` runs holding `generations` generations in all; return counts for the report.

    `search_index` (PostgreSQL only): "bulk" builds `runs_fts` once at the end, "triggers" lets the triggers
    of migration 0004 rebuild it on every insert. The counts then hold `search_index_s`, the seconds the bulk
    build took (0 with triggers)."""
    if runs < 1 or generations < runs:
        raise ValueError("need runs >= 1 and generations >= runs")
    if search_index not in ("bulk", "triggers"):
        raise ValueError(f"search_index must be 'bulk' or 'triggers', got {search_index!r}")
    rng = random.Random(seed_value)
    stored = [store.files.put(png, "png") for png in tiny_pngs()]
    engine = store.engine
    images = 0
    counts = {"runs": runs, "generations": generations, "distinct_files": len(stored)}
    if engine.dialect.name != "postgresql":
        for rows in _chunks(rng, stored, generations, runs):
            with engine.begin() as connection:
                images += _insert(connection, rows)
        return {**counts, "images": images}
    bulk = search_index == "bulk"
    build_s = 0.0
    with engine.begin() as connection:  # one transaction: a failed seed leaves no trigger disabled
        triggers = _postgres_fts_triggers(connection) if bulk else []
        for table, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        for rows in _chunks(rng, stored, generations, runs):
            images += _insert(connection, rows)
        if bulk:
            started = time.perf_counter()
            connection.exec_driver_sql(PG_BUILD_RUNS_FTS)
            build_s = time.perf_counter() - started
        for table, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        for table in ("runs", "generations"):  # the rows came with their ids: the next insert gets a new one
            connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))")
    return {**counts, "images": images, "search_index": search_index, "search_index_s": round(build_s, 2)}


def check_postgres(generations: int, runs: int) -> bool:
    """Seed one database per way on a throw-away PostgreSQL server; compare their runs_fts row by row, also after
    the same writes through the store (so the bulk-seeded database's triggers and id sequences are live)."""
    from imagegen.history import HistoryStore, dispose_engines
    from scripts.pg_server import running_postgres

    def index(store) -> dict[int, str]:
        with store.engine.connect() as connection:
            return dict(connection.exec_driver_sql("SELECT run_id, body::text FROM runs_fts").all())

    def stale(store) -> int:  # rows differing from a rebuild by the migration's functions now
        with store.engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT count(*) FROM runs r FULL JOIN runs_fts f ON f.run_id = r.id "
                "WHERE f.body IS DISTINCT FROM runs_fts_document(runs_fts_text(r.id))").scalar()

    ok = True
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as server:
        stores = {}
        for mode in ("triggers", "bulk"):
            store = stores[mode] = HistoryStore(database_url=server.create_database(f"check_{mode}"),
                                                data_dir=Path(tmp) / mode)
            started = time.perf_counter()
            counts = seed(store, generations, runs, search_index=mode)
            print(f"{mode:>8}: seeded {counts['generations']:,} generations in {counts['runs']:,} runs in "
                  f"{time.perf_counter() - started:.2f} s; {stale(store)} runs_fts rows differ from a rebuild")
        for step in ("after seeding", "after the same writes on both"):
            triggers, bulk = index(stores["triggers"]), index(stores["bulk"])
            differ = sorted(key for key in triggers.keys() | bulk.keys() if triggers.get(key) != bulk.get(key))
            rare = sum(RARE_WORD in body for body in bulk.values())
            print(f"{step}: {len(triggers):,} vs {len(bulk):,} runs_fts rows ({rare} with '{RARE_WORD}'), "
                  f"{len(differ)} differ{': ' + str(differ[:10]) if differ else ''}")
            ok = ok and not differ and len(bulk) == runs  # one run added, one deleted
            if step == "after seeding":
                for store in stores.values():
                    new_run = store.create_run(f"a {RARE_WORD} at dawn", rulesets=[{"name": "n", "rules": ["r"]}])
                    store.delete_run(2)
                    with store.engine.begin() as connection:
                        connection.exec_driver_sql("UPDATE generations SET prompt = prompt || ' édition' "
                                                   "WHERE run_id = 3")
                        connection.exec_driver_sql("UPDATE runs SET notes = 'kept' WHERE id = 4")
                    assert new_run == runs + 1, new_run  # the id sequence is past the seeded ids
        dispose_engines()
    print("the bulk-built index equals the trigger-built one" if ok else "MISMATCH")
    return ok


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Check the bulk PostgreSQL seed against a trigger-built one.")
    parser.add_argument("--check", action="store_true", required=True)
    parser.add_argument("--generations", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=2100)
    arguments = parser.parse_args()
    raise SystemExit(0 if check_postgres(arguments.generations, arguments.runs) else 1)
