"""``climrisk adapt RESULTS_DIR``: adaptation.csv from a saved run; bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from climrisk.adaptation import ADAPTATION_COLUMNS
from climrisk.cli.main import main
from climrisk.config import RunConfig
from climrisk.run import run_assessment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("adapt") / "run"
    run_assessment(REPO / "assets" / "sample_portfolio_small.csv", RunConfig(pdf=False), out=out)
    return out


def _main(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return int(exit_.value.code or 0)


def test_adapt_writes_the_table(run_dir: Path, capsys) -> None:
    assert _main(["adapt", str(run_dir), "--top", "3", "--no-pdf"]) == 0
    frame = pd.read_csv(run_dir / "adaptation.csv")
    assert tuple(frame.columns) == ADAPTATION_COLUMNS
    assert 1 <= frame["asset_id"].nunique() <= 3
    assert set(frame["scenario"]) == {"ssp126", "ssp370"}
    assert (frame.groupby(["asset_id", "scenario"])["rank"].min() == 1).all()
    assert "wrote" in capsys.readouterr().out


def test_adapt_with_measures_from_a_run_file(run_dir: Path, tmp_path: Path) -> None:
    run_file = tmp_path / "run.toml"
    run_file.write_text(
        "[adaptation]\ndiscount_rate = 0.05\n"
        "[[adaptation.measures]]\nmeasure = \"flood_protection\"\nassets = [\"RT-CN-001\"]\n"
        "standard_rp = 500\ncapex = 250000\nopex = 1000\n",
        encoding="utf-8",
    )
    assert _main(["adapt", str(run_dir), "--config", str(run_file), "--no-pdf"]) == 0
    frame = pd.read_csv(run_dir / "adaptation.csv")
    assert set(frame["asset_id"]) == {"RT-CN-001"}
    assert (frame["capex"] == 250000).all() and (frame["discount_rate"] == 0.05).all()
    assert (frame["parameter"].astype(str) == "500").all()


def test_unknown_asset_exits_2_and_keeps_the_old_table(run_dir: Path, tmp_path: Path,
                                                         capsys) -> None:
    before = (run_dir / "adaptation.csv").read_bytes() if (
        run_dir / "adaptation.csv").exists() else None
    run_file = tmp_path / "run.toml"
    run_file.write_text("[[adaptation.measures]]\nmeasure = \"flood_protection\"\n"
                        "assets = [\"NOPE\"]\n", encoding="utf-8")
    assert _main(["adapt", str(run_dir), "--config", str(run_file)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NOPE" in err[0] and "assets" in err[0]
    after = (run_dir / "adaptation.csv").read_bytes() if (
        run_dir / "adaptation.csv").exists() else None
    assert before == after


def test_unknown_measure_in_run_file_exits_2(run_dir: Path, tmp_path: Path, capsys) -> None:
    run_file = tmp_path / "run.toml"
    run_file.write_text("[[adaptation.measures]]\nmeasure = \"moat\"\n", encoding="utf-8")
    assert _main(["adapt", str(run_dir), "--config", str(run_file)]) == 2
    assert "moat" in capsys.readouterr().err
