"""How long the offline driver takes per image, by size and style. Prints a table; writes JSON.

Usage: .venv/bin/python bench/local_driver.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from imagegen.drivers import LocalImageGenerationDriver  # noqa: E402
from imagegen.render import STYLES  # noqa: E402

PROMPT = "a red fox in a green forest at sunset"


def measure(size: int, style: str | None, repeat: int) -> dict:
    times = []
    for seed in range(repeat):
        driver = LocalImageGenerationDriver(image_width=size, image_height=size, seed=seed, style_preset=style)
        started = time.perf_counter()
        driver.run_text_to_image([PROMPT])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"size": size, "style": style or "default", "median_ms": round(statistics.median(times), 1),
            "max_ms": round(times[-1], 1), "runs": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default="bench/results/local_driver.json")
    args = parser.parse_args()
    rows = [measure(size, style, args.repeat) for size in (512, 1024) for style in (None, *STYLES)]
    print(f"{'size':>6} {'style':<14} {'median ms':>10} {'max ms':>8}")
    for row in rows:
        print(f"{row['size']:>6} {row['style']:<14} {row['median_ms']:>10} {row['max_ms']:>8}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
