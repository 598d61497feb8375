"""STORM tropical-cyclone import: tiny GeoTIFFs in STORM's naming -> contract file -> catalogue."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from numpy.testing import assert_allclose

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.storm import import_storm, parse_storm_name

pytestmark = pytest.mark.filterwarnings("ignore:Use `@` matmul:PendingDeprecationWarning")

NY, NX = 3, 4  # 0.1-degree cells, west 120.0, north 20.0
MODELS = {"CMCC-CM2-VHR4": 1.0, "CNRM-CM6-1-HR": 3.0, "EC-Earth3P-HR": 2.0}
RPS = (10, 20, 30, 50, 100, 200, 500, 1000)


def _write(path, values, crs="EPSG:4326"):
    with rasterio.open(path, "w", driver="GTiff", height=NY, width=NX, count=1,
                       dtype="float32", crs=crs, nodata=-9999.0,
                       transform=Affine(0.1, 0.0, 120.0, 0.0, -0.1, 20.0)) as dst:
        dst.write(values.astype(np.float32), 1)


def _present(rp):
    rows, cols = np.mgrid[0:NY, 0:NX]
    wind = 30.0 + 5.0 * np.log10(rp) + rows + 0.5 * cols
    wind[2, 3] = -9999.0  # no data
    return wind


@pytest.fixture
def storm_dir(tmp_path):
    folder = tmp_path / "storm"
    folder.mkdir()
    for rp in RPS:
        _write(folder / f"STORM_FIXED_RETURN_PERIODS_constant_{rp}_YR_RP.tif", _present(rp))
        for model, add in MODELS.items():
            wind = np.where(_present(rp) < 0, -9999.0, _present(rp) + add)
            _write(folder / f"STORM_FIXED_RETURN_PERIODS_{model}_{rp}_YR_RP.tif", wind)
    return folder


def test_parse_names():
    f = parse_storm_name("STORM_FIXED_RETURN_PERIODS_HadGEM3-GC31-HM_1000_YR_RP.tif")
    assert (f.model, f.return_period, f.present) == ("HadGEM3-GC31-HM", 1000.0, False)
    assert parse_storm_name("STORM_FIXED_RETURN_PERIODS_constant_10_YR_RP.tif").present
    with pytest.raises(InputError, match="not a STORM file name"):
        parse_storm_name("STORM_FIXED_RETURN_PERIODS_MIROC6_10_YR_RP.tif")


def test_round_trip(storm_dir, tmp_path):
    out = tmp_path / "out"
    lines: list[str] = []
    written = import_storm([storm_dir], out, echo=lines.append)
    assert [p.name for p in written] == ["tropical_cyclone__max_wind_speed.nc"]
    assert "-> ssp370 (an approximation)" in lines[0]
    catalog = open_catalog(out)
    assert not catalog.problems, catalog.problems
    layer = catalog[("tropical_cyclone", "max_wind_speed")]
    assert layer.units == "m/s" and layer.scenarios == ("ssp370",)
    assert layer.return_periods == (10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)  # no 30
    assert layer.quantiles == (0.1, 0.5, 0.9)
    assert layer.license.startswith("CC0")
    assert "0.88" in layer.attrs["climrisk_wind_conversion"]
    name = "STORM_FIXED_RETURN_PERIODS_EC-Earth3P-HR_100_YR_RP.tif"
    digest = hashlib.sha256((storm_dir / name).read_bytes()).hexdigest()
    assert f"{name} sha256:{digest}" in layer.attrs["climrisk_source_files"]
    data = layer.data.load()
    # cell row 0 (north), col 1 -> output lat index 2 (lat ascending)
    base = _present(100)[0, 1] / 0.88
    adds = np.array(list(MODELS.values())) / 0.88
    for q in (0.1, 0.5, 0.9):
        fut = base + np.quantile(adds, q)
        got = data.sel(scenario="ssp370", return_period=100.0, quantile=q)
        assert_allclose(got.sel(epoch="baseline").values[2, 1], base, rtol=1e-6)
        assert_allclose(got.sel(epoch="2050").values[2, 1], fut, rtol=1e-6)
        assert_allclose(got.sel(epoch="2030").values[2, 1], base + 0.6 * (fut - base), rtol=1e-6)
    assert np.isnan(data.sel(epoch="baseline").values[..., 0, 3]).all()
    sampled = sample_points(layer, np.array([120.15]), np.array([19.95]))
    got = sampled.values.sel(scenario="ssp370", epoch="2050", return_period=10.0, quantile=0.5)
    assert_allclose(got.values, [(_present(10)[0, 1] + 2.0) / 0.88], rtol=1e-6)


def test_cli_options(storm_dir, tmp_path, capsys):
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "storm", str(storm_dir), "--out", str(out),
              "--scenario", "ssp585", "--model", "CMCC-CM2-VHR4", "--return-periods", "10,30"])
    assert info.value.code == 0
    assert "ssp585" in capsys.readouterr().out
    layer = open_catalog(out)[("tropical_cyclone", "max_wind_speed")]
    assert layer.scenarios == ("ssp585",) and layer.quantiles is None
    assert layer.return_periods == (10.0, 30.0)
    got = layer.data.sel(scenario="ssp585", epoch="2050", return_period=30.0).values
    assert_allclose(got[2, 0], (_present(30)[0, 0] + 1.0) / 0.88, rtol=1e-6)


def test_errors_name_the_file(storm_dir, tmp_path):
    bad = storm_dir / "STORM_FIXED_RETURN_PERIODS_HadGEM3-GC31-HM_10_YR_RP.tif"
    _write(bad, _present(10), crs="EPSG:3857")
    with pytest.raises(InputError, match="EPSG:4326") as info:
        import_storm([storm_dir], tmp_path / "o", return_periods=[10], echo=lambda _: None)
    assert bad.name in str(info.value)
    bad.unlink()
    (storm_dir / "STORM_FIXED_RETURN_PERIODS_constant_10_YR_RP.tif").unlink()
    with pytest.raises(InputError, match="return period"):
        import_storm([storm_dir], tmp_path / "o", return_periods=[10], echo=lambda _: None)


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


def test_assess_uses_the_layer(storm_dir, tmp_path):
    out = tmp_path / "hz"
    import_storm([storm_dir], out, echo=lambda _: None)
    results = _assess(out, tmp_path, [120.15, 120.35], [19.95, 19.85], ["ssp370"])
    tc = results[results["hazard"] == "tropical_cyclone"]
    assert (tc["status"] == "ok").all()
    assert tc["indicator"].str.startswith("max_wind_speed").all()
    # baseline intensity = present 100-year wind / 0.88 at the asset's cell (row 0, col 1)
    first = tc[tc["asset_id"] == tc["asset_id"].iloc[0]]
    assert_allclose(first["baseline_intensity"].to_numpy(), _present(100)[0, 1] / 0.88,
                    rtol=1e-5)
