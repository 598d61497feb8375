"""``climrisk hazards list`` and ``describe``: output, warnings on stderr, exit statuses."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from climrisk.cli.main import cli, main


def test_list_prints_every_layer(hazard_dir, layer_factory):
    layer_factory("wildfire", name="broken.nc", attrs={"climrisk_kind": "sometimes"})
    result = CliRunner().invoke(cli, ["hazards", "list", "--hazards", str(hazard_dir)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for piece in ("riverine_flood", "flood_depth *", "extreme_heat", "days_above_35c",
                  "day/year", "ssp126, ssp370", "baseline, 2030, 2050",
                  "2, 5, 10, 25, 50, 100, 250, 500, 1000", "0.1, 0.5, 0.9", "1 x 1",
                  "100..104, 10..13", "CC0-1.0", "illustrative"):
        assert piece in out, piece
    assert "warning: broken.nc: unknown kind 'sometimes'" in result.stderr
    assert "broken" not in out


def test_describe_prints_layers_in_full(hazard_dir):
    result = CliRunner().invoke(cli, ["hazards", "describe", "riverine_flood",
                                      "--hazards", str(hazard_dir)])
    assert result.exit_code == 0, result.output
    assert "riverine_flood:flood_depth" in result.stdout
    assert "references:" in result.stdout
    assert "ILLUSTRATIVE" in result.stdout


def test_unknown_hazard_exits_2_listing_available(hazard_dir, capsys):
    with pytest.raises(SystemExit) as info:
        main(["hazards", "describe", "volcano", "--hazards", str(hazard_dir)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: hazards: no layer for hazard 'volcano' (not a climrisk hazard id); "
                   "available: extreme_heat, riverine_flood"]


def test_missing_folder_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["hazards", "list", "--hazards", str(tmp_path / "nope")])
    assert info.value.code == 2
    assert capsys.readouterr().err.strip() == "error: nope: hazard folder does not exist"


def test_environment_variable_sets_the_default_folder(hazard_dir, monkeypatch):
    monkeypatch.setenv("CLIMRISK_HAZARD_DATA", str(hazard_dir))
    result = CliRunner().invoke(cli, ["hazards", "list"])
    assert result.exit_code == 0, result.output
    assert "riverine_flood" in result.stdout
