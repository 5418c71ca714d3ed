"""As a new user would: compare four providers, find the run in History, open it, re-run it, export it,
delete it. Screenshots of each step land in test-artifacts/."""

import hashlib
import io
import json
import zipfile
from urllib.parse import urljoin

from .conftest import shoot


def wait_idle(page):
    """Until Streamlit has finished the current script run."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def commit(page):
    """Commit a text input the way a mouse user does: click elsewhere (Enter can open the next dropdown)."""
    page.get_by_role("heading", name="History").click()


def test_compare_history_rerun_export_delete(page, app_data_dir):
    # 1. Compare: the offline generator plus three emulated providers, no keys needed.
    page.get_by_role("button", name="Generate").wait_for()
    shoot(page, "01-compare-start")
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("heading", name="Run #1").wait_for()
    page.get_by_text("All 4 results").wait_for()
    results = page.locator('[data-testid="stImage"]')
    results.nth(3).wait_for()
    assert results.count() == 4
    assert page.get_by_text("emulated", exact=True).count() >= 3
    # the page shows each provider's bytes as received (st.image would re-encode a PNG as JPEG by default)
    stored = {path.name.split(".")[0] for path in (app_data_dir / "images").rglob("*") if ".thumb." not in path.name}
    for index in range(4):
        src = results.nth(index).locator("img").get_attribute("src")
        served = page.request.get(urljoin(page.url, src)).body()
        assert hashlib.sha256(served).hexdigest() in stored, f"image {index + 1} was re-encoded for display"
    page.get_by_role("heading", name="Run #1").scroll_into_view_if_needed()
    shoot(page, "02-compare-results")

    # 2. History: find the run by a word of its prompt.
    page.get_by_role("link", name="History").click()
    search = page.get_by_label("Search prompts and rules")
    search.fill("fox")
    commit(page)
    page.get_by_text("1 run(s)").wait_for()
    page.get_by_text("Run #1").first.wait_for()
    shoot(page, "03-history-search")
    search.fill("zebra")
    commit(page)
    page.get_by_text("0 run(s)").wait_for()
    search.fill("fox")
    commit(page)
    page.get_by_text("1 run(s)").wait_for()

    # 3. Detail: prompts, requested vs effective options, full-size images.
    page.get_by_role("button", name="Open run").first.click()
    page.get_by_text("Requested options").first.wait_for()
    page.locator('[data-testid="stImage"]').nth(3).wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stImage"]').count() == 4
    shoot(page, "04-history-detail")

    # 4. Export the run as a ZIP with a manifest and the four images.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export run (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))
    names = archive.namelist()
    assert "manifest.json" in names and "manifest.csv" in names
    assert len([n for n in names if n.startswith("run-1/")]) == 4
    manifest = json.loads(archive.read("manifest.json"))
    assert "fox" in json.dumps(manifest)

    # 5. Re-run: the Compare page gets the run's settings after confirming.
    page.get_by_role("button", name="Re-run on the Compare page").click()
    page.get_by_role("button", name="Replace").click()
    page.get_by_role("button", name="Generate").wait_for()
    assert "fox" in page.get_by_label("Prompt", exact=True).input_value()
    shoot(page, "05-rerun-loaded")

    # 6. Delete the run from History, with confirmation.
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Open run").first.click()
    page.get_by_role("button", name="Delete run").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text("Deleted run #1.").wait_for()
    page.get_by_text("No runs match").wait_for()
    shoot(page, "06-deleted")

    # 7. Providers: where credentials come from (never the values), and a check against the emulator.
    page.get_by_role("link", name="Providers").click()
    page.get_by_role("button", name="Check").nth(3).click()  # Amazon Bedrock, emulated
    page.get_by_text("The emulator answered").wait_for()
    assert page.get_by_text("AWS_ACCESS_KEY_ID").count() >= 1
    shoot(page, "07-providers")
