"""A real browser against a real server: `streamlit run app.py` on a free loopback port with a temporary
data dir and no keys (emulation on), driven by Playwright through Debian's Chromium.

Chromium comes from `scripts/ensure_chromium.sh` (run by `make test`); when it is missing these tests
fail loudly instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
KEY_VARS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_AD_TOKEN",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
            "AWS_BEARER_TOKEN_BEDROCK", "LEONARDO_API_KEY", "OPENAI_BASE_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
            "LEONARDO_API_BASE", "IMAGEGEN_DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-data")


@pytest.fixture(scope="module")
def app_url(app_data_dir):
    data_dir = app_data_dir
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update(IMAGEGEN_DATA_DIR=str(data_dir), IMAGEGEN_SECRETS_FILE=str(data_dir / "no-secrets.toml"),
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=str(data_dir / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(data_dir / "none"))
    port = free_port()
    log = (data_dir / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("streamlit did not start:\n" + (data_dir / "streamlit.log").read_text())
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(app_url):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Chromium is missing: run `bash scripts/ensure_chromium.sh` (make test does) — browser tests "
                    "never skip.")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1300}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        yield page
        browser.close()


def shoot(page, name: str) -> Path:
    """Save a screenshot under test-artifacts/ (git-ignored) and return its path."""
    path = ARTIFACTS / f"{name}.png"
    try:  # until Streamlit has finished the current script run, so the picture is complete
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=15_000)
    except Exception:  # noqa: BLE001 - a screenshot of a busy page is still worth keeping
        pass
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser step, keep a screenshot of what the browser showed."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "page" in item.funcargs:
        shoot(item.funcargs["page"], f"failure-{item.name}")
