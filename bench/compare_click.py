"""Click-to-all-images on the Compare page, in a real browser, with no keys (emulated providers).

Starts `streamlit run app.py` on a free loopback port with a temporary data dir, opens it in Debian's
Chromium through Playwright, clicks Generate with the default four slots (local, OpenAI, Bedrock,
Leonardo: each provider's default model, active in the catalog, e.g. gpt-image-2, Stable Image Core v1:1 and
Phoenix 1.0; printed and checked before the run), and times until all four images are shown. Prints a table,
writes JSON and a screenshot under bench/results/.

Needs: `apt-get install chromium` and `pip install playwright` (no Playwright browser download).
Usage: .venv/bin/python bench/compare_click.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
KEY_VARS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "LEONARDO_API_KEY")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, data_dir: str, latency: float) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update(IMAGEGEN_DATA_DIR=data_dir, AWS_EC2_METADATA_DISABLED="true",
               IMAGEGEN_SECRETS_FILE=os.path.join(data_dir, "no-secrets.toml"))
    if latency:
        env["IMAGEGEN_EMULATOR_LATENCY"] = str(latency)
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
               f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).text == "ok":
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("streamlit did not start")


def click_and_wait(page, run_number: int, expected: int) -> float:
    """Click Generate and wait for this run's heading and its 'All N results' line (not the previous run's)."""
    page.get_by_role("button", name="Generate").click()
    started = time.perf_counter()
    page.get_by_role("heading", name=f"Run #{run_number}").wait_for(timeout=120_000)
    page.get_by_text(f"All {expected} results").wait_for(timeout=120_000)
    return time.perf_counter() - started


def default_slots() -> list[str]:
    """The page's default (provider, model) slots, refusing to time a run with a retired or deprecated model."""
    from imagegen import catalog
    from imagegen.ui.state import DEFAULT_SLOTS

    for provider, model_id in DEFAULT_SLOTS:
        model = catalog.get_provider(provider).model(model_id)
        if model is not None and model.status != "active":
            raise SystemExit(f"the Compare page's default slot {provider} {model_id} is {model.status}")
    return [f"{provider} {model_id}" for provider, model_id in DEFAULT_SLOTS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every emulated request")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    slots = default_slots()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        launched = time.perf_counter()
        app = start_app(port, data_dir, args.latency)
        healthy = time.perf_counter() - launched
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1600, "height": 1400})
                opened = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.get_by_role("button", name="Generate").wait_for(timeout=60_000)
                first_page = time.perf_counter() - opened  # the browser's own start-up is not counted
                page.screenshot(path=str(OUT / "compare_before.png"), full_page=True)
                times = [click_and_wait(page, number, 4) for number in range(1, args.runs + 1)]
                images = page.locator('[data-testid="stImage"]').count()
                page.get_by_role("heading", name=f"Run #{args.runs}").scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / "compare_after.png"))
                browser.close()
        finally:
            app.terminate()
            app.wait(timeout=10)
    rows = {"slots": 4, "models": slots, "latency_s": args.latency, "server_healthy_s": round(healthy, 2),
            "first_page_s": round(first_page, 2), "runs": [round(t, 2) for t in times], "first_s": round(times[0], 2),
            "median_s": round(statistics.median(times), 2), "images_on_page": images}
    print(f"streamlit run -> server healthy {rows['server_healthy_s']} s; page opened -> Compare page usable "
          f"{rows['first_page_s']} s")
    print("default slots: " + ", ".join(slots))
    print(f"{'slots':>5} {'latency (s)':>11} {'first click (s)':>15} {'median (s)':>11} {'runs':>24}")
    print(f"{4:>5} {args.latency:>11} {rows['first_s']:>15} {rows['median_s']:>11} {str(rows['runs']):>24}")
    (OUT / f"compare_click_latency{args.latency:g}.json").write_text(json.dumps(rows, indent=2))
    print(f"wrote {OUT}/compare_click_latency{args.latency:g}.json and compare_before.png / compare_after.png")


if __name__ == "__main__":
    main()
