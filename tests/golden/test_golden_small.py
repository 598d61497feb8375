"""Golden results for the small sample portfolio on the embedded reference data.

Refresh after an intended change with ``pytest tests/golden --update-golden`` and review the
diff of ``tests/golden/small/`` like any other change.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from climrisk.config import RunConfig
from climrisk.engine import assess
from climrisk.portfolio import read_portfolio
from climrisk.report.tables import write_tables

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "small"
TABLES = ("asset_results.csv", "physical_matrix.csv", "transition_matrix.csv")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    portfolio = read_portfolio(REPO / "assets" / "sample_portfolio_small.csv")
    result = assess(portfolio, RunConfig(pdf=False))
    write_tables(result, out, csv=True)
    manifest = result.manifest.as_dict()
    stable = {key: manifest[key] for key in ("assumptions", "scoring", "missing")}
    stable["hazard_layers"] = [
        {k: v for k, v in layer.items() if k != "sha256"} for layer in manifest["hazard_layers"]
    ]
    (out / "manifest.stable.json").write_text(json.dumps(stable, indent=2, sort_keys=True) + "\n")
    return out


def _compare(actual: pd.DataFrame, expected: pd.DataFrame, name: str) -> None:
    assert list(actual.columns) == list(expected.columns), name
    assert len(actual) == len(expected), name
    for column in expected.columns:
        a, e = actual[column], expected[column]
        if pd.api.types.is_numeric_dtype(e) and pd.api.types.is_numeric_dtype(a):
            np.testing.assert_allclose(
                a.to_numpy(float),
                e.to_numpy(float),
                rtol=1e-6,
                atol=1e-9,
                equal_nan=True,
                err_msg=f"{name}: column {column}",
            )
        else:
            assert a.fillna("").astype(str).tolist() == e.fillna("").astype(str).tolist(), (
                f"{name}: column {column}"
            )


@pytest.mark.parametrize("table", TABLES)
def test_tables_match_golden(small_run, table, request):
    actual = pd.read_csv(small_run / table, keep_default_na=True)
    golden = GOLDEN / table
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes((small_run / table).read_bytes())
    expected = pd.read_csv(golden, keep_default_na=True)
    _compare(actual, expected, table)


def test_manifest_matches_golden(small_run, request):
    actual = (small_run / "manifest.stable.json").read_text()
    golden = GOLDEN / "manifest.stable.json"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual)
    assert json.loads(actual) == json.loads(golden.read_text())
