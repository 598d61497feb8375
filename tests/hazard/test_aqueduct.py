"""WRI Aqueduct Floods v2 import: tiny GeoTIFFs in WRI's naming -> contract netCDFs -> catalogue."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import rasterio
from numpy.testing import assert_allclose, assert_array_equal
from rasterio.transform import from_origin

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.aqueduct import (
    import_aqueduct_floods,
    parse_aqueduct_name,
    parse_scenario_map,
)

NY, NX = 4, 5  # 1-degree cells, west 100, north 14: centres lon 100.5..104.5, lat 13.5..10.5
MODELS = {"NorESM1-M": 0.1, "GFDL-ESM2M": 0.2, "HadGEM2-ES": 0.6}
RIVER_RPS = (2, 100, 1000)
COAST_RPS = (10, 100)
pytestmark = pytest.mark.filterwarnings("ignore:Use `@` matmul:PendingDeprecationWarning")

SLR = {"0": 0.3, "0_perc_05": 0.1, "0_perc_50": 0.2}  # "_0" is the 95th percentile


def _write(path, values, nodata=-9999.0):
    with rasterio.open(path, "w", driver="GTiff", height=NY, width=NX, count=1,
                       dtype="float32", crs="EPSG:4326", transform=from_origin(100, 14, 1, 1),
                       nodata=nodata) as dst:
        dst.write(values.astype(np.float32), 1)


def _base(rp):
    """Depth field of the historical run: row r (north first), column c."""
    rows, cols = np.mgrid[0:NY, 0:NX]
    depth = 0.01 * rp + rows + 0.1 * cols
    depth[0, 0] = -9999.0  # no data (sea)
    return depth


def _river_value(rp, scenario, year, model):
    scen = {"rcp4p5": 1.0, "rcp8p5": 2.0}[scenario]
    return _base(rp) + scen * (year - 2000) / 50 + MODELS[model]


@pytest.fixture
def aqueduct_dir(tmp_path):
    folder = tmp_path / "aqueduct"
    folder.mkdir()
    for rp in RIVER_RPS:
        _write(folder / f"inunriver_historical_000000000WATCH_1980_rp{rp:05d}.tif", _base(rp))
        for scenario in ("rcp4p5", "rcp8p5"):
            for year in (2030, 2050, 2080):
                for model in MODELS:
                    depth = np.where(_base(rp) < -1, -9999.0,
                                     _river_value(rp, scenario, year, model))
                    name = f"inunriver_{scenario}_{model.rjust(14, '0')}_{year}_rp{rp:05d}.tif"
                    _write(folder / name, depth)
    for rp in COAST_RPS:
        for slr, add in SLR.items():
            _write(folder / f"inuncoast_historical_nosub_hist_rp{rp:04d}_{slr}.tif",
                   np.where(_base(rp) < -1, -9999.0, _base(rp) + add))
            for year in (2030, 2050):
                for sub, extra in (("wtsub", 1.0), ("nosub", 0.0)):
                    depth = np.where(_base(rp) < -1, -9999.0, _base(rp) + add + extra + year / 1e3)
                    _write(folder / f"inuncoast_rcp8p5_{sub}_{year}_rp{rp:04d}_{slr}.tif", depth)
    return folder


def test_parse_names():
    river = parse_aqueduct_name("inunriver_rcp8p5_00000NorESM1-M_2050_rp00100.tif")
    assert (river.hazard, river.scenario, river.model, river.year, river.return_period,
            river.epoch) == ("riverine_flood", "rcp8p5", "NorESM1-M", 2050, 100.0, "2050")
    hist = parse_aqueduct_name("inunriver_historical_000000000WATCH_1980_rp00002.tif")
    assert hist.model == "WATCH" and hist.epoch == "baseline"
    coast = parse_aqueduct_name("inuncoast_historical_nosub_hist_rp0100_0.tif")
    assert (coast.hazard, coast.year, coast.slr_percentile, coast.epoch) == (
        "coastal_flood", None, 95.0, "baseline")
    assert parse_aqueduct_name("inuncoast_rcp4p5_wtsub_2030_rp0010_0_perc_05.tif"
                               ).slr_percentile == 5.0
    assert parse_aqueduct_name("inunriver_rcp4p5_MIROC-ESM-CHEM_2080_rp00010.tif").epoch is None
    for bad in ("inunriver_rcp4p5_NorESM1-M_2030_rp00100.tif",  # model not padded
                "inuncoast_rcp8p5_wtsub_2050_rp00100_0.tif",  # 5-digit coastal RP
                "flood.tif"):
        with pytest.raises(InputError, match="not an Aqueduct Floods v2 file name") as info:
            parse_aqueduct_name(bad)
        assert bad in str(info.value)


def test_scenario_map_parsing():
    assert parse_scenario_map(None) == {"rcp4p5": "ssp126", "rcp8p5": "ssp370"}
    assert parse_scenario_map("rcp4p5=ssp245") == {"rcp4p5": "ssp245"}
    with pytest.raises(InputError, match="not of the form"):
        parse_scenario_map("rcp4p5:ssp245")


def test_round_trip(aqueduct_dir, tmp_path):
    out = tmp_path / "out"
    lines: list[str] = []
    written = import_aqueduct_floods([aqueduct_dir], out, echo=lines.append)
    assert [p.name for p in written] == ["riverine_flood__flood_depth.nc",
                                         "coastal_flood__flood_depth.nc"]
    assert "rcp4p5 -> ssp126, rcp8p5 -> ssp370" in lines[0]
    assert any("2080 files are left out" in line for line in lines)
    catalog = open_catalog(out)
    assert not catalog.problems, catalog.problems
    river = catalog[("riverine_flood", "flood_depth")]
    assert river.scenarios == ("ssp126", "ssp370")
    assert river.return_periods == (2.0, 100.0, 1000.0)
    assert river.quantiles == (0.1, 0.5, 0.9)
    assert river.license.startswith("CC BY 4.0")
    assert "Ward" in river.references and "Aqueduct Floods Methodology" in river.references
    assert river.attrs["climrisk_scenario_map"] == "rcp4p5->ssp126, rcp8p5->ssp370"
    name = "inunriver_rcp8p5_0000HadGEM2-ES_2050_rp00100.tif"
    digest = hashlib.sha256((aqueduct_dir / name).read_bytes()).hexdigest()
    assert f"{name} sha256:{digest}" in river.attrs["climrisk_source_files"]
    assert "_2080_" not in river.attrs["climrisk_source_files"]
    assert river.illustrative is False
    assert river.extent == (100.0, 10.0, 105.0, 14.0)
    data = river.data.load()
    assert_array_equal(data["lat"].values, [10.5, 11.5, 12.5, 13.5])
    # baseline is the historical run, the same for every scenario and quantile
    expected_base = _base(100)[::-1].astype(np.float32)  # rows south first
    expected_base = np.where(expected_base < -1, np.nan, expected_base)
    for scenario in ("ssp126", "ssp370"):
        for q in (0.1, 0.5, 0.9):
            got = data.sel(scenario=scenario, epoch="baseline", return_period=100.0, quantile=q)
            assert_allclose(got.values, expected_base, equal_nan=True)
    # future quantiles across the three GCMs (linear interpolation between members)
    members = np.stack([_river_value(100, "rcp8p5", 2050, m)[::-1] for m in MODELS])
    for q in (0.1, 0.5, 0.9):
        expected = np.quantile(members, q, axis=0)
        expected[3, 0] = np.nan  # the no-data cell (north-west corner)
        got = data.sel(scenario="ssp370", epoch="2050", return_period=100.0, quantile=q)
        assert_allclose(got.values, expected, rtol=1e-5, equal_nan=True)
    coast = catalog[("coastal_flood", "flood_depth")]
    assert coast.scenarios == ("ssp370",)
    assert coast.quantiles == (0.05, 0.5, 0.95)
    assert coast.attrs["coastal_subsidence"] == "wtsub"
    cdata = coast.data.load()
    got = cdata.sel(epoch="2030", return_period=10.0, quantile=0.95, scenario="ssp370")
    assert_allclose(got.values[0, 0], _base(10)[3, 0] + 0.3 + 1.0 + 2.03, rtol=1e-6)
    # the imported files sample like any other layer; the sea cell falls back to a neighbour
    sampled = sample_points(river, np.array([100.5, 102.5]), np.array([13.5, 11.5]))
    assert_array_equal(sampled.flags, [1, 0])


def test_model_and_subsidence_options_and_cli(aqueduct_dir, tmp_path, capsys):
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "aqueduct-floods", str(aqueduct_dir), "--out", str(out),
              "--scenario-map", "rcp4p5=ssp245,rcp8p5=ssp585", "--model", "NorESM1-M",
              "--subsidence", "nosub"])
    assert info.value.code == 0
    printed = capsys.readouterr()
    assert "rcp4p5 -> ssp245, rcp8p5 -> ssp585" in printed.out
    catalog = open_catalog(out)
    river = catalog[("riverine_flood", "flood_depth")]
    assert river.scenarios == ("ssp245", "ssp585")
    assert river.quantiles is None  # one GCM: no spread
    got = river.data.sel(scenario="ssp585", epoch="2030", return_period=2.0).values
    assert_allclose(got[0, 1], _river_value(2, "rcp8p5", 2030, "NorESM1-M")[3, 1], rtol=1e-6)
    coast = catalog[("coastal_flood", "flood_depth")]
    got = coast.data.sel(epoch="2050", return_period=100.0, quantile=0.5).values
    assert_allclose(got[0, 0, 1], _base(100)[3, 1] + 0.2 + 2.05, rtol=1e-6)


def test_bad_file_name_is_an_input_error(aqueduct_dir, tmp_path, capsys):
    bad = aqueduct_dir / "inunriver_rcp4p5_NorESM1-M_2030_rp00100.tif"
    _write(bad, _base(100))
    with pytest.raises(InputError, match=r"inunriver_rcp4p5_NorESM1-M_2030_rp00100\.tif"):
        import_aqueduct_floods([aqueduct_dir], tmp_path / "x", echo=lambda _: None)
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "aqueduct-floods", str(bad), "--out", str(tmp_path / "y")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: inunriver_rcp4p5_NorESM1-M_2030_rp00100.tif: not an Aqueduct")
    assert not (tmp_path / "y" / "riverine_flood__flood_depth.nc").exists()


def test_missing_epoch_is_an_input_error(aqueduct_dir, tmp_path):
    for path in aqueduct_dir.glob("inunriver_rcp8p5_*_2050_*.tif"):
        path.unlink()
    with pytest.raises(InputError, match="no riverine_flood files for rcp8p5 2050"):
        import_aqueduct_floods([aqueduct_dir], tmp_path / "x", echo=lambda _: None)
