"""Job lifecycle, results page, downloads, path traversal, formula neutralisation, restarts."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from climrisk.run import pdf_available
from climrisk.web import WebSettings, create_app
from climrisk.web.jobs import STAGE_PERCENT, JobRunner, JobTask
from climrisk.web.options import build_config
from climrisk.web.store import JobStore
from tests.web.conftest import SMALL, upload, wait_for

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_BAD = "asset_id,asset_type,latitude,longitude\nA,data_center,123.4,5\n"


def _evil_portfolio() -> bytes:
    """The small sample with user text a spreadsheet would run as formulas."""
    rows = list(csv.reader(io.StringIO(SMALL.read_text(encoding="utf-8"))))
    header = rows[0]
    rows[1][header.index("asset_id")] = "=1+2"
    rows[1][header.index("name")] = "@SUM(A1:A2)"
    rows[1][header.index("business_unit")] = "+cloud"
    rows[2][header.index("asset_id")] = "-2+3"
    rows[3][header.index("name")] = "=HYPERLINK(\"http://example.invalid\")"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def finished(pack: Path, tmp_path_factory: pytest.TempPathFactory):
    """One job run to the end (with the PDF when the renderer exists), shared by this module."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    app = create_app(WebSettings(data_dir=data_dir, hazards=pack, executor="thread",
                                 allowed_hosts=("testserver",)))
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = upload(client, "evil.csv", _evil_portfolio())
        assert answer.status_code == 201, answer.text
        assert answer.json()["valid"], answer.json()["issues"]
        created = client.post("/api/jobs", json={"upload_id": answer.json()["upload_id"]})
        assert created.status_code == 202, created.text
        job = wait_for(client, created.json()["job_id"])
        yield client, job, data_dir


def test_job_runs_to_done_with_every_contract_file(finished):
    _, job, _ = finished
    assert job["status"] == "done", job["message"]
    assert job["percent"] == 100
    names = {f["name"] for f in job["files"]}
    expected = {"asset_results.parquet", "asset_results.csv", "physical_matrix.csv",
                "transition_matrix.csv", "manifest.json", "results.xlsx", "map.png"}
    assert expected <= names
    assert ("report.pdf" in names) == pdf_available()
    assert job["settings"]["pdf"] == pdf_available()
    summary = job["summary"]
    assert summary["assets"] == 10
    assert summary["total_value"] == pytest.approx(3.04e9)
    assert {row["scenario"] for row in summary["physical"]} == {"ssp126", "ssp370"}


def test_key_numbers_are_the_matrix_sums(finished):
    client, job, _ = finished
    matrix = pd.read_csv(io.BytesIO(client.get(
        f"/api/jobs/{job['job_id']}/files/physical_matrix.csv").content))
    row = next(r for r in job["summary"]["physical"]
               if r["scenario"] == "ssp370" and r["horizon"] == "long")
    cells = matrix[(matrix["scenario"] == "ssp370") & (matrix["horizon"] == "long")]
    assert row["ead"] == pytest.approx(cells["asset_value_down"].sum(), rel=1e-5)
    assert job["summary"]["material_cells"] == int(matrix["material"].sum())


def test_pdf_download_when_renderer_exists(finished):
    client, job, _ = finished
    assert pdf_available()
    answer = client.get(f"/api/jobs/{job['job_id']}/files/report.pdf")
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]


def test_downloads_match_the_job_folder(finished):
    client, job, data_dir = finished
    folder = data_dir / "jobs" / job["job_id"]
    for name, place in (("manifest.json", "results/manifest.json"),
                        ("physical_matrix.csv", "results/physical_matrix.csv"),
                        ("asset_results.parquet", "results/asset_results.parquet"),
                        ("results.xlsx", "results.xlsx")):
        answer = client.get(f"/jobs/{job['job_id']}/files/{name}")
        assert answer.status_code == 200, name
        assert answer.content == (folder / place).read_bytes()
    manifest = client.get(f"/api/jobs/{job['job_id']}/files/manifest.json").json()
    assert manifest["configuration"]["scenarios"] == ["ssp126", "ssp370"]
    image = client.get(f"/jobs/{job['job_id']}/files/map.png")
    assert image.content.startswith(b"\x89PNG")
    assert image.headers["content-disposition"].startswith("inline")


def test_files_listing(finished):
    client, job, _ = finished
    listing = client.get(f"/api/jobs/{job['job_id']}/files").json()
    assert {f["name"] for f in listing} == {f["name"] for f in job["files"]}
    assert all(f["size_bytes"] > 0 and f["url"].endswith(f["name"]) for f in listing)


def test_results_page_shows_matrices_with_markers_and_map(finished):
    client, job, _ = finished
    page = client.get(f"/jobs/{job['job_id']}")
    assert page.status_code == 200
    html = page.text
    assert "Table 1: physical risks, SSP1-2.6" in html
    assert "Table 1: physical risks, SSP3-7.0" in html
    assert "Table 2: transition risks" in html
    assert 'id="physical-ssp370"' in html
    assert html.count("●") >= 2
    assert f"/jobs/{job['job_id']}/files/map.png" in html
    for name in ("asset_results.csv", "physical_matrix.csv", "manifest.json", "results.xlsx"):
        assert f"/files/{name}" in html
    # user text is escaped, never rendered as markup
    assert "<script" not in html.split("</head>")[1].lower()


def test_markers_follow_the_material_flags(finished):
    client, job, _ = finished
    matrix = pd.read_csv(io.BytesIO(client.get(
        f"/api/jobs/{job['job_id']}/files/physical_matrix.csv").content))
    from climrisk.web.tables import physical_tables

    folder = finished[2] / "jobs" / job["job_id"] / "results"
    tables = {t["scenario"]: t for t in physical_tables(folder)}
    for scenario, table in tables.items():
        for row in table["rows"]:
            hazard = next(h for h in matrix["hazard"].unique()
                          if h.replace("_", " ").lower() == row["hazard"].lower())
            for (horizon, _), flag in zip(table["horizons"], row["flags"], strict=True):
                cells = matrix[(matrix["scenario"] == scenario) & (matrix["hazard"] == hazard)
                               & (matrix["horizon"] == horizon)]
                assert flag == bool(cells["material"].any())


def test_formula_cells_neutralised_in_csv_downloads(finished):
    client, job, _ = finished
    for name, column in (("asset_results.csv", "asset_id"),
                         ("transition_matrix.csv", "business_unit")):
        text = client.get(f"/api/jobs/{job['job_id']}/files/{name}").content.decode()
        values = [row[column] for row in csv.DictReader(io.StringIO(text))]
        risky = [v for v in values if v.startswith(FORMULA_START)]
        numeric = [v for v in risky if _is_number(v)]
        assert risky == numeric, f"{name}: {sorted(set(risky) - set(numeric))[:5]}"
        assert any(v.startswith("'") for v in values), name


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_formula_cells_neutralised_in_excel_workbook(finished):
    client, job, _ = finished
    content = client.get(f"/api/jobs/{job['job_id']}/files/results.xlsx").content
    book = load_workbook(io.BytesIO(content))
    assert {"Summary", "Physical matrix", "Transition matrix", "Asset results"} <= set(
        book.sheetnames)
    seen_user_text = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.startswith(FORMULA_START) or _is_number(value), value
                    if value.startswith("'"):
                        seen_user_text.add(value)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert {"'=1+2", "'-2+3"} <= seen_user_text
    ids = [r[0] for r in book["Asset results"].iter_rows(min_row=2, values_only=True)]
    assert "'=1+2" in ids


def test_jobs_page_lists_the_job(finished):
    client, job, _ = finished
    page = client.get("/jobs")
    assert page.status_code == 200
    assert f"/jobs/{job['job_id']}" in page.text
    assert "evil.csv" in page.text
    listing = client.get("/api/jobs").json()
    assert job["job_id"] in [j["job_id"] for j in listing]


@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs/{job}/files/../../climrisk.sqlite3",
        "/api/jobs/{job}/files/..%2F..%2Fclimrisk.sqlite3",
        "/api/jobs/{job}/files/%2e%2e%2f%2e%2e%2fclimrisk.sqlite3",
        "/api/jobs/{job}/files/%2Fetc%2Fpasswd",
        "/api/jobs/{job}/files//etc/passwd",
        "/api/jobs/{job}/files/results%2Fmanifest.json",
        "/api/jobs/{job}/files/error.log",
        "/api/jobs/..%2F..%2Fuploads/files/manifest.json",
        "/api/jobs/%2e%2e/files/manifest.json",
        "/jobs/{job}/files/..%5C..%5Cclimrisk.sqlite3",
        "/jobs/{job}/files/%252e%252e%252fclimrisk.sqlite3",
    ],
)
def test_path_traversal_is_refused(finished, path):
    client, job, data_dir = finished
    (data_dir / "jobs" / job["job_id"] / "error.log").write_text("server-side detail")
    answer = client.get(path.format(job=job["job_id"]))
    assert answer.status_code in (404, 405), answer.status_code
    assert b"SQLite" not in answer.content
    assert b"root:" not in answer.content
    assert b"server-side detail" not in answer.content


def test_symlink_out_of_the_job_folder_is_refused(tmp_path: Path, make_client, pack):
    data_dir = tmp_path / "data"
    client = make_client(data_dir)
    store = JobStore(data_dir)
    answer = upload(client, "small.csv", SMALL.read_bytes()).json()
    job = store.add_job("a" * 32, store.get_upload(answer["upload_id"]), {})
    folder = data_dir / "jobs" / job.id
    folder.mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (folder / "map.png").symlink_to(secret)
    store.finish(job.id, ["map.png"], {})
    assert client.get(f"/api/jobs/{job.id}/files/map.png").status_code == 404


def test_unfinished_job_has_no_downloads(tmp_path: Path, make_client):
    data_dir = tmp_path / "data"
    client = make_client(data_dir)
    store = JobStore(data_dir)
    answer = upload(client, "small.csv", SMALL.read_bytes()).json()
    job = store.add_job("b" * 32, store.get_upload(answer["upload_id"]), {})
    assert client.get(f"/api/jobs/{job.id}/files/manifest.json").status_code == 409
    state = client.get(f"/api/jobs/{job.id}").json()
    assert state["status"] == "queued" and state["files"] == []
    assert "Waiting for a worker" in client.get(f"/jobs/{job.id}").text


def test_unknown_ids_are_404(client):
    for path in ("/api/jobs/" + "0" * 32, "/api/jobs/nothex", "/jobs/" + "f" * 32,
                 "/api/uploads/" + "0" * 32, "/uploads/xyz"):
        answer = client.get(path)
        assert answer.status_code == 404, path
    assert client.get("/api/jobs/" + "0" * 32).json() == {"detail": "no such job"}


def test_restart_keeps_finished_jobs_and_fails_interrupted_ones(finished, pack):
    _, job, data_dir = finished
    store = JobStore(data_dir)
    upload_id = job["upload_id"]
    running = store.add_job("c" * 32, store.get_upload(upload_id), {"pdf": False})
    store.set_progress(running.id, "sample hazards", 20)
    queued = store.add_job("d" * 32, store.get_upload(upload_id), {"pdf": False})
    # a second server on the same data folder, as after a restart
    app = create_app(WebSettings(data_dir=data_dir, hazards=pack, executor="thread",
                                 allowed_hosts=("testserver",)))
    with TestClient(app) as again:
        kept = again.get(f"/api/jobs/{job['job_id']}").json()
        assert kept["status"] == "done"
        assert {f["name"] for f in kept["files"]} == {f["name"] for f in job["files"]}
        assert again.get(f"/api/jobs/{job['job_id']}/files/manifest.json").status_code == 200
        dead = again.get(f"/api/jobs/{running.id}").json()
        assert dead["status"] == "failed"
        assert "server stopped while this job was running" in dead["message"]
        never = again.get(f"/api/jobs/{queued.id}").json()
        assert never["status"] == "failed" and "before this job started" in never["message"]
        assert "server stopped" in again.get(f"/jobs/{running.id}").text


def test_run_file_problems_are_refused_at_upload(client, tmp_path: Path):
    # the run file is checked completely at upload: an unknown key never reaches a job
    answer = upload(client, "small.csv", SMALL.read_bytes(),
                    run_file=("team.toml", b"[scoring]\nbogus_key = 3\n")).json()
    assert not answer["valid"], answer
    text = json.dumps(answer["run_file_issues"])
    assert "bogus_key" in text and "Traceback" not in text and str(tmp_path) not in text
    refused = client.post("/api/jobs", json={"upload_id": answer["upload_id"], "pdf": False})
    assert refused.status_code in (409, 422), refused.text
    assert "run file" in refused.text


def test_job_options_reach_the_run(client):
    answer = upload(client, "small.csv", SMALL.read_bytes()).json()
    job = client.post("/api/jobs", json={
        "upload_id": answer["upload_id"], "pdf": False, "scenarios": ["ssp370"],
        "pathway_scenarios": ["nze"], "horizons": {"short": 2028, "mid": 2035, "long": 2050},
    }).json()
    assert job["status"] in ("queued", "running")
    done = wait_for(client, job["job_id"])
    assert done["status"] == "done", done["message"]
    assert "report.pdf" not in {f["name"] for f in done["files"]}
    matrix = pd.read_csv(io.BytesIO(client.get(
        f"/api/jobs/{job['job_id']}/files/physical_matrix.csv").content))
    assert set(matrix["scenario"]) == {"ssp370"}
    assert set(matrix["year"]) == {2028, 2035, 2050}
    transition = pd.read_csv(io.BytesIO(client.get(
        f"/api/jobs/{job['job_id']}/files/transition_matrix.csv").content))
    assert set(transition["scenario"]) == {"nze"}
    manifest = json.loads(client.get(
        f"/api/jobs/{job['job_id']}/files/manifest.json").content)
    assert manifest["configuration"]["pdf"] is False


def test_run_again_keeps_the_jobs_own_settings(client):
    answer = upload(client, "small.csv", SMALL.read_bytes(),
                    run_file=("team.toml", b"[scoring]\n")).json()
    chosen = {"scenarios": ["ssp370"], "pathway_scenarios": ["nze"], "lang": "zh-Hant",
              "horizons": {"short": 2029, "mid": 2041, "long": 2060}, "pdf": False}
    first = client.post("/api/jobs", json={"upload_id": answer["upload_id"], **chosen}).json()
    finished = wait_for(client, first["job_id"])
    assert finished["status"] == "done", finished["message"]
    # the API re-run
    again = client.post(f"/api/jobs/{first['job_id']}/rerun")
    assert again.status_code == 202, again.text
    assert again.json()["job_id"] != first["job_id"]
    for key, value in chosen.items():
        assert again.json()["settings"][key] == value, key
    assert again.json()["settings"]["run_file"] == "team.toml"
    # the page's "Run again" form posts to the same route
    moved = client.post(f"/jobs/{first['job_id']}/rerun", follow_redirects=False)
    assert moved.status_code == 303
    third = client.get("/api" + moved.headers["location"]).json()
    assert {k: third["settings"][k] for k in chosen} == chosen
    assert client.post(f"/api/jobs/{'f' * 32}/rerun").status_code == 404
    for job in (again.json(), third):
        wait_for(client, job["job_id"])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"scenarios": []}, "choose at least one climate scenario"),
        ({"horizons": {"short": 1850}}, "between 2000 and 2100"),
        ({"lang": "fr"}, "unknown language"),
        ({"pathway_scenarios": ["../x"]}, "not a transition pathway name"),
    ],
)
def test_bad_job_options_are_refused(client, body, fragment):
    answer = upload(client, "small.csv", SMALL.read_bytes()).json()
    refused = client.post("/api/jobs", json={"upload_id": answer["upload_id"], **body})
    assert refused.status_code == 422
    assert fragment in refused.json()["detail"]


def test_invalid_upload_cannot_be_run(client):
    bad = upload(client, "bad.csv", f"{HEADER_BAD}".encode()).json()
    refused = client.post("/api/jobs", json={"upload_id": bad["upload_id"]})
    assert refused.status_code == 422
    assert "has problems" in refused.json()["detail"]
    page = client.post(f"/uploads/{bad['upload_id']}/run")
    assert page.status_code == 422 and "has problems" in page.text


def test_progress_stages_map_to_rising_percentages():
    stages = ["starting", "open hazard catalogue", "transition pathways", "sample hazards",
              "vulnerability, damage and scores", "aggregate and write rows", "physical matrix",
              "report", "map and workbook", "done"]
    values = [STAGE_PERCENT[s] for s in stages]
    assert values == sorted(values) and values[-1] == 100 and len(set(values)) == len(values)


def test_worker_process_runs_a_job_and_shutdown_fails_a_running_one(tmp_path: Path, pack):
    """The real path: a spawned worker process per job; stopping the server ends it."""
    data_dir = tmp_path / "data"
    settings = WebSettings(data_dir=data_dir, hazards=pack, allowed_hosts=("testserver",))
    store = JobStore(data_dir)
    app = create_app(settings)
    with TestClient(app) as client:
        answer = upload(client, "small.csv", SMALL.read_bytes()).json()
        first = client.post("/api/jobs", json={"upload_id": answer["upload_id"],
                                               "pdf": False}).json()
        done = wait_for(client, first["job_id"], timeout=180)
        assert done["status"] == "done", done["message"]
        assert done["summary"]["assets"] == 10
    # a job whose worker is stopped by a shutdown is failed with a reason
    runner = JobRunner(store, "process", 1)
    config, _ = build_config(settings, {"pdf": False})
    upload_row = store.get_upload(answer["upload_id"])
    job = store.add_job("e" * 32, upload_row, {})
    runner.submit(JobTask(str(data_dir), job.id,
                          str(data_dir / "uploads" / upload_row.id / upload_row.stored),
                          upload_row.filename, config))
    deadline = time.monotonic() + 60
    while store.get_job(job.id).status == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.shutdown()
    stopped = store.get_job(job.id)
    assert stopped.status in ("failed", "done")
    if stopped.status == "failed":
        assert "server stopped" in stopped.message


def test_a_failing_report_still_delivers_the_tables(client, monkeypatch):
    assert pdf_available()

    def broken(*args, **kwargs):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("climrisk.report.pdf.render_pdf", broken)
    answer = upload(client, "small.csv", SMALL.read_bytes()).json()
    job = client.post("/api/jobs", json={"upload_id": answer["upload_id"], "pdf": True}).json()
    done = wait_for(client, job["job_id"])
    assert done["status"] == "done", done["message"]
    assert "PDF report could not be rendered" in done["message"]
    names = {f["name"] for f in done["files"]}
    assert "report.pdf" not in names and "physical_matrix.csv" in names
    assert "renderer bug" not in client.get(f"/jobs/{job['job_id']}").text


def test_workbook_holds_every_asset_result_row(finished):
    client, job, _ = finished
    base = f"/api/jobs/{job['job_id']}/files"
    parquet = pd.read_parquet(io.BytesIO(client.get(f"{base}/asset_results.parquet").content))
    book = load_workbook(io.BytesIO(client.get(f"{base}/results.xlsx").content), read_only=True)
    rows = list(book["Asset results"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == len(parquet) > 0
    assert "key_0" not in header and "_key" not in header
    assert {"asset_id", "hazard", "business_unit", "country", "value"} <= set(header)
    assert "Note" not in book.sheetnames
    hazards = {r[header.index("hazard")] for r in body}
    assert hazards == set(parquet["hazard"].astype(str))
    countries = {r[header.index("country")] for r in body}
    assert None not in countries


def test_workbook_note_counts_rows_left_out(finished, tmp_path, monkeypatch):
    from climrisk.web import artifacts

    client, job, _ = finished
    base = f"/api/jobs/{job['job_id']}/files"
    for name in ("asset_results.parquet", "physical_matrix.csv"):
        (tmp_path / name).write_bytes(client.get(f"{base}/{name}").content)
    total = len(pd.read_parquet(tmp_path / "asset_results.parquet"))
    monkeypatch.setattr(artifacts, "WORKBOOK_ASSET_ROWS", 7)
    monkeypatch.setattr(artifacts, "_BATCH_ROWS", 3)
    path = artifacts.write_workbook(tmp_path, tmp_path / "out.xlsx", {"physical": []})
    book = load_workbook(path, read_only=True)
    assert len(list(book["Asset results"].iter_rows(values_only=True))) == 1 + 7
    note = next(book["Note"].iter_rows(values_only=True))[0]
    assert f"7 of {total:,} rows ({total - 7:,} left out" in note
