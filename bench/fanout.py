"""Fan-out: wall time of K emulated slots through imagegen.compare.run vs the slowest slot, a plain
sequential loop over the same imagegen drivers, and Griptape 1.13's drivers called in a loop.

Every provider gets an injected latency L (emu.inject(provider, "latency", seconds=L)): the service's
response time, with the emulator's own rendering and encoding done inside it as a real provider's
generation time includes its rendering; for Leonardo, the job's duration from create to COMPLETE (its
driver then polls). So the best possible wall time for K slots in parallel is max(L) ("limit"). The
"one slow slot" variant adds a count=1 latency fault on OpenAI, so exactly one slot (slot 0) takes
`--slow` seconds.

Griptape runs in a bench-only venv, bench/.venv-griptape (created from bench/requirements-griptape.txt
when missing), through bench/griptape_runner.py; the emulator always runs in this process.

imagegen runs active (current) models only. Griptape 1.13 knows only the old ones: its OpenAI/Azure driver sends
`response_format`, which gpt-image-2 refuses; its Bedrock model drivers speak SDXL and Titan bodies only; its Leonardo
driver cannot send `contrast`, which Phoenix requires. So each Griptape slot tries the slot's own model first, then
(`griptape_candidates`) the retired models the catalog names this model as successor of, as with allow_retired: the
emulator still serves retired Bedrock models (unless `emu.bedrock_end_of_life`) but answers retired OpenAI ids 404;
for a Leonardo native model, a legacy (SDXL-era, still served) model. A slot with no candidate Griptape can call is
"n/a" with the reasons; the Griptape column then times only the slots it ran ("gt slots", e.g. 3/8), next to
imagegen's sequential loop over those same slot positions ("seq same s"), and the printed note says which model
each Griptape slot used instead.

Usage: .venv/bin/python bench/fanout.py [--ks 2 4 8] [--latency 1.0] [--slow 2.0] [--repeat 1] [--no-griptape]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imagegen import catalog, compare  # noqa: E402
from imagegen.catalog.leonardo import LEONARDO_MODELS, NATIVE_MODELS  # noqa: E402
from imagegen.catalog.openai import azure_api_version  # noqa: E402
from imagegen.emulator import Emulator  # noqa: E402
from imagegen.providers.bedrock.emulator_rules import SD3_ASPECT_RATIOS  # noqa: E402
from imagegen.slots import SlotSpec, build_driver  # noqa: E402

PROMPT = "a red fox in a green forest at sunset"
PROVIDERS = ("openai", "azure", "bedrock", "leonardo")
SPECS = [  # active models only (the catalog refuses retired ones)
    SlotSpec("openai", "gpt-image-2", {"quality": "low"}),
    SlotSpec("azure", "gpt-image-2"),
    SlotSpec("bedrock", "stability.stable-image-core-v1:1"),  # the Stability v3 models take aspect_ratio (1:1 default)
    SlotSpec("bedrock", "stability.sd3-5-large-v1:0"),
    SlotSpec("bedrock", "stability.stable-image-ultra-v1:1"),
    # Phoenix 1.0 (contrast sent at its default); polls: create, PENDING, COMPLETE, download
    SlotSpec("leonardo", "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"),
]
# For Griptape's Leonardo slot when a native model is refused: the first legacy (SDXL-era) model of the catalog.
LEONARDO_LEGACY = next(m.id for m in LEONARDO_MODELS if m.legacy)
TARGET = 1.10  # imagegen wall <= TARGET x max(L) at the largest K
GRIPTAPE_VENV = ROOT / "bench" / ".venv-griptape"
GRIPTAPE_REQS = ROOT / "bench" / "requirements-griptape.txt"
GRIPTAPE_RUNNER = ROOT / "bench" / "griptape_runner.py"


def specs_for(k: int) -> list[SlotSpec]:
    """The first k slots of the mix, cycling (K=8 repeats OpenAI and Azure)."""
    return [SPECS[i % len(SPECS)] for i in range(k)]


def label(spec: SlotSpec) -> str:
    return f"{spec.provider} {spec.model}"


def griptape_spec(provider: str, model_id: str, options: dict) -> dict:
    """A slot in the runner's terms: Bedrock pixel sizes instead of aspect ratios; Azure's api-version."""
    model = catalog.get_provider(provider).model(model_id)
    options = {k: v for k, v in options.items() if model is None or model.option(k) is not None}
    if provider == "bedrock":
        ratio = options.pop("aspect_ratio", "1:1")
        options.setdefault("width", SD3_ASPECT_RATIOS[ratio][0])
        options.setdefault("height", SD3_ASPECT_RATIOS[ratio][1])
    spec = {"provider": provider, "model": model_id, "options": options}
    if provider == "azure":
        spec["api_version"] = azure_api_version(model_id)
    return spec


def griptape_candidates(spec: SlotSpec) -> list[dict]:
    """What Griptape's slot tries, in order: the slot's own model; then, as with allow_retired, the retired models
    whose catalog successor it is (catalog order); for a Leonardo native model, a legacy model."""
    provider = catalog.get_provider(spec.provider)
    options = spec.set_options()
    candidates = [griptape_spec(spec.provider, spec.model, options)]
    candidates += [griptape_spec(spec.provider, m.id, options) for m in provider.models
                   if m.retired and m.successor == spec.model]
    if spec.provider == "leonardo" and spec.model in NATIVE_MODELS:
        default_w, default_h = (provider.model(spec.model).option(n).default for n in ("width", "height"))
        size = {"width": options.get("width", default_w), "height": options.get("height", default_h)}
        candidates.append(griptape_spec("leonardo", LEONARDO_LEGACY, size))
    return candidates


def set_faults(emu: Emulator, latency: float, slow: float | None) -> None:
    """Latency L on every request of every provider; with `slow`, the next OpenAI request gets `slow` s total."""
    emu.reset()
    if latency > 0:
        for provider in PROVIDERS:
            emu.inject(provider, "latency", seconds=latency)
    if slow is not None and slow > latency:
        emu.inject("openai", "latency", seconds=slow - latency, count=1)


def time_compare(url: str, k: int) -> dict:
    slots = [compare.Slot(spec, build_driver(spec, url)) for spec in specs_for(k)]
    started = time.monotonic()
    results = list(compare.run(slots, [PROMPT]))
    wall = time.monotonic() - started
    errors = [f"{r.spec.provider} {r.spec.model}: {r.error}" for r in results if r.error]
    per_slot = sorted((r.position, round(r.finished_at - r.started_at, 3)) for r in results)
    return {"wall_s": round(wall, 4), "slot_s": [s for _, s in per_slot], "errors": errors}


def time_sequential(url: str, k: int, positions: list[int] | None = None) -> dict:
    """A plain loop over the first k slots (or only those slot positions)."""
    specs = [spec for i, spec in enumerate(specs_for(k)) if positions is None or i in positions]
    drivers = [build_driver(spec, url) for spec in specs]
    errors = []
    started = time.monotonic()
    for spec, driver in zip(specs, drivers, strict=True):
        try:
            driver.run_text_to_image([PROMPT])
        except Exception as exc:
            errors.append(f"{spec.provider} {spec.model}: {exc}")
    return {"wall_s": round(time.monotonic() - started, 4), "errors": errors}


def warm_up(emu: Emulator) -> list[dict]:
    """Zero-latency calls per slot: the first pass warms imports, the second is each slot's floor."""
    emu.reset()
    for spec in SPECS:
        build_driver(spec, emu.url).run_text_to_image([PROMPT])
    rows = []
    for spec in SPECS:
        started = time.perf_counter()
        build_driver(spec, emu.url).run_text_to_image([PROMPT])
        rows.append({"slot": f"{spec.provider} {spec.model}", "s": round(time.perf_counter() - started, 3)})
    return rows


# ---- Griptape ------------------------------------------------------------------------------------

def griptape_python() -> tuple[Path | None, str]:
    """The bench venv's python, creating the venv when missing; (None, reason) when it cannot be had."""
    python = GRIPTAPE_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {GRIPTAPE_VENV} (Griptape, bench only) ...", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(GRIPTAPE_VENV)], capture_output=True, text=True)
        if made.returncode != 0:
            return None, f"python -m venv failed: {made.stderr.strip()[-300:]}"
    check = subprocess.run([str(python), "-c", "import griptape, boto3, openai, requests, PIL"], capture_output=True)
    if check.returncode != 0:
        pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(GRIPTAPE_REQS)],
                             capture_output=True, text=True)
        if pip.returncode != 0:
            return None, f"pip install -r {GRIPTAPE_REQS.name} failed: {pip.stderr.strip()[-300:]}"
    return python, ""


class Runner:
    """A client subprocess (Griptape's runner, or this script's --worker); the parent injects each phase's
    faults between the child's "ready" and our "go", so warm-up calls run without latency."""

    def __init__(self, command: list[str]):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.warm = self.read("warm")

    @classmethod
    def griptape(cls, python: Path, emu: Emulator, phases: list[dict]) -> Runner:
        slots = [{"slot": label(spec), "candidates": griptape_candidates(spec)} for spec in SPECS]
        return cls([str(python), str(GRIPTAPE_RUNNER), "--url", emu.url, "--slots", json.dumps(slots),
                    "--phases", json.dumps(phases)])

    @classmethod
    def imagegen(cls, emu: Emulator, phases: list[dict]) -> Runner:
        return cls([sys.executable, str(Path(__file__).resolve()), "--worker", emu.url, "--phases", json.dumps(phases)])

    def read(self, event: str) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"griptape runner exited ({self.proc.returncode}): "
                               f"{self.proc.stderr.read().strip()[-400:]}")
        payload = json.loads(line)
        if payload.get("event") != event:
            raise RuntimeError(f"griptape runner sent {payload.get('event')!r}, expected {event!r}")
        return payload

    def run_phase(self, emu: Emulator, latency: float, slow: float | None) -> dict:
        self.read("ready")
        set_faults(emu, latency, slow)
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return self.read("result")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def worker(url: str, phases: list[dict]) -> None:
    """--worker: compare.run in its own process, so the client does not share the emulator's GIL."""
    for spec in SPECS:
        build_driver(spec, url).run_text_to_image([PROMPT])

    def emit(payload: dict) -> None:
        sys.stdout.write(json.dumps(payload) + "\n")
        sys.stdout.flush()

    emit({"event": "warm"})
    for phase in phases:
        emit({"event": "ready", "phase": phase["name"]})
        if not sys.stdin.readline():
            return
        result = time_compare(url, phase["k"])
        emit({"event": "result", "phase": phase["name"], "wall_s": result["wall_s"], "errors": result["errors"],
              "slots": []})


# ---- main ----------------------------------------------------------------------------------------

def median_of(runs: list[dict]) -> float:
    return round(statistics.median(r["wall_s"] for r in runs), 3)


def print_griptape_note(info: dict, rows: list[dict]) -> None:
    """Which model each Griptape slot ran instead of imagegen's, or why it is n/a."""
    print(f"griptape {info.get('version')} note: imagegen runs active models; Griptape's slots differ where it "
          f"cannot call them (gt slots = slots it ran; seq same = imagegen's sequential loop over those positions):")
    for slot in info.get("slots", []):
        refused = "; ".join(f"{t['model']}: {t['error']}" for t in slot["tried"] if "error" in t)
        if slot.get("used") is None:
            print(f"  {slot['slot']}: n/a -- {refused}")
        elif slot["used"] == slot["slot"].split(" ", 1)[1]:
            print(f"  {slot['slot']}: same model")
        else:
            status = catalog.get_provider(slot["slot"].split()[0]).model(slot["used"])
            kind = "retired, still served by the emulator" if status and status.retired else "legacy"
            print(f"  {slot['slot']}: Griptape runs {slot['used']} ({kind}) instead -- {refused}")
        if slot.get("note"):
            print(f"    note: {slot['note']}")
    slow_rows = [r for r in rows if r["slow_s"]]
    first = info.get("slots", [{}])[0]
    if slow_rows and not first.get("used"):
        print(f"  one-slow rows: the slow slot is slot 0 ({first.get('slot')}), which Griptape does not run: its "
              f"time has no slow slot (nor has seq same s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--latency", type=float, default=1.0, help="L, injected per request on every provider")
    parser.add_argument("--slow", type=float, default=2.0, help="the one slow slot's latency (0: skip the variant)")
    parser.add_argument("--slow-ks", type=int, nargs="*", default=[8], help="K values for the one-slow variant")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell (median reported)")
    parser.add_argument("--no-griptape", action="store_true")
    parser.add_argument("--no-subprocess", action="store_true", help="skip imagegen in a client subprocess")
    parser.add_argument("--out", default="bench/results/fanout.json")
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--phases", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, json.loads(args.phases))
        return

    cases = [{"name": f"K={k} L={args.latency:g}", "k": k, "latency": args.latency, "slow": None} for k in args.ks]
    if args.slow:
        cases += [{"name": f"K={k} one slow ({args.slow:g})", "k": k, "latency": args.latency, "slow": args.slow}
                  for k in args.slow_ks]

    emu = Emulator(port=0, quiet=True).start()
    try:
        floors = warm_up(emu)
        phases = [{"name": f"{c['name']} #{i}", "k": c["k"]} for c in cases for i in range(args.repeat)]
        sub = None if args.no_subprocess else Runner.imagegen(emu, phases)
        griptape_info: dict = {"available": False, "reason": "skipped (--no-griptape)"}
        runner = None
        if not args.no_griptape:
            python, reason = griptape_python()
            griptape_info = {"available": python is not None, "reason": reason}
            if python is not None:
                try:
                    runner = Runner.griptape(python, emu, phases)
                    griptape_info.update(version=runner.warm["griptape"], slots=runner.warm["slots"])
                except RuntimeError as exc:
                    griptape_info = {"available": False, "reason": str(exc)}
        # slot positions (of SPECS) Griptape runs, with some model
        gt_usable = {i for i, slot in enumerate(griptape_info.get("slots", [])) if slot.get("used")}
        rows = []
        for case in cases:
            k, latency, slow = case["k"], case["latency"], case["slow"]
            limit = max(latency, slow or 0.0)
            # the slowest slot on its own: its latency plus its zero-latency floor (emulator render + transfer)
            alone = max(floors[i % len(SPECS)]["s"] + (slow if slow and i == 0 else latency) for i in range(k))
            imagegen_runs, floor_runs, seq_runs, gt_runs, sub_runs, same_runs = [], [], [], [], [], []
            same = [i for i in range(k) if i % len(SPECS) in gt_usable]  # the positions Griptape runs
            for _ in range(args.repeat):
                set_faults(emu, 0.0, None)
                floor_runs.append(time_compare(emu.url, k))
                set_faults(emu, latency, slow)
                imagegen_runs.append(time_compare(emu.url, k))
                set_faults(emu, latency, slow)
                seq_runs.append(time_sequential(emu.url, k))
                if sub is not None:
                    sub_runs.append(sub.run_phase(emu, latency, slow))
                if runner is not None:
                    gt_runs.append(runner.run_phase(emu, latency, slow))
                    if same and len(same) < k:
                        set_faults(emu, latency, slow)
                        same_runs.append(time_sequential(emu.url, k, same))
            gt_errors = sorted({f"{s['slot']}: {s['error']}" for r in gt_runs for s in r["slots"] if "error" in s})
            row = {
                "case": case["name"], "k": k, "latency_s": latency, "slow_s": slow, "limit_s": limit,
                "slowest_alone_s": round(alone, 3),
                "imagegen_s": median_of(imagegen_runs), "ratio": round(median_of(imagegen_runs) / limit, 3),
                "imagegen_no_latency_s": median_of(floor_runs),
                "imagegen_subprocess_s": median_of(sub_runs) if sub_runs else None,
                "imagegen_subprocess_ratio": round(median_of(sub_runs) / limit, 3) if sub_runs else None,
                "sequential_s": median_of(seq_runs),
                "griptape_s": median_of(gt_runs) if gt_runs and same and not gt_errors else None,
                "griptape_ran": len(same) if runner is not None else 0,
                "sequential_same_s": (median_of(same_runs) if same_runs
                                      else median_of(seq_runs) if runner is not None and same else None),
                "griptape_na": sorted({s["slot"] for r in gt_runs for s in r["slots"] if "na" in s}),
                "imagegen_slot_s": imagegen_runs[-1]["slot_s"],
                "griptape_slot_s": [s.get("s") for s in gt_runs[-1]["slots"]] if gt_runs else None,
                "errors": sorted({e for r in imagegen_runs + seq_runs + floor_runs + sub_runs + same_runs
                                  for e in r["errors"]}),
                "griptape_errors": gt_errors,
            }
            rows.append(row)
        for child in (sub, runner):
            if child is not None:
                child.close()
    finally:
        emu.stop()

    print(f"{'case':<22} {'K':>2} {'limit s':>8} {'alone s':>8} {'imagegen s':>11} {'ratio':>6} {'ig subproc s':>13} "
          f"{'ratio':>6} {'ig L=0 s':>9} {'sequential s':>13} {'gt slots':>8} {'seq same s':>11} {'griptape s':>11}")
    for row in rows:
        griptape = f"{row['griptape_s']:.3f}" if row["griptape_s"] is not None else "n/a"
        same_s = f"{row['sequential_same_s']:.3f}" if row["sequential_same_s"] is not None else "n/a"
        gt_slots = f"{row['griptape_ran']}/{row['k']}" if griptape_info["available"] else "n/a"
        sub_s = f"{row['imagegen_subprocess_s']:.3f}" if row["imagegen_subprocess_s"] is not None else "n/a"
        sub_ratio = f"{row['imagegen_subprocess_ratio']:.2f}" if row["imagegen_subprocess_ratio"] is not None else "n/a"
        print(f"{row['case']:<22} {row['k']:>2} {row['limit_s']:>8.2f} {row['slowest_alone_s']:>8.2f} "
              f"{row['imagegen_s']:>11.3f} "
              f"{row['ratio']:>6.2f} {sub_s:>13} {sub_ratio:>6} {row['imagegen_no_latency_s']:>9.3f} "
              f"{row['sequential_s']:>13.3f} {gt_slots:>8} {same_s:>11} {griptape:>11}")
        for error in row["errors"] + [f"griptape: {e}" for e in row["griptape_errors"]]:
            print(f"    ! {error}")
        if griptape_info["available"] and row["griptape_ran"] == 0:
            print(f"    griptape n/a: Griptape 1.13 can call none of these {row['k']} slots (see the note below)")
    if not griptape_info["available"]:
        print(f"griptape: unavailable -- {griptape_info['reason']}")
    else:
        print_griptape_note(griptape_info, rows)
    print("limit = max(L); alone = the slowest slot run by itself (its L + its zero-latency floor); "
          "ig subproc = compare.run in a child process (not sharing the emulator's GIL); ig L=0 = compare.run "
          "with no injected latency")
    print("zero-latency single-slot floor (emulator render + transfer): "
          + ", ".join(f"{f['slot'].split()[-1]} {f['s']:.2f}s" for f in floors))
    k_max = max(args.ks)
    target_row = next((r for r in rows if r["k"] == k_max and r["slow_s"] is None), None)
    verdict = None
    if target_row is not None:
        verdict = target_row["ratio"] <= TARGET
        print(f"target imagegen <= {TARGET:.2f} x max(L) at K={k_max}: {target_row['imagegen_s']:.3f} s vs "
              f"{TARGET * target_row['limit_s']:.3f} s -> {'HOLDS' if verdict else 'DOES NOT HOLD'}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "target": {"ratio": TARGET, "k": k_max, "holds": verdict},
                               "floors": floors, "griptape": griptape_info, "repeat": args.repeat,
                               "prompt": PROMPT}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
