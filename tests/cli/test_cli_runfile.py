"""Run files: several portfolios, unknown keys, command-line overrides, ``climrisk init``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from climrisk.cli.main import cli, main
from climrisk.config import check_run_file, load_config
from climrisk.errors import InputError
from climrisk.testing.synthetic import write_synthetic_pack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    write_synthetic_pack(folder, resolution_deg=3.0)
    return folder


@pytest.fixture
def run_dir(tmp_path, pack) -> Path:
    shutil.copy(REPO / "assets" / "sample_portfolio_small.csv", tmp_path / "group_a.csv")
    frame = pd.read_csv(REPO / "assets" / "sample_portfolio.csv").head(15)
    frame.to_csv(tmp_path / "group_b.csv", index=False)
    (tmp_path / "run.toml").write_text(
        f'portfolios = ["group_a.csv", "group_b.csv"]\nhazards = "{pack}"\nout = "out"\n'
        'pdf = false\nscenarios = ["ssp370"]\n\n[horizons]\nshort = 2026\n'
    )
    return tmp_path


def _invoke(args, cwd):
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        with pytest.raises(SystemExit) as caught:
            main(args)
    finally:
        os.chdir(old)
    return caught.value.code


def test_several_portfolios_one_folder_each_plus_combined(run_dir):
    assert _invoke(["assess", "--config", "run.toml", "-q"], run_dir) == 0
    out = run_dir / "out"
    assert sorted(p.name for p in out.iterdir()) == ["combined", "group_a", "group_b"]
    a = pd.read_parquet(out / "group_a" / "asset_results.parquet")
    b = pd.read_parquet(out / "group_b" / "asset_results.parquet")
    combined = pd.read_parquet(out / "combined" / "asset_results.parquet")
    assert combined["asset_id"].nunique() == a["asset_id"].nunique() + b["asset_id"].nunique()
    assert set(a["scenario"]) == {"ssp370"}
    assert set(a["year"]) == {2026, 2031, 2050}
    assert (out / "combined" / "run.log").read_text().strip()


def test_command_line_overrides_the_run_file(run_dir):
    code = _invoke(
        [
            "assess",
            "group_a.csv",
            "--config",
            "run.toml",
            "--scenarios",
            "ssp126",
            "--out",
            "single",
            "-q",
        ],
        run_dir,
    )
    assert code == 0
    results = pd.read_parquet(run_dir / "single" / "asset_results.parquet")
    assert set(results["scenario"]) == {"ssp126"}
    assert set(results["year"]) == {2026, 2031, 2050}  # horizons still from the run file
    manifest = json.loads((run_dir / "single" / "manifest.json").read_text())
    assert manifest["configuration"]["scenarios"] == ["ssp126"]


def test_unknown_keys_are_errors_naming_the_key(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('scenario = ["ssp126"]\n')
    with pytest.raises(InputError, match="unknown key 'scenario'"):
        load_config(path)
    path.write_text("[sampling]\nmethd = 'nearest'\n")
    with pytest.raises(InputError, match=r"sampling\.methd"):
        load_config(path)
    path.write_text("[horizons]\nlong = 2300\n")
    with pytest.raises(InputError, match=r"key horizons\.long: must be a year between 2000"):
        load_config(path)


@pytest.mark.parametrize("value", ["0", "1.5", "true", '"two"'])
def test_workers_must_be_a_whole_number(tmp_path, value):
    path = tmp_path / "run.toml"
    path.write_text(f"workers = {value}\n")
    with pytest.raises(InputError, match="key workers: must be a whole number") as error:
        load_config(path)
    assert error.value.issue.column == "workers"
    path.write_text("workers = 3\n")
    assert load_config(path).workers == 3


def test_init_writes_a_valid_run_file(tmp_path):
    runner = CliRunner()
    target = tmp_path / "run.toml"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    # the template names the sample portfolio, which is not beside it here
    assert [i.column for i in check_run_file(target)] == ["portfolios"]
    config = load_config(target, check_paths=False)
    assert config.scenarios == ("ssp126", "ssp370")
    assert config.horizons == {"short": 2027, "mid": 2031, "long": 2050}
    assert _invoke(["init", str(target)], tmp_path) == 2


def test_two_runs_identical_and_reproducible_from_manifest(run_dir):
    args = ["assess", "group_a.csv", "--config", "run.toml", "-q"]
    assert _invoke([*args, "--out", "first"], run_dir) == 0
    assert _invoke([*args, "--out", "second"], run_dir) == 0
    assert (
        _invoke(["assess", "--config", "first/manifest.json", "--out", "again", "-q"], run_dir) == 0
    )
    for name in (
        "asset_results.parquet",
        "asset_results.csv",
        "physical_matrix.csv",
        "transition_matrix.csv",
    ):
        first = (run_dir / "first" / name).read_bytes()
        assert first == (run_dir / "second" / name).read_bytes(), name
        assert first == (run_dir / "again" / name).read_bytes(), name


def test_manifest_with_changed_input_is_refused(run_dir):
    assert (
        _invoke(["assess", "group_a.csv", "--config", "run.toml", "--out", "r", "-q"], run_dir) == 0
    )
    manifest = json.loads((run_dir / "r" / "manifest.json").read_text())
    portfolio = Path(manifest["inputs"][0]["path"])
    portfolio = portfolio if portfolio.is_absolute() else run_dir / portfolio
    portfolio.write_text(portfolio.read_text() + "\n")
    with pytest.raises(InputError, match="has changed since the run"):
        load_config(run_dir / "r" / "manifest.json")
