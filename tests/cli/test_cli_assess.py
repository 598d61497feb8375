"""``climrisk assess`` end to end: contract files, atomic output, exit statuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "assets" / "sample_portfolio_small.csv"
CONTRACT_RESULT_COLUMNS = [
    "asset_id",
    "asset_type",
    "hazard",
    "scenario",
    "horizon",
    "year",
    "indicator",
    "units",
    "intensity",
    "baseline_intensity",
    "damage_ratio",
    "ead",
    "bi_loss",
    "opex_delta",
    "score",
    "score_label",
]
TRANSITION_COLUMNS = [
    "kind",
    "category",
    "driver",
    "business_unit",
    "scenario",
    "horizon",
    "year",
    "metric",
    "metric_value",
    "metric_units",
    "financial_impact",
    "score",
    "material",
]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "climrisk", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module")
def small_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "small"
    result = run("assess", str(SMALL), "--no-pdf", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_writes_every_contract_file(small_out):
    names = {p.name for p in small_out.iterdir()}
    assert {
        "asset_results.parquet",
        "asset_results.csv",
        "physical_matrix.csv",
        "transition_matrix.csv",
        "manifest.json",
    } <= names
    assert not any(name.startswith(".") for name in names)


def test_asset_results_shape_and_conventions(small_out):
    results = pd.read_parquet(small_out / "asset_results.parquet")
    assert list(results.columns[: len(CONTRACT_RESULT_COLUMNS)]) == CONTRACT_RESULT_COLUMNS
    n_assets = pd.read_csv(SMALL)["asset_id"].nunique()
    hazards = results["hazard"].nunique()
    assert hazards == 10
    assert len(results) == n_assets * hazards * 2 * 3
    assert set(results["scenario"]) == {"ssp126", "ssp370"}
    assert dict(zip(results["horizon"], results["year"], strict=False)) == {
        "short": 2027,
        "mid": 2031,
        "long": 2050,
    }
    scored = results["score"].dropna()
    assert scored.between(1, 5).all()
    assets = pd.read_parquet(small_out / "assets.parquet").set_index("asset_id")
    assert {"business_unit", "country", "value"} <= set(assets.columns)
    results = results.join(assets["value"], on="asset_id")
    money = results.dropna(subset=["ead", "value"])
    assert (money["ead"] >= 0).all()
    ratio = money[money["value"] > 0]
    pd.testing.assert_series_equal(  # damage_ratio is stored as float32
        (ratio["ead"] / ratio["value"]).rename("r"),
        ratio["damage_ratio"].astype(float).rename("r"),
        check_exact=False,
        rtol=1e-6,
        check_index=False,
    )
    acute = results[results["hazard"] == "riverine_flood"]
    assert acute["indicator"].str.contains("100-year").all()


def test_physical_and_transition_matrices(small_out):
    physical = pd.read_csv(small_out / "physical_matrix.csv")
    for column in (
        "category",
        "hazard",
        "asset_type",
        "scenario",
        "horizon",
        "material",
        "opex_up",
        "capex_up",
        "revenue_down",
        "asset_value_down",
        "value_share_score_ge3",
        "value_weighted_score",
    ):
        assert column in physical.columns
    assert set(physical["category"]) == {"acute", "chronic"}
    transition = pd.read_csv(small_out / "transition_matrix.csv")
    assert list(transition.columns[: len(TRANSITION_COLUMNS)]) == TRANSITION_COLUMNS
    assert set(transition["kind"]) == {"risk", "opportunity"}
    assert set(transition["scenario"]) == {"steps", "nze"}
    assert set(transition["horizon"]) == {"short", "mid", "long"}


def test_manifest_records_inputs_and_assumptions(small_out):
    manifest = json.loads((small_out / "manifest.json").read_text())
    roles = {item["role"] for item in manifest["inputs"]}
    assert "portfolio" in roles
    assert all(len(item["sha256"]) == 64 for item in manifest["inputs"])
    assert len(manifest["hazard_layers"]) >= 10
    assert manifest["assumptions"]
    assert manifest["timings_s"]["total"] > 0
    assert "manifest.json" in manifest["outputs"]


def test_bad_portfolio_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("asset_id,asset_type,latitude,longitude\nA,office,123.4,120\n")
    out = tmp_path / "out"
    result = run("assess", str(bad), "--no-pdf", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr == "error: bad.csv, row 1, column latitude: 123.4 is outside [-90, 90]\n"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_unknown_scenario_fails_before_work(tmp_path):
    out = tmp_path / "out"
    result = run("assess", str(SMALL), "--no-pdf", "--scenarios", "ssp585", "--out", str(out))
    assert result.returncode == 2
    assert "ssp585" in result.stderr
    assert not out.exists()


def test_subset_of_hazards_is_assessed_and_missing_listed(tmp_path):
    hazards = tmp_path / "hazards"
    hazards.mkdir()
    for path in (REPO / "hazard_data").glob("riverine_flood__*.nc"):
        shutil.copy(path, hazards / path.name)
    out = tmp_path / "out"
    result = run("assess", str(SMALL), "--no-pdf", "--hazards", str(hazards), "--out", str(out))
    assert result.returncode == 0, result.stderr
    results = pd.read_parquet(out / "asset_results.parquet")
    assert set(results["hazard"]) == {"riverine_flood"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert {m["hazard"] for m in manifest["missing"]} >= {"tropical_cyclone", "extreme_heat"}
    assert "not assessed" in result.stdout
