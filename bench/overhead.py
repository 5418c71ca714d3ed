"""Per-image overhead of imagegen over a raw SDK call, for a 1024x1024 PNG from the emulator (no latency).

Variants, per target (active models: OpenAI gpt-image-2 1024x1024; Bedrock Stable Image Core v1:1, aspect ratio
1:1 = 1024x1024):
  (a) raw SDK: openai.OpenAI(...).images.generate + b64decode / boto3 invoke_model + json + b64decode,
      with one client made up front (the best case for hand-written code, in the region the driver calls: us-west-2
      for the Stability models), sending the body the driver sends (checked on the wire before measuring: the
      emulator's recorded path and JSON body of one raw call and one driver call must be equal);
  (b) the imagegen driver's run_text_to_image (driver built once);
  (c) (b) as compare runs it (compare.run_slot: pricing, SlotResult) + history save through
      imagegen.recording (start_run + record: file, thumbnail, rows) into a HistoryStore in a temp dir.
The emulator's own rendering (~0.1-0.4 s) is in all three. Variants are interleaved per iteration, and each
iteration uses its own prompt, so every saved image is new to the store (no de-duplication shortcut).

Target: median (c) <= 1.5 x median (a) + 30 ms.

Usage: .venv/bin/python bench/overhead.py [--runs 20] [--warmup 2]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3  # noqa: E402
import openai  # noqa: E402

from imagegen import compare, recording  # noqa: E402
from imagegen.catalog.bedrock import home_region  # noqa: E402
from imagegen.emulator import Emulator  # noqa: E402
from imagegen.history import HistoryStore  # noqa: E402
from imagegen.slots import EMULATED_KEY, SlotSpec, build_driver  # noqa: E402

PROMPT = "a red fox in a green forest at sunset"
TARGETS = {
    "openai gpt-image-2": SlotSpec("openai", "gpt-image-2", {"size": "1024x1024"}),
    "bedrock core v1:1": SlotSpec("bedrock", "stability.stable-image-core-v1:1", {"aspect_ratio": "1:1"}),
}
VARIANTS = ("a raw SDK", "b driver", "c driver+history")


def raw_call(spec: SlotSpec, url: str):
    """A function prompt -> PNG bytes using the provider's SDK directly (client made once, here)."""
    body_for = build_driver(spec, url)  # only to borrow the exact body imagegen sends
    if spec.provider == "openai":
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=EMULATED_KEY)

        def call(prompt: str) -> bytes:
            body = body_for.prepare([prompt]).body
            return base64.b64decode(client.images.generate(**body).data[0].b64_json)

        return call
    region = home_region(spec.model) or "us-east-1"  # where the driver calls this model with no region configured
    client = boto3.Session(aws_access_key_id="AKIAEMULATED00000000", aws_secret_access_key=EMULATED_KEY,
                           region_name=region).client("bedrock-runtime", endpoint_url=url)

    def call(prompt: str) -> bytes:
        body = body_for.prepare([prompt]).body
        response = client.invoke_model(modelId=spec.model, body=json.dumps(body), accept="application/json",
                                       contentType="application/json")
        payload = json.loads(response["body"].read())
        # Stability v3 / Titan answer {"images": [b64]}; SDXL answered {"artifacts": [{"base64"}]}
        encoded = payload["images"][0] if "images" in payload else payload["artifacts"][0]["base64"]
        return base64.b64decode(encoded)

    return call


def check_same_body(spec: SlotSpec, emu: Emulator, raw, driver) -> dict:
    """One call each with the same prompt: the emulator must have received the same path and JSON body."""
    prompt = f"{PROMPT} (body check)"
    seen = []
    for send in (raw, lambda p: driver.run_text_to_image([p])):
        send(prompt)
        request = emu.last_request(spec.provider)
        seen.append({"path": request.path, "body": request.json, "status": request.status})
    if seen[0] != seen[1]:
        raise SystemExit(f"{spec.provider} {spec.model}: the raw SDK call sent {seen[0]}, the driver {seen[1]}")
    return seen[0]


def measure(spec: SlotSpec, emu: Emulator, store: HistoryStore, runs: int,
            warmup: int) -> tuple[dict[str, list[float]], dict]:
    url = emu.url
    raw = raw_call(spec, url)
    driver = build_driver(spec, url)
    slot = compare.Slot(spec, driver)
    wire = check_same_body(spec, emu, raw, driver)

    def with_history(prompt: str) -> None:
        run_id = recording.start_run(store, prompt, [], [])
        result = compare.run_slot(0, slot, [prompt], [])
        if result.error is not None:
            raise result.error
        recording.record(store, run_id, result)

    steps = {VARIANTS[0]: raw, VARIANTS[1]: lambda p: driver.run_text_to_image([p]), VARIANTS[2]: with_history}
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for i in range(warmup + runs):
        prompt = f"{PROMPT} #{spec.provider}-{i}"
        order = VARIANTS[i % 3:] + VARIANTS[:i % 3]  # rotate, so no variant always runs first
        for name in order:
            started = time.perf_counter()
            steps[name](prompt)
            if i >= warmup:
                times[name].append((time.perf_counter() - started) * 1000)
    return times, wire


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--out", default="bench/results/overhead.json")
    args = parser.parse_args()
    rows, verdicts, wires = [], {}, {}
    with tempfile.TemporaryDirectory(prefix="imagegen-overhead-") as data_dir:
        store = HistoryStore(data_dir=data_dir)
        emu = Emulator(port=0, quiet=True).start()
        try:
            for target, spec in TARGETS.items():
                times, wires[target] = measure(spec, emu, store, args.runs, args.warmup)
                medians = {name: statistics.median(values) for name, values in times.items()}
                for name, values in times.items():
                    rows.append({"target": target, "variant": name, "median_ms": round(medians[name], 1),
                                 "p95_ms": round(p95(values), 1), "runs": len(values),
                                 "ratio_to_raw": round(medians[name] / medians[VARIANTS[0]], 3)})
                limit = 1.5 * medians[VARIANTS[0]] + 30
                verdicts[target] = {"c_median_ms": round(medians[VARIANTS[2]], 1), "limit_ms": round(limit, 1),
                                    "c_over_a": round(medians[VARIANTS[2]] / medians[VARIANTS[0]], 3),
                                    "b_minus_a_ms": round(medians[VARIANTS[1]] - medians[VARIANTS[0]], 1),
                                    "c_minus_b_ms": round(medians[VARIANTS[2]] - medians[VARIANTS[1]], 1),
                                    "holds": medians[VARIANTS[2]] <= limit}
        finally:
            emu.stop()
    print(f"{'target':<20} {'variant':<18} {'median ms':>10} {'p95 ms':>8} {'x raw':>6}")
    for row in rows:
        print(f"{row['target']:<20} {row['variant']:<18} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
              f"{row['ratio_to_raw']:>6.2f}")
    for target, wire in wires.items():
        print(f"{target}: raw SDK and driver sent the same body to {wire['path']}: {json.dumps(wire['body'])}")
    for target, v in verdicts.items():
        print(f"{target}: (c)/(a) = {v['c_over_a']:.2f}; driver adds {v['b_minus_a_ms']:+.1f} ms, history adds "
              f"{v['c_minus_b_ms']:+.1f} ms; target (c) <= 1.5 x (a) + 30 ms = {v['limit_ms']:.1f} ms: "
              f"{v['c_median_ms']:.1f} ms -> {'HOLDS' if v['holds'] else 'DOES NOT HOLD'}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "targets": verdicts, "runs": args.runs, "warmup": args.warmup,
                               "wire": wires}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
