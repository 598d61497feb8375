"""Daily CMIP6 import: tiny NEX-GDDP-CMIP6 / ISIMIP3b files -> xclim indicators -> catalogue."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.cmip6_daily import (
    DEFAULT_EPOCHS,
    import_cmip6_daily,
    parse_daily_name,
)

pytestmark = pytest.mark.filterwarnings("ignore:The 'name' property is deprecated")

LAT = np.array([-10.125, -9.875])
LON = np.array([30.125, 30.375, 30.625])  # NEX-GDDP uses 0..360 longitudes, 0.25 degree
MODELS = {"ACCESS-CM2": "standard", "MIROC6": "noleap"}
HIST_YEARS = (2011, 2012, 2013, 2014)
SSP_YEARS = (2015, 2016)
SSPS = ("ssp126", "ssp370")
# short test epochs; "2030" spans the historical/SSP boundary (2014/2015)
TEST_EPOCHS = {"baseline": (2011, 2012), "2030": (2014, 2015), "2050": (2015, 2016)}
PR_DRY = 1.0 / 86400.0  # 1 mm/day in kg m-2 s-1


def _times(year, calendar):
    ndays = 366 if calendar == "standard" and pd.Timestamp(year, 12, 31).day_of_year == 366 else 365
    return ndays


def _daily(seed, var, ndays):
    """Random daily values away from the thresholds (35 degC, -10 degC, 1 mm/day)."""
    rng = np.random.default_rng(seed)
    shape = (ndays, LAT.size, LON.size)
    if var == "tasmax":
        values = rng.uniform(295.0, 318.0, shape)
        values = np.where(np.abs(values - 308.15) < 0.05, 300.0, values)
    elif var == "tasmin":
        values = rng.uniform(250.0, 290.0, shape)
        values = np.where(np.abs(values - 263.15) < 0.05, 270.0, values)
    else:  # pr: wet days 5 mm/day, dry days 0.2 mm/day, in runs
        wet = rng.uniform(size=shape) < 0.25
        values = np.where(wet, 5.0, 0.2) / 86400.0
    return values.astype(np.float32)


def _write_year(path, var, year, calendar, values):
    units = {"tasmax": "K", "tasmin": "K", "pr": "kg m-2 s-1"}[var]
    time = np.arange(values.shape[0], dtype=np.float64)
    ds = xr.Dataset(
        {var: (("time", "lat", "lon"), values, {"units": units, "standard_name": var})},
        coords={"time": ("time", time, {"units": f"days since {year}-01-01 12:00:00",
                                        "calendar": calendar}),
                "lat": ("lat", LAT, {"units": "degrees_north"}),
                "lon": ("lon", LON, {"units": "degrees_east"})},
        attrs={"source_id": "NEX-GDDP-CMIP6"},
    )
    ds.to_netcdf(path)


@pytest.fixture(scope="module")
def nex(tmp_path_factory):
    """NEX-GDDP-CMIP6 files and the raw daily values used to write them."""
    folder = tmp_path_factory.mktemp("nex")
    raw: dict = {}
    seed = 0
    for model, calendar in MODELS.items():
        runs = [("historical", HIST_YEARS)] + [(s, SSP_YEARS) for s in SSPS]
        for exp, years in runs:
            for year in years:
                ndays = _times(year, calendar)
                for var in ("tasmax", "tasmin", "pr"):
                    seed += 1
                    values = _daily(seed, var, ndays)
                    raw[(model, exp, var, year)] = values
                    name = f"{var}_day_{model}_{exp}_r1i1p1f1_gn_{year}.nc"
                    _write_year(folder / name, var, year, calendar, values)
    return folder, raw


def _longest_dry_run(pr):
    """Hand calculation: longest run of days with pr < 1 mm/day along axis 0."""
    dry = pr < PR_DRY
    best = np.zeros(dry.shape[1:])
    run = np.zeros(dry.shape[1:])
    for day in dry:
        run = np.where(day, run + 1, 0)
        best = np.maximum(best, run)
    return best


def _hand(raw, model, exp, year):
    """Annual indicators by hand with numpy on the raw daily values."""
    hexp = "historical" if year <= 2014 else exp
    tx = raw[(model, hexp, "tasmax", year)].astype(np.float64)
    tn = raw[(model, hexp, "tasmin", year)].astype(np.float64)
    pr = raw[(model, hexp, "pr", year)]
    tas = (tx + tn) / 2.0
    return {
        "days_above_35c": (tx > 35.0 + 273.15).sum(axis=0),
        "cooling_degree_days": np.maximum(tas - (18.0 + 273.15), 0.0).sum(axis=0),
        "days_below_minus_10c": (tn < -10.0 + 273.15).sum(axis=0),
        "heating_degree_days": np.maximum((18.0 + 273.15) - tas, 0.0).sum(axis=0),
        "consecutive_dry_days": _longest_dry_run(pr),
    }


def _hand_epoch(raw, model, exp, epoch, indicator):
    y0, y1 = TEST_EPOCHS[epoch]
    return np.mean([_hand(raw, model, exp, y)[indicator] for y in range(y0, y1 + 1)], axis=0)


@pytest.fixture(scope="module")
def imported(nex, tmp_path_factory):
    folder, _ = nex
    out = tmp_path_factory.mktemp("out")
    lines: list[str] = []
    written = import_cmip6_daily([folder], out, epochs=TEST_EPOCHS, echo=lines.append)
    return out, written, lines


def test_parse_names():
    nex = parse_daily_name("tasmax_day_ACCESS-CM2_ssp370_r1i1p1f1_gn_2050_v1.1.nc")
    assert (nex.product, nex.variable, nex.model, nex.experiment, nex.first_year) == (
        "nex-gddp-cmip6", "tasmax", "ACCESS-CM2", "ssp370", 2050)
    isimip = parse_daily_name("gfdl-esm4_r1i1p1f1_w5e5_historical_pr_global_daily_1881_1890.nc")
    assert (isimip.product, isimip.variable, isimip.model, isimip.experiment,
            isimip.first_year, isimip.last_year) == (
        "isimip3b", "pr", "gfdl-esm4", "historical", 1881, 1890)
    cmor = parse_daily_name("pr_day_MPI-ESM1-2-HR_ssp126_r1i1p1f1_gn_20150101-20191231.nc")
    assert (cmor.product, cmor.first_year, cmor.last_year) == ("cmip6", 2015, 2019)
    with pytest.raises(InputError, match="not a daily CMIP6 file name"):
        parse_daily_name("tasmax_ACCESS-CM2_2050.nc")


def test_xclim_matches_hand_calculation(nex, imported):
    _, raw = nex
    out, written, lines = imported
    assert sorted(p.name for p in written) == sorted([
        "extreme_heat__days_above_35c.nc", "extreme_heat__cooling_degree_days.nc",
        "extreme_cold__days_below_minus_10c.nc", "extreme_cold__heating_degree_days.nc",
        "drought__consecutive_dry_days.nc"])
    assert any("(tasmax + tasmin) / 2" in line for line in lines)
    catalog = open_catalog(out)
    # only the (test-only) epoch periods differ from the contract
    assert all("epoch_" in p.message for p in catalog.problems), catalog.problems
    for indicator, hazard in (("days_above_35c", "extreme_heat"),
                              ("cooling_degree_days", "extreme_heat"),
                              ("days_below_minus_10c", "extreme_cold"),
                              ("heating_degree_days", "extreme_cold"),
                              ("consecutive_dry_days", "drought")):
        layer = catalog[(hazard, indicator)]
        assert layer.scenarios == SSPS and layer.quantiles == (0.1, 0.5, 0.9)
        assert layer.illustrative is False
        data = layer.data.load()
        for scenario in SSPS:
            for epoch in ("baseline", "2030", "2050"):
                members = np.stack([_hand_epoch(raw, m, scenario, epoch, indicator)
                                    for m in MODELS])
                for q in (0.1, 0.5, 0.9):
                    got = data.sel(scenario=scenario, epoch=epoch, quantile=q).values
                    assert_allclose(got, np.quantile(members, q, axis=0), rtol=2e-5,
                                    err_msg=f"{indicator} {scenario} {epoch} {q}")


def test_provenance_and_sampling(nex, imported):
    folder, raw = nex
    out, _, _ = imported
    layer = open_catalog(out)[("extreme_heat", "days_above_35c")]
    assert layer.units == "day/year"
    name = "tasmax_day_MIROC6_ssp370_r1i1p1f1_gn_2016.nc"
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert f"{name} sha256:{digest}" in layer.attrs["climrisk_source_files"]
    assert "tx_days_above" in layer.attrs["climrisk_method"]
    assert layer.attrs["climrisk_xclim_version"]
    assert layer.attrs["epoch_2030"] == "2014-2015"
    assert "Thrasher" in layer.references
    sampled = sample_points(layer, np.array([30.4]), np.array([-10.1]))  # cell lat 0, lon 1
    members = np.stack([_hand_epoch(raw, m, "ssp370", "2050", "days_above_35c")[0, 1]
                        for m in MODELS])
    got = sampled.values.sel(scenario="ssp370", epoch="2050", quantile=0.5).values
    assert_allclose(got, [np.median(members)], rtol=1e-6)


def _write_isimip(folder, var, exp, y0, y1, value_of_year, units="K"):
    """One ISIMIP3b decadal file: lat descending (north first), lon -180..180, 0.5 degree."""
    times = pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D")
    lat = np.array([45.25, 44.75])
    lon = np.array([-0.25, 0.25])
    values = np.stack([np.full((2, 2), value_of_year(t.year, t.day_of_year), np.float32)
                       for t in times])
    ds = xr.Dataset({var: (("time", "lat", "lon"), values, {"units": units})},
                    coords={"time": times, "lat": lat, "lon": lon})
    name = f"gfdl-esm4_r1i1p1f1_w5e5_{exp}_{var}_global_daily_{y0}_{y1}.nc"
    ds.to_netcdf(folder / name, encoding={"time": {"units": "days since 1850-01-01",
                                                   "calendar": "proleptic_gregorian"}})
    return folder / name


def _isimip_tasmax(year, doy):
    hot = 5 if year <= 2014 else (10 + (year - 2015) // 10)  # hot days per year
    return 310.0 if doy <= hot else 300.0


def test_isimip_default_contract_epochs(tmp_path):
    folder = tmp_path / "isimip"
    folder.mkdir()
    for y0, y1 in ((1981, 1990), (1991, 2000), (2001, 2010), (2011, 2014)):
        _write_isimip(folder, "tasmax", "historical", y0, y1, _isimip_tasmax)
    for y0 in range(2015, 2065, 10):
        _write_isimip(folder, "tasmax", "ssp126", y0, min(y0 + 9, 2064), _isimip_tasmax)
    out = tmp_path / "out"
    assert DEFAULT_EPOCHS["2050"] == (2035, 2064)
    import_cmip6_daily([folder], out, echo=lambda _: None)
    catalog = open_catalog(out)
    assert not catalog.problems, catalog.problems
    layer = catalog[("extreme_heat", "days_above_35c")]
    assert layer.quantiles is None  # one model: no spread
    assert layer.license.startswith("CC BY 4.0")
    data = layer.data.load()
    assert float(data["lat"][0]) < float(data["lat"][-1])
    # hand: baseline 5 days; 2015-2044: 10, 11, 12 (10 years each) -> 11; 2035-2064: 12, 13, 14
    expected = {"baseline": 5.0, "2030": 11.0, "2050": 13.0}
    for epoch, value in expected.items():
        assert_allclose(data.sel(scenario="ssp126", epoch=epoch).values, value, rtol=1e-6)


def test_errors_name_the_file(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    _write_isimip(folder, "tasmax", "historical", 2011, 2014, _isimip_tasmax)
    bad = _write_isimip(folder, "tasmax", "ssp126", 2015, 2016, _isimip_tasmax, units="mm")
    with pytest.raises(InputError, match="expected K") as info:
        import_cmip6_daily([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    bad.unlink()
    _write_isimip(folder, "tasmax", "ssp126", 2015, 2016, _isimip_tasmax)
    with pytest.raises(InputError, match="epoch baseline needs every year 1985-2014"):
        import_cmip6_daily([folder], tmp_path / "out", echo=lambda _: None)
    overlap = _write_isimip(folder, "tasmax", "historical", 2014, 2014, _isimip_tasmax)
    overlap = overlap.rename(overlap.with_name(overlap.name.replace("2014_2014", "2013_2014")))
    with pytest.raises(InputError, match="overlap"):
        import_cmip6_daily([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    overlap.unlink()
    with pytest.raises(SystemExit) as exit_info:
        main(["hazards", "import", "cmip6-daily", str(folder / "nothing.nc"), "--out",
              str(tmp_path / "o")])
    assert exit_info.value.code == 2
    assert "nothing.nc" in capsys.readouterr().err


def test_cli(nex, tmp_path, capsys):
    folder, _ = nex
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "cmip6-daily", str(folder), "--out", str(out),
              "--model", "ACCESS-CM2", "--scenario", "ssp370", "--indicator", "days_above_35c",
              "--epochs", "baseline=2011-2012,2030=2014-2015,2050=2015-2016"])
    assert info.value.code == 0
    assert "xclim" in capsys.readouterr().out
    layer = open_catalog(out)[("extreme_heat", "days_above_35c")]
    assert layer.scenarios == ("ssp370",) and layer.quantiles is None


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


def test_assess_uses_the_layers(imported, tmp_path):
    out, _, _ = imported
    results = _assess(out, tmp_path, [30.2, 30.6], [-10.1, -9.9], list(SSPS))
    used = set(results.loc[results["status"] == "ok", "hazard"])
    assert {"extreme_heat", "drought"} <= used


def test_mixed_grids_are_an_error(tmp_path):
    folder = tmp_path / "grids"
    folder.mkdir()
    _write_isimip(folder, "tasmax", "historical", 2011, 2014, _isimip_tasmax)
    other = _write_isimip(folder, "tasmax", "ssp126", 2015, 2016, _isimip_tasmax)
    with xr.open_dataset(other) as ds:
        moved = ds.load().assign_coords(lon=ds["lon"] + 0.5)
    other.unlink()
    moved.to_netcdf(other)
    with pytest.raises(InputError, match="grid") as info:
        import_cmip6_daily([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert other.name in str(info.value)
    with pytest.raises(InputError, match="regridding is not implemented"):
        import_cmip6_daily([folder], tmp_path / "out", regrid=True, echo=lambda _: None)
