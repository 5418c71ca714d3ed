"""Cold start: `import imagegen` in a fresh interpreter, and the first Compare page a browser sees.

1. import: `python -c "import imagegen"` in a new process, median of N; also which provider SDKs that import
   pulls in (issue 12 wants `import imagegen` to import neither boto3 nor openai).
2. first page: `streamlit run app.py` on a free port with a temporary data dir; time from starting the process
   until the server is healthy, and until Chromium (Debian's, through Playwright) shows the Generate button.

Prints a table and writes bench/results/cold_start.json. Usage: .venv/bin/python bench/cold_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_click import CHROMIUM_ARGS, OUT, ROOT, free_port, start_app  # noqa: E402

MODULES = ("imagegen", "imagegen.catalog", "imagegen.drivers", "imagegen.slots")  # what a page or a script imports
PROBE = ("import sys, time; t = time.perf_counter(); import {module}; took = time.perf_counter() - t; "
         "print(took, ','.join(m for m in ('boto3', 'botocore', 'openai', 'requests', 'PIL', 'sqlalchemy', "
         "'streamlit') if m in sys.modules))")


def import_once(module: str) -> tuple[float, float, list[str]]:
    """(seconds for the whole process, seconds inside `import module`, SDK modules it loaded)."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    total = time.perf_counter() - started
    inside, _, modules = out.strip().partition(" ")
    return total, float(inside), [m for m in modules.split(",") if m]


def first_page_once() -> tuple[float, float]:
    """(seconds until the server is healthy, seconds until the browser shows Generate), from process start."""
    with tempfile.TemporaryDirectory() as data_dir, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        port = free_port()
        started = time.perf_counter()
        process = start_app(port, data_dir, 0.0)
        healthy = time.perf_counter() - started
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_role("button", name="Generate").wait_for(timeout=60_000)
            shown = time.perf_counter() - started
        finally:
            browser.close()
            process.terminate()
            process.wait(timeout=10)
    return healthy, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result: dict = {"runs": args.runs, "imports": {}}
    print(f"{'measure':34} {'median s':>9}  modules it loaded")
    for module in MODULES:
        runs = [import_once(module) for _ in range(args.runs)]
        result["imports"][module] = {"process_s": statistics.median(r[0] for r in runs),
                                     "import_s": statistics.median(r[1] for r in runs), "loaded": runs[0][2]}
        print(f"{'import ' + module:34} {result['imports'][module]['import_s']:9.3f}  {', '.join(runs[0][2])}")
    pages = [first_page_once() for _ in range(max(1, args.runs // 2))]
    result["server_healthy_s"] = statistics.median(p[0] for p in pages)
    result["first_page_s"] = statistics.median(p[1] for p in pages)
    for key in ("server_healthy_s", "first_page_s"):
        print(f"{key:34} {result[key]:9.3f}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cold_start.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {OUT / 'cold_start.json'}")


if __name__ == "__main__":
    main()
