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
RAIN_PULSE = 40.0 / 86400.0  # 40 mm/day across the historical/SSP boundary (one cell)


def _times(year, calendar):
    ndays = 366 if calendar == "standard" and pd.Timestamp(year, 12, 31).day_of_year == 366 else 365
    return ndays


def _daily(seed, var, ndays):
    """Random daily values away from the thresholds (35, 0, -10 degC, 1 mm/day)."""
    rng = np.random.default_rng(seed)
    shape = (ndays, LAT.size, LON.size)
    if var == "tasmax":
        values = rng.uniform(268.0, 318.0, shape)
        values = np.where(np.abs(values - 308.15) < 0.05, 300.0, values)
        values = np.where(np.abs(values - 273.15) < 0.05, 270.0, values)
    elif var == "tasmin":
        values = rng.uniform(250.0, 290.0, shape)
        values = np.where(np.abs(values - 263.15) < 0.05, 270.0, values)
        values = np.where(np.abs(values - 273.15) < 0.05, 280.0, values)
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
                    if var == "pr" and (exp, year) == ("historical", 2014):
                        values[-3:, 0, 1] = RAIN_PULSE  # 31 Dec 2014 back to 29 Dec
                    elif var == "pr" and year == 2015:
                        values[:2, 0, 1] = RAIN_PULSE  # 1-2 Jan 2015
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


def _rx5day(raw, model, exp, year):
    """Hand Rx5day [mm] as xclim defines it: 5-day sums over the continuous series (historical
    then SSP), the maximum of the sums whose last day falls in ``year``; the first four days
    of the series end no window, windows ending in early January reach into December."""
    years = [y for y in (*HIST_YEARS, *SSP_YEARS) if y <= year]
    parts = [raw[(model, "historical" if y <= 2014 else exp, "pr", y)] for y in years]
    pr_mm = np.concatenate(parts).astype(np.float64) * 86400.0
    end_year = np.concatenate([np.full(p.shape[0], y) for y, p in zip(years, parts, strict=True)])
    csum = np.concatenate([np.zeros((1, *pr_mm.shape[1:])), np.cumsum(pr_mm, axis=0)])
    sums = csum[5:] - csum[:-5]  # sums[i] = days i..i+4, ending on day i + 4
    return sums[end_year[4:] == year].max(axis=0)


def test_rx5day_hand_calculation_spans_the_run_boundary(nex):
    """The 2015 maximum is the 29 Dec 2014 - 2 Jan 2015 window (5 x 40 mm)."""
    _, raw = nex
    for model in MODELS:
        assert _rx5day(raw, model, "ssp126", 2015)[0, 1] == pytest.approx(200.0, rel=1e-6)
        assert _rx5day(raw, model, "ssp126", 2014)[0, 1] < 200.0 - 60.0


def _hand(raw, model, exp, year):
    """Annual indicators by hand with numpy on the raw daily values."""
    hexp = "historical" if year <= 2014 else exp
    tx = raw[(model, hexp, "tasmax", year)].astype(np.float64)
    tn = raw[(model, hexp, "tasmin", year)].astype(np.float64)
    pr = raw[(model, hexp, "pr", year)]
    tas = (tx + tn) / 2.0
    return {
        "frost_days": (tn < 273.15).sum(axis=0),
        "ice_days": (tx < 273.15).sum(axis=0),
        "max_5day_precipitation": _rx5day(raw, model, exp, year),
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
        "drought__consecutive_dry_days.nc", "extreme_cold__frost_days.nc",
        "extreme_cold__ice_days.nc", "pluvial_flood__max_5day_precipitation.nc"])
    assert any("(tasmax + tasmin) / 2" in line for line in lines)
    catalog = open_catalog(out)
    # only the (test-only) epoch periods differ from the contract
    assert all("epoch_" in p.message for p in catalog.problems), catalog.problems
    for indicator, hazard in (("days_above_35c", "extreme_heat"),
                              ("cooling_degree_days", "extreme_heat"),
                              ("days_below_minus_10c", "extreme_cold"),
                              ("heating_degree_days", "extreme_cold"),
                              ("consecutive_dry_days", "drought"),
                              ("frost_days", "extreme_cold"),
                              ("ice_days", "extreme_cold"),
                              ("max_5day_precipitation", "pluvial_flood")):
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


def _write_isimip(folder, var, exp, y0, y1, value_of_year, units="K", *, model="gfdl-esm4",
                  lat=(45.25, 44.75), lon=(-0.25, 0.25)):
    """One ISIMIP3b decadal file: lat descending (north first), lon -180..180, 0.5 degree."""
    times = pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D")
    lat, lon = np.asarray(lat), np.asarray(lon)
    values = np.stack([np.broadcast_to(np.asarray(value_of_year(t.year, t.day_of_year),
                                                  np.float32), (lat.size, lon.size))
                       for t in times])
    ds = xr.Dataset({var: (("time", "lat", "lon"), values, {"units": units})},
                    coords={"time": times, "lat": lat, "lon": lon})
    name = f"{model}_r1i1p1f1_w5e5_{exp}_{var}_global_daily_{y0}_{y1}.nc"
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
    # --regrid works across models only: the files of one model must share a grid
    with pytest.raises(InputError, match="other files of model gfdl-esm4") as info:
        import_cmip6_daily([folder], tmp_path / "out", epochs=TEST_EPOCHS, regrid="nearest",
                           echo=lambda _: None)
    assert other.name in str(info.value)
    with pytest.raises(InputError, match="unknown regrid method"):
        import_cmip6_daily([folder], tmp_path / "out", regrid="cubic", echo=lambda _: None)


B_LAT = np.array([44.7, 45.3, 45.9])  # second model's grid (0.6 x 0.5 degree)
B_LON = np.array([-0.3, 0.2, 0.7])
B_HOT = 1 + 2 * np.arange(9).reshape(3, 3)  # historical hot days per year in each cell


def _b_tasmax(year, doy):
    hot = B_HOT + (0 if year <= 2014 else 10)
    return np.where(doy <= hot, 310.0, 300.0)


def _hand_two_models(b_on_target):
    """Epoch means of days above 35 degC: model A (_isimip_tasmax) and model B on A's grid."""
    a = {"baseline": 5.0, "2030": (5.0 + 10.0) / 2, "2050": 10.0}  # 2014 5 days, 2015-16 10
    b = {"baseline": b_on_target, "2030": b_on_target + 5.0, "2050": b_on_target + 10.0}
    return {e: np.stack([np.full_like(b[e], a[e], dtype=float), b[e]]) for e in a}


def test_regrid_two_models(tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    _write_isimip(folder, "tasmax", "historical", 2011, 2014, _isimip_tasmax)
    _write_isimip(folder, "tasmax", "ssp126", 2015, 2016, _isimip_tasmax)
    b_hist = _write_isimip(folder, "tasmax", "historical", 2011, 2014, _b_tasmax,
                           model="ipsl-cm6a-lr", lat=B_LAT, lon=B_LON)
    _write_isimip(folder, "tasmax", "ssp126", 2015, 2016, _b_tasmax, model="ipsl-cm6a-lr",
                  lat=B_LAT, lon=B_LON)
    with pytest.raises(InputError, match="--regrid") as info:
        import_cmip6_daily([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert b_hist.name in str(info.value)
    out = tmp_path / "nearest"
    with pytest.raises(SystemExit) as exit_info:
        main(["hazards", "import", "cmip6-daily", str(folder), "--out", str(out),
              "--regrid", "nearest", "--epochs",
              "baseline=2011-2012,2030=2014-2015,2050=2015-2016"])
    assert exit_info.value.code == 0
    lat_a, lon_a = np.array([44.75, 45.25]), np.array([-0.25, 0.25])  # model A, lat ascending
    layer = open_catalog(out)[("extreme_heat", "days_above_35c")]
    assert layer.attrs["climrisk_regrid"].startswith("nearest")
    assert "grid of gfdl-esm4" in layer.attrs["climrisk_regrid"]
    assert "ipsl-cm6a-lr" in layer.attrs["climrisk_regrid"]
    data = layer.data.load()
    assert_allclose(data["lat"].values, lat_a)
    assert_allclose(data["lon"].values, lon_a)
    i = np.abs(B_LAT[:, None] - lat_a[None, :]).argmin(axis=0)  # nearest lookup by hand
    j = np.abs(B_LON[:, None] - lon_a[None, :]).argmin(axis=0)
    assert (i.tolist(), j.tolist()) == ([0, 1], [0, 1])
    members = _hand_two_models(B_HOT[np.ix_(i, j)].astype(float))
    for epoch, stacked in members.items():
        for q in (0.1, 0.5, 0.9):
            assert_allclose(data.sel(scenario="ssp126", epoch=epoch, quantile=q).values,
                            np.quantile(stacked, q, axis=0), rtol=1e-6, err_msg=f"{epoch} {q}")
    # bilinear: B_HOT is linear in lat and lon, so interpolation reproduces the plane exactly
    out = tmp_path / "bilinear"
    import_cmip6_daily([folder], out, epochs=TEST_EPOCHS, regrid="bilinear",
                       echo=lambda _: None)
    layer = open_catalog(out)[("extreme_heat", "days_above_35c")]
    assert layer.attrs["climrisk_regrid"].startswith("bilinear")
    plane = 1 + 2 * (3 * (lat_a[:, None] - 44.7) / 0.6 + (lon_a[None, :] + 0.3) / 0.5)
    members = _hand_two_models(plane)
    data = layer.data.load()
    for epoch, stacked in members.items():
        assert_allclose(data.sel(scenario="ssp126", epoch=epoch, quantile=0.5).values,
                        np.median(stacked, axis=0), rtol=1e-5, err_msg=epoch)
