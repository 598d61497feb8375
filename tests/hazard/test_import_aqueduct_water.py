"""WRI Aqueduct 4.0 water stress import: tiny CSVs + square basins -> grid -> catalogue."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from shapely.geometry import box

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.aqueduct_water import import_aqueduct_water

BASE = "Aqueduct40_baseline_annual_y2023m07d05.csv"
FUTURE = "Aqueduct40_future_annual_y2023m07d05.csv"
# three 1-degree square basins side by side: lon 10-11, 11-12, 12-13, lat 40-41
PFAF = (216010, 216020, 216030)
BWS = {216010: 0.05, 216020: 0.5, 216030: -9999.0}


def _future_value(pfaf, scen, yy):
    return {"opt": 0.1, "bau": 0.2, "pes": 0.3}[scen] + int(yy) / 100 + (pfaf % 1000) / 1e4


@pytest.fixture
def aqueduct(tmp_path):
    folder = tmp_path / "aq40"
    folder.mkdir()
    rows = []
    for i, pfaf in enumerate(PFAF):
        for admin in range(2):  # a basin repeats once per aquifer x admin unit
            rows.append({"string_id": f"{pfaf}-{i}-{admin}", "aq30_id": i * 2 + admin,
                         "pfaf_id": pfaf, "gid_1": f"ITA.{admin}", "aqid": i,
                         "bws_raw": BWS[pfaf], "bws_score": 1.0,
                         "bws_cat": -1 if BWS[pfaf] < -1 else int(BWS[pfaf] > 0.4) * 3,
                         "bws_label": "x"})
    pd.DataFrame(rows).to_csv(folder / BASE, index=False)
    future = []
    for pfaf in PFAF:
        row = {"pfaf_id": pfaf}
        for scen in ("bau", "opt", "pes"):
            for yy in ("30", "50", "80"):
                for kind in ("r", "s", "c", "l"):
                    value = _future_value(pfaf, scen, yy) if kind == "r" else 1
                    row[f"{scen}{yy}_ws_x_{kind}"] = value
                row[f"{scen}{yy}_wd_x_r"] = 0.0
        future.append(row)
    pd.DataFrame(future).to_csv(folder / FUTURE, index=False)
    basins = gpd.GeoDataFrame({"pfaf_id": list(PFAF)},
                              geometry=[box(10 + i, 40, 11 + i, 41) for i in range(3)],
                              crs="EPSG:4326")
    basins.to_file(tmp_path / "hybas_lev06.gpkg", driver="GPKG")
    return folder, tmp_path / "hybas_lev06.gpkg"


def test_round_trip(aqueduct, tmp_path):
    folder, basins = aqueduct
    out = tmp_path / "out"
    lines: list[str] = []
    written = import_aqueduct_water([folder], out, basins=basins, echo=lines.append)
    assert [p.name for p in written] == ["water_stress__water_stress_ratio.nc"]
    assert "opt -> ssp126, bau -> ssp370, pes -> ssp585" in lines[0]
    catalog = open_catalog(out)
    assert not catalog.problems, catalog.problems
    layer = catalog[("water_stress", "water_stress_ratio")]
    assert layer.scenarios == ("ssp126", "ssp370", "ssp585")
    assert layer.quantiles is None and layer.illustrative is False
    assert layer.extent == (10.0, 40.0, 13.0, 41.0)
    assert layer.resolution_deg == (0.25, 0.25)
    assert layer.attrs["climrisk_scenario_map"] == "opt->ssp126, bau->ssp370, pes->ssp585"
    digest = hashlib.sha256((folder / FUTURE).read_bytes()).hexdigest()
    assert f"{FUTURE} sha256:{digest}" in layer.attrs["climrisk_source_files"]
    assert "hybas_lev06.gpkg sha256:" in layer.attrs["climrisk_source_files"]
    data = layer.data.load()
    assert data.shape == (3, 3, 4, 12)
    base = data.sel(scenario="ssp370", epoch="baseline").values
    assert_allclose(base[:, :4], 0.05)
    assert_allclose(base[:, 4:8], 0.5)
    assert np.isnan(base[:, 8:]).all()  # Aqueduct -9999 -> NaN
    got = data.sel(scenario="ssp370", epoch="2050").values
    assert_allclose(got[2, 9], _future_value(216030, "bau", "50"), rtol=1e-6)
    sampled = sample_points(layer, np.array([10.5, 11.5]), np.array([40.5, 40.5]))
    assert_allclose(sampled.values.sel(scenario="ssp126", epoch="2030").values,
                    [_future_value(216010, "opt", "30"), _future_value(216020, "opt", "30")],
                    rtol=1e-6)


def test_cli_mapping_and_resolution(aqueduct, tmp_path, capsys):
    folder, basins = aqueduct
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "aqueduct-water", str(folder / BASE), str(folder / FUTURE),
              "--basins", str(basins), "--out", str(out), "--resolution", "0.5",
              "--scenario-map", "opt=ssp126,pes=ssp370"])
    assert info.value.code == 0
    assert "opt -> ssp126, pes -> ssp370" in capsys.readouterr().out
    layer = open_catalog(out)[("water_stress", "water_stress_ratio")]
    assert layer.scenarios == ("ssp126", "ssp370")
    got = layer.data.sel(scenario="ssp370", epoch="2030").values
    assert got.shape == (2, 6)
    assert_allclose(got[0, 0], _future_value(216010, "pes", "30"), rtol=1e-6)


def test_errors_name_the_file(aqueduct, tmp_path):
    folder, basins = aqueduct
    with pytest.raises(InputError, match="--basins"):
        import_aqueduct_water([folder], tmp_path / "o", echo=lambda _: None)
    table = pd.read_csv(folder / FUTURE).drop(columns=["bau50_ws_x_r"])
    table.to_csv(folder / FUTURE, index=False)
    with pytest.raises(InputError, match="bau50_ws_x_r") as info:
        import_aqueduct_water([folder], tmp_path / "o", basins=basins, echo=lambda _: None)
    assert FUTURE in str(info.value)
    no_pfaf = tmp_path / "basins_bad.gpkg"
    gpd.GeoDataFrame({"HYBAS_ID": [1]}, geometry=[box(0, 0, 1, 1)],
                     crs="EPSG:4326").to_file(no_pfaf, driver="GPKG")
    with pytest.raises(InputError, match="pfaf_id") as info:
        import_aqueduct_water([folder], tmp_path / "o", basins=no_pfaf,
                              scenario_map={"opt": "ssp126"}, echo=lambda _: None)
    assert "basins_bad.gpkg" in str(info.value)


def _assess(hazard_dir, tmp_path, lon, lat, scenarios):
    """Run ``climrisk assess --hazards hazard_dir`` on two sample assets moved to (lon, lat)."""
    root = Path(__file__).resolve().parents[2]
    assets = pd.read_csv(root / "assets" / "sample_portfolio_small.csv").head(2)
    assets["longitude"], assets["latitude"] = lon, lat
    assets["geometry"] = ""
    portfolio = tmp_path / "portfolio.csv"
    assets.to_csv(portfolio, index=False)
    report = tmp_path / "report"
    with pytest.raises(SystemExit) as info:
        main(["assess", str(portfolio), "--hazards", str(hazard_dir), "--scenarios",
              ",".join(scenarios), "--out", str(report), "--no-pdf", "-q"])
    assert info.value.code == 0
    return pd.read_csv(report / "asset_results.csv")


def test_assess_uses_the_layer(aqueduct, tmp_path):
    folder, basins = aqueduct
    out = tmp_path / "hz"
    import_aqueduct_water([folder], out, basins=basins, echo=lambda _: None)
    results = _assess(out, tmp_path, [10.5, 11.5], [40.5, 40.5], ["ssp126", "ssp370"])
    ws = results[results["hazard"] == "water_stress"]
    assert (ws["status"] == "ok").all()
    by_asset = ws.groupby("asset_id", sort=False)["baseline_intensity"].first().to_numpy()
    assert_allclose(by_asset, [0.05, 0.5], rtol=1e-6)
