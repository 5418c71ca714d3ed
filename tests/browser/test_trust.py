"""Issue 11 in a real browser: the Compare page keeps what the user set across pages and a reload, sends what it
shows (out-of-range values block Generate), refuses an empty prompt, labels or drops stale results, shows no
traceback for any typed value, and shows user text literally. Screenshots land in test-artifacts/trust-*.png."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from imagegen.history import HistoryStore

from .conftest import ARTIFACTS, CHROMIUM_ARGS, shoot

KINO = "aa77f04e-3eec-4034-9c07-d0f619684628"


def css(key: str) -> str:
    """The class Streamlit gives the element of a widget with this key."""
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Chromium is missing: run `bash scripts/ensure_chromium.sh` (make test does).")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    """A new browser session per test (its own Streamlit session)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    page.get_by_role("button", name="Generate").wait_for()
    wait_idle(page)
    yield page
    context.close()


def wait_idle(page):
    page.wait_for_timeout(150)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def no_traceback(page):
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def commit(page):
    page.get_by_role("heading", name="Compare providers").click()
    wait_idle(page)


def type_into(page, key: str, text: str):
    page.locator(css(key)).locator("input, textarea").first.fill(text)
    commit(page)


def choose(page, key: str, option: str):
    """Open a selectbox and pick an option (again if a rerun closed the list before the click)."""
    for attempt in range(3):
        wait_idle(page)
        page.locator(css(key)).get_by_role("combobox").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - retried; the last attempt's error is raised
            if attempt == 2:
                raise
    wait_idle(page)


def value(page, key: str) -> str:
    return page.locator(css(key)).locator("input, textarea").first.input_value()


def selected(page, key: str) -> str:
    return page.locator(css(key)).get_by_role("combobox").input_value()


def open_options(page, sid: int):
    page.locator(css(f"slot-card-{sid}")).get_by_text("Options").click()


def snapshot(page) -> tuple:
    return (value(page, "cmp.prompt"), value(page, "cmp.rs.pos.4.rules"), value(page, "cmp.rs.neg.5.rules"),
            [selected(page, f"cmp.slot.{sid}.provider") for sid in (0, 1, 2, 3, 6, 7)],
            selected(page, "cmp.slot.1.model"), selected(page, "cmp.slot.6.provider"))


def runs(app_data_dir) -> int:
    return HistoryStore(data_dir=str(app_data_dir)).count_runs()


def test_settings_survive_history_and_a_reload(page):
    type_into(page, "cmp.prompt", "a lighthouse on a cliff")
    type_into(page, "cmp.rs.pos.4.rules", "oil painting\nwide angle")
    type_into(page, "cmp.rs.neg.5.rules", "people\nboats")
    choose(page, "cmp.slot.1.model", "GPT Image 2.5 Sunburst")
    page.get_by_role("button", name="Add provider slot").click()
    wait_idle(page)
    page.get_by_role("button", name="Add provider slot").click()
    wait_idle(page)
    choose(page, "cmp.slot.6.provider", "Amazon Bedrock")
    choose(page, "cmp.slot.7.provider", "Leonardo.Ai")
    before = snapshot(page)
    assert before[0] == "a lighthouse on a cliff" and before[4] == "GPT Image 2.5 Sunburst"
    assert before[3][4:] == ["Amazon Bedrock", "Leonardo.Ai"]
    shoot(page, "trust-01-customised")

    page.get_by_role("link", name="History").click()
    page.get_by_role("heading", name="History").wait_for()
    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Generate").wait_for()
    wait_idle(page)
    assert snapshot(page) == before
    shoot(page, "trust-02-after-history")

    assert "draft=" in page.url
    page.reload()
    page.get_by_role("button", name="Generate").wait_for()
    wait_idle(page)
    assert snapshot(page) == before
    no_traceback(page)
    shoot(page, "trust-03-after-reload")


def test_out_of_range_values_block_generate_and_no_value_gives_a_traceback(page, app_data_dir):
    before = runs(app_data_dir)
    choose(page, "cmp.slot.3.model", "Leonardo Kino XL (legacy)")  # a model with guidance and steps
    open_options(page, 3)
    type_into(page, f"cmp.slot.3.{KINO}.opt.guidance_scale", "99")
    type_into(page, f"cmp.slot.3.{KINO}.opt.steps", "500")
    assert value(page, f"cmp.slot.3.{KINO}.opt.guidance_scale") == "99.00"
    card = page.locator(css("slot-card-3"))
    card.get_by_text("option 'guidance_scale' = 99.0 is not accepted").wait_for()
    card.get_by_text("option 'steps' = 500 is not accepted").wait_for()
    page.get_by_role("button", name="Generate").click()
    wait_idle(page)
    page.get_by_text("Nothing was sent or saved").wait_for()
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert any("Slot 4" in e and "guidance_scale" in e and "from 1 to 20" in e for e in errors), errors
    assert runs(app_data_dir) == before
    shoot(page, "trust-04-out-of-range")

    open_options(page, 1)  # OpenAI GPT Image 2, which takes free sizes
    for size in ("0x0", "16x0"):
        select = page.locator(css("cmp.slot.1.gpt-image-2.opt.size")).get_by_role("combobox")
        select.click()
        select.fill(size)
        page.keyboard.press("Enter")
        wait_idle(page)
        no_traceback(page)
        error = page.locator(css("slot-card-1")).get_by_text(f"option 'size' = '{size}' is not accepted")
        error.wait_for()
    error.scroll_into_view_if_needed()
    shoot(page, "trust-05-size-16x0")


def test_empty_prompt_literal_text_and_stale_results(page, app_data_dir):
    before = runs(app_data_dir)
    type_into(page, "cmp.prompt", "")
    type_into(page, "cmp.rs.pos.4.rules", "")
    page.get_by_role("button", name="Generate").click()
    wait_idle(page)
    page.get_by_text("The prompt is empty").wait_for()
    assert runs(app_data_dir) == before

    type_into(page, "cmp.prompt", "a fox in the snow")
    type_into(page, "cmp.rs.neg.5.rules", "[x](javascript:alert(1)) **loud**")
    for sid in (3, 2):
        page.locator(css(f"btn.rm.{sid}")).get_by_role("button").click()
        wait_idle(page)
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("All 2 results").wait_for()
    wait_idle(page)
    run_heading = page.get_by_role("heading", name=re.compile(r"^Run #\d+$"))
    run_id = int(run_heading.inner_text().split("#")[1])
    warning = page.get_by_text("Avoid: [x](javascript:alert(1)) **loud**").first
    warning.wait_for()
    assert page.locator('a[href^="javascript"]').count() == 0
    warning.scroll_into_view_if_needed()
    shoot(page, "trust-06-literal-warning")

    type_into(page, "cmp.prompt", "a wolf in the snow")
    page.get_by_role("heading", name=f"Earlier run #{run_id}").wait_for()
    page.get_by_text("made before the prompt changed").wait_for()
    page.get_by_role("heading", name=f"Earlier run #{run_id}").scroll_into_view_if_needed()
    shoot(page, "trust-07-earlier-run")

    page.get_by_role("link", name="History").click()
    page.locator(css(f"btn.hist.open.{run_id}")).get_by_role("button").click()
    page.get_by_role("button", name="Delete run").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text(f"Deleted run #{run_id}.").wait_for()
    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Generate").wait_for()
    wait_idle(page)
    assert page.get_by_role("heading", name=re.compile(r"Run #")).count() == 0
    assert page.locator('[data-testid="stImage"]').count() == 0
    no_traceback(page)
    page.get_by_role("button", name="Generate").scroll_into_view_if_needed()
    shoot(page, "trust-08-deleted-run-gone")
