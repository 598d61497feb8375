"""A real browser on the real server: upload, see the summary, run, download; see row errors.

Headless Chromium (Debian's ``chromium`` package) driven by Playwright, against ``python -m
climrisk.web`` started on a free localhost port with a synthetic hazard pack. With ``CI=true``
this test must run; elsewhere it skips, saying why, when Chromium or Playwright is missing.
Set ``CLIMRISK_WEB_SCREENSHOT=path.png`` to save the upload page and validation view side by
side (the README picture).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from climrisk.run import pdf_available
from tests.web.conftest import HEADER, REPO, SMALL

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _need(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason} (run .ci/install-browser)")
    print(f"skipping the browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(pack: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m climrisk.web`` on a free port; yields its base URL."""
    folder = tmp_path_factory.mktemp("server")
    port = _free_port()
    log = (folder / "server.log").open("w")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("CLIMRISK_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "climrisk.web", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(folder / "data"), "--hazards", str(pack)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not start:\n"
                                     + (folder / "server.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        text = (folder / "server.log").read_text()
        assert "Traceback" not in text, text[-3000:]


def _save_screenshot(target: str, shots: list[Path]) -> None:
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in shots]
    height = max(i.height for i in images)
    gap = 24
    sheet = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) - 1), height),
                      (210, 216, 222))
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + gap
    sheet = sheet.resize((sheet.width * 2 // 3, sheet.height * 2 // 3), Image.LANCZOS)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)


def test_upload_validate_run_and_download(browser, server, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 1000}, accept_downloads=True)
    page.goto(f"{server}/")
    assert page.title().startswith("Upload assets")
    page.set_input_files("#file", str(SMALL))
    assert "sample_portfolio_small.csv" in page.inner_text("#drop-file")
    shots = [tmp_path / "upload.png", tmp_path / "valid.png"]
    page.screenshot(path=str(shots[0]))
    page.click("#submit")
    page.wait_for_selector("#summary")
    assert "10 assets valid" in page.inner_text("#summary h2")
    assert "3,040,000,000" in page.inner_text("#summary")
    assert page.is_visible("#assumptions")
    page.screenshot(path=str(shots[1]))
    if os.environ.get("CLIMRISK_WEB_SCREENSHOT"):
        _save_screenshot(os.environ["CLIMRISK_WEB_SCREENSHOT"], shots)

    page.click("#run")
    page.wait_for_selector("#progress, #done", timeout=30_000)
    page.wait_for_selector("#done", timeout=240_000)
    assert "10 assets" in page.inner_text("#done")
    assert page.is_visible("#physical-ssp126") and page.is_visible("#transition-risk")
    assert "●" in page.inner_text("#physical-ssp370")
    loaded = page.eval_on_selector("img.map", "img => img.complete && img.naturalWidth > 0")
    assert loaded

    wanted = "report.pdf" if pdf_available() else "physical_matrix.csv"
    with page.expect_download() as info:
        page.click(f"a[data-file='{wanted}']")
    saved = tmp_path / wanted
    info.value.save_as(saved)
    content = saved.read_bytes()
    if wanted == "report.pdf":
        assert content.startswith(b"%PDF") and len(content) > 10_000
    else:
        assert content.startswith(b"category,hazard,asset_type")

    # the workbook the page offers holds every asset result row
    with page.expect_download() as info:
        page.click("a[data-file='results.xlsx']")
    book_path = tmp_path / "results.xlsx"
    info.value.save_as(book_path)
    job_url = page.url.replace(f"{server}/jobs/", f"{server}/api/jobs/")
    parquet = page.request.get(f"{job_url}/files/asset_results.parquet").body()
    expected = len(pd.read_parquet(io.BytesIO(parquet)))
    sheet = load_workbook(book_path, read_only=True)["Asset results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == expected > 0 and "key_0" not in rows[0]
    page.close()


def test_run_again_keeps_the_jobs_settings(browser, server):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{server}/")
    answer = page.request.post(f"{server}/api/uploads", multipart={
        "file": {"name": "small.csv", "mimeType": "text/csv", "buffer": SMALL.read_bytes()},
        "run_file": {"name": "team.toml", "mimeType": "application/toml",
                     "buffer": b"[scoring]\n"},
    }).json()
    chosen = {"scenarios": ["ssp370"], "pathway_scenarios": ["nze"], "lang": "zh-Hans",
              "horizons": {"short": 2029, "mid": 2041, "long": 2060}, "pdf": False}
    job = page.request.post(f"{server}/api/jobs",
                            data={"upload_id": answer["upload_id"], **chosen}).json()
    page.goto(f"{server}/jobs/{job['job_id']}")
    page.wait_for_selector("#done", timeout=120_000)
    page.click("#rerun")
    page.wait_for_url(lambda url: job["job_id"] not in url and "/jobs/" in url)
    again = page.request.get(page.url.replace("/jobs/", "/api/jobs/")).json()
    assert {k: again["settings"][k] for k in chosen} == chosen
    page.wait_for_selector("#done", timeout=120_000)
    page.close()


def test_broken_file_shows_row_errors(browser, server):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{server}/")
    content = f"{HEADER}\nA1,data_center,31.2,121.5\nA2,office,123.4,5\nA3,warehuose,1,2\n"
    # drop the file on the drop zone, as a person would
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], "broken.csv", {type: "text/csv"}));
            const zone = document.getElementById("drop-zone");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                      cancelable: true}));
        }""",
        content,
    )
    assert "broken.csv" in page.inner_text("#drop-file")
    assert page.eval_on_selector("#file", "input => input.files.length") == 1
    page.click("#submit")
    page.wait_for_selector("#problems")
    assert page.inner_text("#issue-count") == "2 problems found"
    rows = page.eval_on_selector_all(
        "#issues tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")
    assert rows[0][:3] == ["2", "latitude", "123.4"]
    assert "outside [-90, 90]" in rows[0][3]
    assert rows[1][:3] == ["3", "asset_type", "warehuose"]
    assert page.query_selector("#run") is None
    page.close()


def test_install_script_is_present():
    script = REPO / ".ci" / "install-browser"
    assert script.exists() and os.access(script, os.X_OK)
    assert "apt-get install" in script.read_text() and shutil.which("bash")
