"""``climrisk diff``: changes between two runs, computed from saved results only."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from climrisk.cli.main import cli
from climrisk.compare import DIFF_COLUMNS, diff_runs


def _write_run(folder, scores, material):
    folder.mkdir()
    pd.DataFrame(
        {
            "asset_id": ["A", "A", "B"][: len(scores)],
            "asset_type": "warehouse",
            "hazard": "riverine_flood",
            "scenario": ["ssp126", "ssp370", "ssp126"][: len(scores)],
            "horizon": "long",
            "score": pd.array(scores, dtype="Int8"),
        }
    ).to_parquet(folder / "asset_results.parquet")
    pd.DataFrame(
        {
            "category": "acute",
            "hazard": "riverine_flood",
            "asset_type": "warehouse",
            "scenario": ["ssp126", "ssp370"],
            "horizon": "long",
            "material": material,
        }
    ).to_csv(folder / "physical_matrix.csv", index=False)


@pytest.fixture
def two_runs(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    _write_run(old, [2, 3, 1], [False, True])
    _write_run(new, [4, 3], [True, True])
    return old, new


def test_changes_found(two_runs):
    changes = diff_runs(*two_runs)
    assert list(changes.columns) == list(DIFF_COLUMNS)
    kinds = sorted(changes["change"])
    assert kinds == ["asset_removed", "became_material", "score_up"]
    up = changes[changes["change"] == "score_up"].iloc[0]
    assert (up["asset_id"], up["scenario"], up["old"], up["new"]) == ("A", "ssp126", 2, 4)
    assert changes[changes["change"] == "asset_removed"]["asset_id"].tolist() == ["B"]


def test_identical_runs_have_no_changes(two_runs, tmp_path):
    old, _ = two_runs
    same = tmp_path / "same"
    shutil.copytree(old, same)
    assert diff_runs(old, same).empty


def test_cli_writes_csv_and_rejects_non_results(two_runs, tmp_path):
    out = tmp_path / "d.csv"
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", str(two_runs[0]), str(two_runs[1]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "score_up" in result.output
    assert len(pd.read_csv(out)) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    from climrisk.errors import InputError

    with pytest.raises(InputError, match=r"asset_results\.parquet is missing"):
        diff_runs(empty, two_runs[1])
