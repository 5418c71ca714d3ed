"""How fast the History page is on a large history: page, filters, full-text search, run detail, delete,
and the memory one page takes, on SQLite and on PostgreSQL. Prints a table per backend with each target;
writes JSON.

Seeds a fresh database per backend and size with synthetic runs (bench/history_seed.py: bulk Core inserts
on the store's engine, a few tiny PNGs reused), then times the store's public API: the first call on a
freshly opened store, and the median of `--repeat` further calls.
- SQLite: a file in a temporary data dir; the FTS5 triggers fire on every insert.
- PostgreSQL: a database on a throw-away server (scripts/pg_server.py, PostgreSQL 15, durability off),
  passed to the store as its database URL. By default (`--pg-seed bulk`) the seed builds the tsvector index
  `runs_fts` in one statement after the inserts instead of through migration 0004's per-row triggers (the
  same index: `bench/history_seed.py --check`); `--pg-seed triggers` measures the per-row way. After seeding,
  `VACUUM ANALYZE` runs (autovacuum would, in production) so the planner has statistics.
Peak memory of loading one page (search_runs + get_run of its 10 runs) is measured with tracemalloc at
every size in `--sizes`, to show it does not grow with the history.

Usage: .venv/bin/python bench/history.py [--backend sqlite|postgresql|both] [--generations 100000]
                                         [--runs 35000] [--sizes 10000,100000] [--repeat 15]
                                         [--pg-seed bulk|triggers] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_seed import RARE_WORD, WORDS, seed  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import PngImagePlugin  # noqa: E402

from imagegen.artifacts import ImageArtifact  # noqa: E402
from imagegen.history import GenerationRecord, HistoryStore, RunFilter, dispose_engines  # noqa: E402
from scripts.pg_server import PostgresError, PostgresServer  # noqa: E402

PAGE = 10
COMMON_WORD = WORDS[0]
TARGETS_MS = {"first page": 50, "filtered page": 50, "search (common word)": 200, "search (rare word)": 200,
              "run detail": 20}
BACKENDS = ("sqlite", "postgresql")
TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(fn, repeat: int) -> dict:
    """First call, then the median and max of `repeat` more."""
    started = time.perf_counter()
    fn(0)
    first = time.perf_counter() - started
    times = []
    for index in range(1, repeat + 1):
        started = time.perf_counter()
        fn(index)
        times.append(time.perf_counter() - started)
    return {"first_ms": _ms(first), "median_ms": _ms(statistics.median(times)), "max_ms": _ms(max(times)),
            "repeat": repeat}


def open_store(url: str, data_dir: Path) -> HistoryStore:
    return HistoryStore(database_url=url, data_dir=data_dir)


def seeded(url: str, data_dir: Path, generations: int, runs: int, pg_seed: str) -> dict:
    store = open_store(url, data_dir)  # creates the schema (migrations), outside the seed time
    postgres = store.engine.dialect.name == "postgresql"
    started = time.perf_counter()
    counts = seed(store, generations, runs, search_index=pg_seed)
    counts["seed_s"] = round(time.perf_counter() - started, 2)
    if postgres:
        started = time.perf_counter()
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
            size = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        counts["vacuum_analyze_s"] = round(time.perf_counter() - started, 2)
    dispose_engines()  # the measurements start on a freshly opened store (no pooled connections)
    if not postgres:
        size = sum(path.stat().st_size for path in data_dir.glob("imagegen.db*"))
    counts["db_mb"] = round(size / 2**20, 1)
    return counts


def page_memory(store: HistoryStore, repeat: int) -> dict:
    """Peak traced memory (KiB) of one History page: search_runs + get_run of each visible run."""
    def load():
        runs, _ = store.search_runs(None, limit=PAGE)
        return [store.get_run(run.id) for run in runs]

    load()  # warm: statement caches, connection pool
    peaks = []
    for _ in range(repeat):
        tracemalloc.start()
        tracemalloc.reset_peak()
        details = load()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del details
        peaks.append(peak / 1024)
    return {"peak_kib_median": round(statistics.median(peaks), 1), "peak_kib_max": round(max(peaks), 1)}


def record_run(store: HistoryStore, index: int) -> int:
    """create_run + 3 x add_generation, each with a unique tiny PNG (as the Compare page records a run)."""
    run_id = store.create_run(f"a {RARE_WORD} over the {COMMON_WORD} {index}", rulesets=[], negative_rulesets=[])
    for position in range(3):
        buffer = io.BytesIO()
        PILImage.new("RGB", (16, 16), (index % 256, position, 7)).save(buffer, "PNG",
                                                                       pnginfo=_text_chunk(f"{index}-{position}"))
        artifact = ImageArtifact(buffer.getvalue(), {"provider": "local", "model": "local-procedural",
                                                     "prompt": "bench", "options": {"size": "16x16"}})
        store.add_generation(run_id, GenerationRecord.from_artifact(artifact, position=position,
                                                                    requested_options={"size": "16x16"}), artifact)
    return run_id


def _text_chunk(value: str):
    info = PngImagePlugin.PngInfo()
    info.add_text("bench", value)
    return info


def measure_api(store: HistoryStore, repeat: int) -> dict:
    results = {}
    results["first page"] = timed(lambda _: store.search_runs(None, limit=PAGE), repeat)
    filtered = RunFilter(providers=("openai",), statuses=("error",))
    results["filtered page"] = timed(lambda _: store.search_runs(filtered, limit=PAGE), repeat)
    results["search (common word)"] = timed(lambda _: store.search_runs(RunFilter(text=COMMON_WORD), limit=PAGE),
                                            repeat)
    results["search (rare word)"] = timed(lambda _: store.search_runs(RunFilter(text=RARE_WORD), limit=PAGE),
                                          repeat)
    counts = {"common": store.search_runs(RunFilter(text=COMMON_WORD), limit=0)[1],
              "rare": store.search_runs(RunFilter(text=RARE_WORD), limit=0)[1],
              "filtered": store.search_runs(filtered, limit=0)[1]}
    visible = [run.id for run in store.search_runs(None, limit=PAGE)[0]]
    total = store.count_runs()
    # details of runs spread over the history (not only the newest)
    spread = [max(1, total * (index + 1) // (repeat + 2)) for index in range(repeat + 1)]
    results["run detail"] = timed(lambda index: store.get_run(spread[index]), repeat)
    results["page: 10 x get_run"] = timed(lambda _: [store.get_run(run_id) for run_id in visible], repeat)
    results["page + 10 details"] = timed(
        lambda _: [store.get_run(run.id) for run in store.search_runs(None, limit=PAGE)[0]], repeat)
    # delete runs from the middle of the history, a different one each time; their files are shared with
    # ~10k other image rows each (the seed reuses 8 files), so none is removed
    victims = [total // 2 + index for index in range(repeat + 1)]
    results["delete run (shared files)"] = timed(lambda index: store.delete_run(victims[index]), repeat)
    # the path the app takes: a run of 3 slots with a new (unique) image each, then deleting it removes its files
    created = []
    results["record run (3 slots)"] = timed(lambda index: created.append(record_run(store, index)), repeat)
    results["delete run (own files)"] = timed(lambda index: store.delete_run(created[index]), repeat)
    return {"timings": results, "matches": counts}


def bench_backend(backend: str, sizes: list[int], args, root: Path, server: PostgresServer | None) -> dict:
    """Seed and measure every size on one backend; print its tables; return its part of the report."""
    title = TITLES[backend] + (f" {server.version} (throw-away server, durability off)" if server else "")
    print(f"\n== {title} ==", flush=True)
    result: dict = {"sizes": {}}
    if server is not None:
        result.update(server_version=server.version, seed_search_index=args.pg_seed)
    for size in sizes:
        runs = max(1, round(args.runs * size / args.generations))
        data_dir = root / f"{backend}-{size}"
        name = f"bench_{size}"
        url = f"sqlite:///{data_dir / 'imagegen.db'}" if server is None else server.create_database(name)
        try:
            counts = seeded(url, data_dir, size, runs, args.pg_seed)
            extra = ""
            if server is not None:
                how = (f"runs_fts built in one statement: {counts['search_index_s']} s"
                       if args.pg_seed == "bulk" else "runs_fts by the per-row triggers")
                extra = f" ({how}), then VACUUM ANALYZE in {counts['vacuum_analyze_s']} s"
            print(f"seeded {counts['generations']:,} generations in {counts['runs']:,} runs "
                  f"({counts['images']:,} image rows, {counts['distinct_files']} files, {counts['db_mb']} MB) "
                  f"in {counts['seed_s']} s{extra}", flush=True)
            store = open_store(url, data_dir)
            entry = {"seed": counts}
            if size == args.generations:
                entry.update(measure_api(store, args.repeat))
            entry["page_memory"] = page_memory(store, args.repeat)
            result["sizes"][str(size)] = entry
        finally:
            dispose_engines()
            if server is not None:
                server.drop_database(name)

    full = result["sizes"][str(args.generations)]
    print(f"\n{TITLES[backend]} at {args.generations:,} generations / {full['seed']['runs']:,} runs "
          f"(matches: '{COMMON_WORD}' {full['matches']['common']:,} runs, '{RARE_WORD}' {full['matches']['rare']:,}, "
          f"openai+error {full['matches']['filtered']:,})")
    print(f"{'operation':<26} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'target':>10} {'holds':>6}")
    for name, timing in full["timings"].items():
        target = TARGETS_MS.get(name)
        holds = None if target is None else timing["median_ms"] <= target
        timing["target_ms"], timing["holds"] = target, holds
        print(f"{name:<26} {timing['first_ms']:>9} {timing['median_ms']:>10} {timing['max_ms']:>8} "
              f"{f'<= {target} ms' if target else '-':>10} {'-' if holds is None else ('yes' if holds else 'NO'):>6}")
    peaks = {size: entry["page_memory"]["peak_kib_median"] for size, entry in result["sizes"].items()}
    smallest, largest = peaks[str(sizes[0])], peaks[str(sizes[-1])]
    ratio = largest / smallest if smallest else float("inf")
    independent = ratio <= 1.25  # within 25 %: the same page of the same shape, whatever the history size
    result["page_memory_ratio"], result["page_memory_independent"] = round(ratio, 2), independent
    print(f"\n{'generations':>12} {'seed s':>7} {'page peak KiB':>14}")
    for size, entry in result["sizes"].items():
        print(f"{int(size):>12,} {entry['seed']['seed_s']:>7} {entry['page_memory']['peak_kib_median']:>14}")
    print(f"page memory {sizes[-1]:,} vs {sizes[0]:,}: x{ratio:.2f} -> independent of size: "
          f"{'yes' if independent else 'NO'}", flush=True)
    return result


def print_comparison(backends: dict) -> None:
    """Median ms of every operation side by side, when both backends ran."""
    if len(backends) < 2 or not all("sizes" in result for result in backends.values()):
        return
    names = list(backends)
    timings = {backend: next(entry for entry in result["sizes"].values() if "timings" in entry)["timings"]
               for backend, result in backends.items()}
    print(f"\n{'median ms':<26}" + "".join(f" {TITLES[name]:>11}" for name in names) + f" {'target':>10}")
    for operation, timing in timings[names[0]].items():
        target = timing["target_ms"]
        print(f"{operation:<26}"[:26] + "".join(f" {timings[name][operation]['median_ms']:>11}" for name in names)
              + f" {f'<= {target} ms' if target else '-':>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--generations", type=int, default=100_000, help="generations at the full size")
    parser.add_argument("--runs", type=int, default=35_000, help="runs at the full size")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated generation counts for the memory comparison "
                             "(default: generations/10 and generations); runs scale in proportion")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pg-seed", choices=("bulk", "triggers"), default="bulk",
                        help="PostgreSQL: build the search index once after the inserts (default), or let the "
                             "per-row triggers build it")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary SQLite data dirs and print where (PostgreSQL databases go with "
                             "their throw-away server)")
    parser.add_argument("--out", default="bench/results/history.json")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")} if args.sizes
                   else {max(1, args.generations // 10), args.generations})
    if args.generations not in sizes:
        sizes.append(args.generations)
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    root = Path(tempfile.mkdtemp(prefix="imagegen-bench-history-"))
    report = {"generations": args.generations, "runs": args.runs, "page": PAGE, "repeat": args.repeat,
              "common_word": COMMON_WORD, "rare_word": RARE_WORD, "backends": {}}
    failed = None
    try:
        for backend in backends:
            if backend == "sqlite":
                report["backends"][backend] = bench_backend(backend, sizes, args, root, None)
                continue
            try:
                server = PostgresServer().start()
            except PostgresError as exc:
                failed = f"PostgreSQL could not be started: {exc}"
                report["backends"][backend] = {"error": failed}
                print(f"\n{failed}\n(--backend sqlite measures SQLite alone)", file=sys.stderr)
                continue
            try:
                report["backends"][backend] = bench_backend(backend, sizes, args, root, server)
            finally:
                server.stop()
    finally:
        if args.keep:
            print(f"data dirs kept under {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print_comparison(report["backends"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
