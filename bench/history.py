"""How fast the History page is on a large history: page, filters, full-text search, run detail, delete,
and the memory one page takes. Prints a table with each target; writes JSON.

Seeds a fresh temporary data dir per size with synthetic runs (bench/history_seed.py: bulk Core inserts on
the store's engine, FTS triggers firing, a few tiny PNGs reused), then times the store's public API:
the first call on a freshly opened store, and the median of `--repeat` further calls.
Peak memory of loading one page (search_runs + get_run of its 10 runs) is measured with tracemalloc at
every size in `--sizes`, to show it does not grow with the history.

Usage: .venv/bin/python bench/history.py [--generations 100000] [--runs 35000] [--sizes 10000,100000]
                                         [--repeat 15] [--keep]
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

PAGE = 10
COMMON_WORD = WORDS[0]
TARGETS_MS = {"first page": 50, "filtered page": 50, "search (common word)": 200, "search (rare word)": 200,
              "run detail": 20}


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


def open_store(data_dir: Path) -> HistoryStore:
    return HistoryStore(database_url=f"sqlite:///{data_dir / 'imagegen.db'}", data_dir=data_dir)


def seeded(generations: int, runs: int, root: Path) -> tuple[Path, dict]:
    data_dir = root / f"history-{generations}"
    store = open_store(data_dir)
    started = time.perf_counter()
    counts = seed(store, generations, runs)
    counts["seed_s"] = round(time.perf_counter() - started, 2)
    dispose_engines()  # the measurements start on a freshly opened store (no pooled connections, cold caches)
    counts["db_mb"] = round(sum(path.stat().st_size for path in data_dir.glob("imagegen.db*")) / 2**20, 1)
    return data_dir, counts


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generations", type=int, default=100_000, help="generations at the full size")
    parser.add_argument("--runs", type=int, default=35_000, help="runs at the full size")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated generation counts for the memory comparison "
                             "(default: generations/10 and generations); runs scale in proportion")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs and print where")
    parser.add_argument("--out", default="bench/results/history.json")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")} if args.sizes
                   else {max(1, args.generations // 10), args.generations})
    if args.generations not in sizes:
        sizes.append(args.generations)
    root = Path(tempfile.mkdtemp(prefix="imagegen-bench-history-"))
    report = {"generations": args.generations, "runs": args.runs, "page": PAGE, "repeat": args.repeat,
              "common_word": COMMON_WORD, "rare_word": RARE_WORD, "sizes": {}}
    try:
        for size in sizes:
            runs = max(1, round(args.runs * size / args.generations))
            data_dir, counts = seeded(size, runs, root)
            print(f"seeded {counts['generations']:,} generations in {counts['runs']:,} runs "
                  f"({counts['images']:,} image rows, {counts['distinct_files']} files, {counts['db_mb']} MB) "
                  f"in {counts['seed_s']} s", flush=True)
            store = open_store(data_dir)
            entry = {"seed": counts}
            if size == args.generations:
                entry.update(measure_api(store, args.repeat))
            entry["page_memory"] = page_memory(store, args.repeat)
            report["sizes"][str(size)] = entry
            dispose_engines()
    finally:
        if args.keep:
            print(f"data dirs kept under {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    full = report["sizes"][str(args.generations)]
    rows = []
    for name, timing in full["timings"].items():
        target = TARGETS_MS.get(name)
        holds = None if target is None else timing["median_ms"] <= target
        rows.append((name, timing["first_ms"], timing["median_ms"], timing["max_ms"],
                     f"<= {target} ms" if target else "-", "-" if holds is None else ("yes" if holds else "NO")))
        timing["target_ms"], timing["holds"] = target, holds
    print(f"\nat {args.generations:,} generations / {full['seed']['runs']:,} runs "
          f"(matches: '{COMMON_WORD}' {full['matches']['common']:,} runs, '{RARE_WORD}' {full['matches']['rare']:,}, "
          f"openai+error {full['matches']['filtered']:,})")
    print(f"{'operation':<26} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'target':>10} {'holds':>6}")
    for name, first, median, worst, target, holds in rows:
        print(f"{name:<26} {first:>9} {median:>10} {worst:>8} {target:>10} {holds:>6}")
    peaks = {size: entry["page_memory"]["peak_kib_median"] for size, entry in report["sizes"].items()}
    smallest, largest = peaks[str(sizes[0])], peaks[str(sizes[-1])]
    ratio = largest / smallest if smallest else float("inf")
    independent = ratio <= 1.25  # within 25 %: the same page of the same shape, whatever the history size
    report["page_memory_ratio"], report["page_memory_independent"] = round(ratio, 2), independent
    print(f"\n{'generations':>12} {'seed s':>7} {'page peak KiB':>14}")
    for size, entry in report["sizes"].items():
        print(f"{int(size):>12,} {entry['seed']['seed_s']:>7} {entry['page_memory']['peak_kib_median']:>14}")
    print(f"page memory {sizes[-1]:,} vs {sizes[0]:,}: x{ratio:.2f} -> independent of size: "
          f"{'yes' if independent else 'NO'}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
