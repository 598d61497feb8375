"""Uploads: the validator's verdict on good and bad files, limits, generated names, run files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from climrisk.errors import InputError
from climrisk.portfolio import read_portfolio
from tests.web.conftest import HEADER, SMALL, table_rows, upload

GOOD_ROW = "A1,data_center,31.2,121.5"


def _cli_issues(tmp_path: Path, name: str, content: bytes) -> list[tuple]:
    """What ``climrisk validate`` reports for the same bytes (row, column, message)."""
    path = tmp_path / "cli" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    try:
        read_portfolio(path)
    except InputError as exc:
        return [(i.row, i.column, i.message.replace(str(path), path.name))
                for i in exc.issues]
    return []


def test_good_csv_is_valid_with_its_summary(client):
    answer = upload(client, "sample_portfolio_small.csv", SMALL.read_bytes())
    assert answer.status_code == 201
    body = answer.json()
    assert body["valid"] is True and body["issue_count"] == 0 and body["issues"] == []
    summary = body["summary"]
    assert summary["assets"] == 10
    assert summary["by_type"] == {"campus": 1, "data_center": 4, "office": 1, "retail": 1,
                                  "warehouse": 3}
    assert summary["total_value"] == pytest.approx(3.04e9)
    assert summary["currency"] == "USD"
    assert summary == json.loads(json.dumps(read_portfolio(SMALL).summary(), default=float))
    assert client.get(body["links"]["self"]).json() == body


def test_upload_page_flow_shows_summary_and_run_button(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text
    answer = upload(client, "sample_portfolio_small.csv", SMALL.read_bytes(), url="/upload",
                    data={"options": "page", "scenarios": ["ssp126", "ssp370"],
                          "pathway_scenarios": ["steps", "nze"],
                          "horizon_short": "2027", "horizon_mid": "2031",
                          "horizon_long": "2050", "lang": "en", "pdf": "on"},
                    follow_redirects=False)
    assert answer.status_code == 303
    view = client.get(answer.headers["location"])
    assert view.status_code == 200
    assert "10 assets valid" in view.text
    assert "Run assessment" in view.text
    assert "Defaults that will be applied" in view.text
    assert "flood_protection_rp" in view.text


BAD_FILES = [
    pytest.param("pipes.csv", b"asset_id|asset_type|latitude|longitude\nA|office|1|2\n",
                 "single column", id="wrong-delimiter"),
    pytest.param("binary.csv", bytes(range(256)) * 8, "binary content", id="binary"),
    pytest.param("empty.csv", b"", "the file is empty", id="empty"),
    pytest.param("header.csv", (HEADER + "\n").encode(), "header but no data rows",
                 id="header-only"),
    pytest.param("lat.csv", f"{HEADER}\n{GOOD_ROW}\nA2,office,123.4,5\n".encode(),
                 "123.4 is outside [-90, 90]", id="bad-latitude"),
    pytest.param("utf16.csv", f"{HEADER}\n{GOOD_ROW}\n".encode("utf-16"), "UTF-16",
                 id="utf-16"),
    pytest.param("ragged.csv", f"{HEADER}\n{GOOD_ROW}\nA2,office,1,2,3,4\n".encode(),
                 "fields but the header has 4", id="ragged-row"),
    pytest.param("dup.csv", f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n".encode(), "A1",
                 id="duplicate-id"),
    pytest.param("fake.xlsx", b"this is not a workbook", "Excel", id="not-xlsx"),
    pytest.param("fake.parquet", b"PAR1garbage", "Parquet", id="not-parquet"),
    pytest.param("fake.geojson", b"{not json", "vector file", id="not-geojson"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), BAD_FILES)
def test_bad_files_show_the_cli_validator_issues(client, tmp_path, name, content, fragment):
    answer = upload(client, name, content)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["valid"] is False and body["summary"] is None
    assert body["issue_count"] == len(body["issues"]) > 0
    messages = " | ".join(i["message"] for i in body["issues"])
    assert fragment in messages
    cli = _cli_issues(tmp_path, f"assets{Path(name).suffix}", content)
    assert [(i["row"], i["column"], i["message"]) for i in body["issues"]] == [
        (row, column, message.replace(f"assets{Path(name).suffix}", name))
        for row, column, message in cli
    ]
    # no server path leaks into a message
    assert "uploads" not in messages and str(tmp_path) not in messages


def test_validation_view_lists_row_column_value_message_and_count(client):
    content = f"{HEADER}\n{GOOD_ROW}\nA2,office,123.4,5\nA3,warehuose,10,x\n".encode()
    answer = upload(client, "broken.csv", content, url="/upload", follow_redirects=True)
    assert answer.status_code == 200
    html = answer.text
    assert "3 problems found" in html
    assert "Run assessment" not in html
    table = table_rows(html, "issues")
    assert table[0] == ["row", "column", "value", "message"]
    body = table[1:]
    assert [r[0] for r in body] == ["2", "3", "3"]
    assert [r[1] for r in body] == ["latitude", "asset_type", "longitude"]
    assert [r[2] for r in body] == ["123.4", "warehuose", "x"]
    assert "did you mean 'warehouse'" in body[1][3]


def test_many_issues_are_counted_and_capped_with_a_full_csv(client):
    rows = "\n".join(f"A{i},office,95,{i % 180}" for i in range(1500))
    answer = upload(client, "many.csv", f"{HEADER}\n{rows}\n".encode())
    body = answer.json()
    assert body["issue_count"] == 1500
    assert len(body["issues"]) == 1000 and body["issues_truncated"] is True
    page = client.get(f"/uploads/{body['upload_id']}").text
    assert "1,500 problems found" in page and "Showing the first 1,000" in page
    text = client.get(body["links"]["issues_csv"]).content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 1500


def test_issues_csv_neutralises_formulas(client):
    content = (f"{HEADER}\n=cmd|' /C calc'!A0,office,=1+1,5\n"
               f"@SUM(A1),office,+9,5\nA3,office,-3.5,x\n").encode()
    answer = upload(client, "evil.csv", content).json()
    assert answer["valid"] is False
    response = client.get(f"/api/uploads/{answer['upload_id']}/issues.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "message"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=1+1" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or float(cell) < 0, cell


def test_xlsx_parquet_and_geojson_uploads(client, tmp_path):
    frame = pd.read_csv(SMALL, dtype=str, keep_default_na=False)
    xlsx = io.BytesIO()
    frame.to_excel(xlsx, index=False)
    parquet = io.BytesIO()
    pd.read_csv(SMALL).to_parquet(parquet, index=False)
    import geopandas as gpd

    points = pd.read_csv(SMALL).drop(columns=["geometry"])
    geo = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["longitude"],
                                                               points["latitude"]), crs=4326)
    geojson = geo.drop(columns=["latitude", "longitude"]).to_json(drop_id=True).encode()
    for name, content in (("assets.xlsx", xlsx.getvalue()), ("assets.parquet",
                          parquet.getvalue()), ("assets.geojson", geojson)):
        body = upload(client, name, content).json()
        assert body["valid"], (name, body["issues"][:3])
        assert body["summary"]["assets"] == 10, name


@pytest.mark.parametrize(
    ("name", "status", "fragment"),
    [("assets.exe", 415, "not accepted"), ("assets", 415, "not accepted"),
     ("assets.toml", 415, "not accepted")],
)
def test_refused_file_types(client, tmp_path, name, status, fragment):
    answer = upload(client, name, SMALL.read_bytes())
    assert answer.status_code == status
    assert fragment in answer.json()["detail"]
    assert not any((tmp_path / "data" / "uploads").iterdir())


def test_missing_file_and_not_multipart(client):
    answer = client.post("/api/uploads", data={"lang": "en"}, files={"x": ("a.txt", b"1")})
    assert answer.status_code == 400 and "choose an asset file" in answer.json()["detail"]
    answer = client.post("/api/uploads", content=SMALL.read_bytes(),
                         headers={"content-type": "text/csv"})
    assert answer.status_code == 415 and "multipart/form-data" in answer.json()["detail"]
    page = client.post("/upload", content=b"x", headers={"content-type": "text/plain"})
    assert page.status_code == 415 and "multipart/form-data" in page.text


def test_size_limit_is_enforced_with_a_clear_message(make_client, tmp_path):
    client = make_client(max_upload_bytes=1000)
    answer = upload(client, "big.csv", SMALL.read_bytes())
    assert answer.status_code == 413
    assert answer.json()["detail"] == "big.csv is larger than the upload limit of 1,000 bytes"
    assert not any((tmp_path / "data" / "uploads").iterdir())
    page = upload(client, "big.csv", SMALL.read_bytes(), url="/upload")
    assert page.status_code == 413 and "larger than the upload limit" in page.text
    declared = client.post("/api/uploads", content=b"--x--",
                           headers={"content-type": "multipart/form-data; boundary=x",
                                    "content-length": str(50 * 1024 * 1024)})
    assert declared.status_code == 413


def test_row_limit_is_enforced_for_text_and_binary_files(make_client):
    client = make_client(max_rows=5)
    answer = upload(client, "ten.csv", SMALL.read_bytes())
    assert answer.status_code == 413
    assert "more than 5 rows" in answer.json()["detail"]
    exact = "\n".join([HEADER, *(f"A{i},office,10,{i}" for i in range(5))])
    assert upload(client, "five.csv", exact.encode()).json()["valid"]
    parquet = io.BytesIO()
    pd.read_csv(SMALL).to_parquet(parquet, index=False)
    body = upload(client, "ten.parquet", parquet.getvalue()).json()
    assert body["valid"] is False
    assert "more than the limit of 5" in body["issues"][0]["message"]


def test_client_file_names_never_reach_the_disk(client, tmp_path):
    for name in ("../../escape.csv", "/etc/passwd.csv", "..\\..\\win.csv", "a/b/c.csv",
                 "資產 清單.csv", "<img src=x onerror=alert(1)>.csv"):
        body = upload(client, name, SMALL.read_bytes()).json()
        assert body["valid"], name
        stored = tmp_path / "data" / "uploads" / body["upload_id"]
        assert sorted(p.name for p in stored.iterdir()) == ["assets.csv", "issues.json"]
        assert "/" not in body["filename"] and "\\" not in body["filename"]
        assert body["filename"] == name.replace("\\", "/").rsplit("/", 1)[-1]
    assert not (tmp_path / "escape.csv").exists()
    assert {p.name for p in (tmp_path / "data").iterdir()} <= {
        "climrisk.sqlite3", "climrisk.sqlite3-shm", "climrisk.sqlite3-wal", "uploads"}
    page = client.get(f"/uploads/{body['upload_id']}").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page


@pytest.mark.parametrize(
    ("run_file", "fragment"),
    [
        (b'hazards = "/etc"\n', "'hazards' names a file or folder on the server"),
        (b'pathways = "../x.csv"\n', "'pathways' names a file or folder on the server"),
        (b'out = "/tmp/x"\n', "'out' names"),
        (b'cache_dir = "/tmp/x"\n', "'cache_dir' names"),
        (b'scheduler = "tcp://10.0.0.1:8786"\n', "'scheduler' is set by the server"),
        (b"lang = [\n", "not valid TOML"),
        (b'colour = "red"\n', "unknown key 'colour'"),
        (b'lang = "fr"\n', "unknown language 'fr'"),
    ],
)
def test_run_file_problems_block_the_run(client, run_file, fragment):
    body = upload(client, "small.csv", SMALL.read_bytes(), run_file=("team.toml", run_file))
    body = body.json()
    assert body["issue_count"] == 0 and body["summary"]["assets"] == 10
    assert body["valid"] is False
    assert any(fragment in i["message"] for i in body["run_file_issues"]), body
    page = client.get(f"/uploads/{body['upload_id']}").text
    assert "Run file team.toml" in page and "Run assessment" not in page
    refused = client.post("/api/jobs", json={"upload_id": body["upload_id"]})
    assert refused.status_code == 422 and "run file has problems" in refused.json()["detail"]


def test_run_file_values_apply_unless_the_page_changes_them(client):
    run_file = ("team.toml", b'scenarios = ["ssp370"]\n[horizons]\nmid = 2035\n')
    defaults = {"options": "page", "scenarios": ["ssp126", "ssp370"],
                "pathway_scenarios": ["steps", "nze"],
                "horizon_short": "2027", "horizon_mid": "2031", "horizon_long": "2050",
                "lang": "en", "pdf": "on"}
    answer = upload(client, "small.csv", SMALL.read_bytes(), run_file=run_file, url="/upload",
                    data=defaults)
    page = answer.text
    assert "SSP3-7.0</b>" in page and "SSP1-2.6, SSP3-7.0" not in page
    assert "mid 2035" in page and "run file <b>team.toml</b>" in page
    changed = {**defaults, "lang": "zh-Hant", "horizon_long": "2045"}
    page = upload(client, "small.csv", SMALL.read_bytes(), run_file=run_file, url="/upload",
                  data=changed).text
    assert "long 2045" in page and "mid 2035" in page and "繁體中文" in page


def test_bad_page_options_are_explained(client):
    answer = upload(client, "small.csv", SMALL.read_bytes(), url="/upload",
                    data={"options": "page", "pathway_scenarios": ["steps"],
                          "horizon_short": "1850"})
    assert answer.status_code == 422
    assert "choose at least one climate scenario" in answer.text


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/uploads", "/api/uploads/{upload_id}", "/api/jobs",
                 "/api/jobs/{job_id}", "/api/jobs/{job_id}/files",
                 "/api/jobs/{job_id}/files/{name}"):
        assert path in paths, path
    body = paths["/api/uploads"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert "file" in body["schema"]["properties"]
    assert "JobIn" in spec["components"]["schemas"]
    assert not any(p.startswith("/uploads") or p == "/" for p in paths)
