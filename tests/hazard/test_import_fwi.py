"""FWI import: tiny daily CMIP6 FWI files -> annual counts above 30 -> catalogue."""

from __future__ import annotations

import hashlib

import cftime
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.fwi import import_fwi, parse_fwi_name

LAT = np.array([40.5, 41.5])
LON = np.array([10.5, 11.5, 12.5])
MODELS = ("CanESM5", "MIROC6", "MPI-ESM1-2-LR")
HIST = (2011, 2014)
SSP = (2015, 2016)
SSPS = ("ssp126", "ssp370")
# short test epochs; "2030" spans the historical/SSP boundary (2014/2015)
TEST_EPOCHS = {"baseline": (2011, 2012), "2030": (2014, 2015), "2050": (2015, 2016)}


def _values(seed, ndays):
    """Random daily FWI in [0, 60) away from 30; cell (1, 2) is ocean (NaN)."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 60.0, (ndays, LAT.size, LON.size))
    values = np.where(np.abs(values - 30.0) < 0.01, 10.0, values)
    values[:, 1, 2] = np.nan
    return values.astype(np.float32)


def _write(folder, model, exp, y0, y1, values, *, units="1", var="fwi", lon=LON, dates=True):
    times = pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D")
    ds = xr.Dataset({var: (("time", "lat", "lon"), values, {"units": units})},
                    coords={"time": times, "lat": LAT, "lon": lon})
    span = f"_{y0}0101-{y1}1231" if dates else ""
    path = folder / f"fwi_day_{model}_{exp}_r1i1p1f1_gn{span}.nc"
    ds.to_netcdf(path, encoding={"time": {"units": "days since 1850-01-01"}})
    return path


def _ndays(y0, y1):
    return len(pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D"))


@pytest.fixture(scope="module")
def fwi_files(tmp_path_factory):
    """Daily files (historical one file, SSPs without a date range) and their values by year."""
    folder = tmp_path_factory.mktemp("fwi")
    raw = {}
    seed = 0
    for model in MODELS:
        for exp, (y0, y1) in [("historical", HIST)] + [(s, SSP) for s in SSPS]:
            seed += 1
            values = _values(seed, _ndays(y0, y1))
            _write(folder, model, exp, y0, y1, values, dates=exp == "historical")
            years = pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D").year
            for year in range(y0, y1 + 1):
                raw[(model, exp, year)] = values[years == year]
    return folder, raw


def _hand_epoch(raw, model, ssp, epoch):
    """Mean over the epoch years of numpy counts of days with FWI > 30."""
    y0, y1 = TEST_EPOCHS[epoch]
    counts = []
    for year in range(y0, y1 + 1):
        daily = raw[(model, "historical" if year <= 2014 else ssp, year)]
        count = (daily > 30.0).sum(axis=0).astype(float)
        count[np.isnan(daily).all(axis=0)] = np.nan
        counts.append(count)
    return np.mean(counts, axis=0)


@pytest.fixture(scope="module")
def imported(fwi_files, tmp_path_factory):
    folder, _ = fwi_files
    out = tmp_path_factory.mktemp("out")
    lines: list[str] = []
    written = import_fwi([folder], out, epochs=TEST_EPOCHS, echo=lines.append)
    return out, written, lines


def test_parse_names():
    cmor = parse_fwi_name("fwi_day_MPI-ESM1-2-HR_ssp370_r1i1p1f1_gn_20150101-20641231.nc")
    assert (cmor.model, cmor.experiment, cmor.member, cmor.grid, cmor.first_year,
            cmor.last_year) == ("MPI-ESM1-2-HR", "ssp370", "r1i1p1f1", "gn", 2015, 2064)
    ng = parse_fwi_name("fwi_day_GFDL-CM4_historical_r1i1p1f1_g025.nc")
    assert (ng.model, ng.grid, ng.first_year) == ("GFDL-CM4", "g025", None)
    with pytest.raises(InputError, match="not a daily FWI file name"):
        parse_fwi_name("tasmax_day_MIROC6_ssp370_r1i1p1f1_gn_20150101-20641231.nc")


def test_counts_match_numpy(fwi_files, imported):
    _, raw = fwi_files
    out, written, lines = imported
    assert [p.name for p in written] == ["wildfire__days_fwi_above_30.nc"]
    catalog = open_catalog(out)
    # only the (test-only) epoch periods differ from the contract
    assert all("epoch_" in p.message for p in catalog.problems), catalog.problems
    layer = catalog[("wildfire", "days_fwi_above_30")]
    assert layer.scenarios == SSPS and layer.quantiles == (0.1, 0.5, 0.9)
    assert layer.units == "day/year" and layer.illustrative is False
    data = layer.data.load()
    for scenario in SSPS:
        for epoch in TEST_EPOCHS:
            members = np.stack([_hand_epoch(raw, m, scenario, epoch) for m in MODELS])
            for q in (0.1, 0.5, 0.9):
                got = data.sel(scenario=scenario, epoch=epoch, quantile=q).values
                assert_allclose(got, np.quantile(members, q, axis=0), rtol=1e-6,
                                err_msg=f"{scenario} {epoch} {q}")
    assert np.isnan(data.sel(lat=41.5, lon=12.5)).all()
    assert any("quantiles 0.1, 0.5, 0.9 across 3 models" in line for line in lines)


def test_single_year_hand_count(tmp_path):
    """One cell, known daily series: 2011 has 40 days above 30 (30.0 itself not counted)."""
    folder = tmp_path / "one"
    folder.mkdir()
    lat, lon = np.array([40.5]), np.array([10.5])
    for exp, (y0, y1) in (("historical", (2011, 2014)), ("ssp126", (2015, 2016))):
        times = pd.date_range(f"{y0}-01-01", f"{y1}-12-31", freq="D")
        # day-of-year d (1-based): fwi = 30 on day 1, 31 on days 2..(k+1), 0 otherwise,
        # with k = year - 1971 (2011 -> 40, 2015 -> 44, 2016 -> 45)
        values = np.zeros(times.size)
        for i, t in enumerate(times):
            k = t.year - 1971
            values[i] = 30.0 if t.day_of_year == 1 else (31.0 if t.day_of_year <= k + 1 else 0.0)
        ds = xr.Dataset({"fwi": (("time", "lat", "lon"), values[:, None, None])},
                        coords={"time": times, "lat": lat, "lon": lon})
        ds.to_netcdf(folder / f"fwi_day_M1_{exp}_r1i1p1f1_gn_{y0}0101-{y1}1231.nc")
    out = tmp_path / "out"
    import_fwi([folder], out, epochs=TEST_EPOCHS, echo=lambda _: None)
    layer = open_catalog(out)[("wildfire", "days_fwi_above_30")]
    assert layer.quantiles is None
    data = layer.data.load().sel(scenario="ssp126")
    # baseline 2011-2012: (40 + 41) / 2; "2030" 2014-2015: (43 + 44) / 2; "2050": (44 + 45) / 2
    assert_allclose(data.values.ravel(), [40.5, 43.5, 44.5])


def test_provenance_and_sampling(fwi_files, imported):
    folder, raw = fwi_files
    out, _, _ = imported
    layer = open_catalog(out)[("wildfire", "days_fwi_above_30")]
    name = "fwi_day_MIROC6_ssp370_r1i1p1f1_gn.nc"
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert f"{name} sha256:{digest}" in layer.attrs["climrisk_source_files"]
    assert layer.attrs["climrisk_fwi_threshold"] == "30"
    assert "10.5194/essd-15-2153-2023" in layer.references
    assert layer.license.startswith("CC BY 4.0")
    sampled = sample_points(layer, np.array([11.4]), np.array([40.6]))  # cell lat 0, lon 1
    members = np.stack([_hand_epoch(raw, m, "ssp370", "2050")[0, 1] for m in MODELS])
    got = sampled.values.sel(scenario="ssp370", epoch="2050", quantile=0.5).values
    assert_allclose(got, [np.median(members)], rtol=1e-6)


def test_errors_name_the_file(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    _write(folder, "M1", "historical", 2011, 2014, _values(1, _ndays(2011, 2014)))
    bad = _write(folder, "M1", "ssp126", 2015, 2016, _values(2, _ndays(2015, 2016)), units="K")
    with pytest.raises(InputError, match="dimensionless") as info:
        import_fwi([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    bad.unlink()
    bad = _write(folder, "M1", "ssp126", 2015, 2016, _values(2, _ndays(2015, 2016)), var="FWI")
    with pytest.raises(InputError, match="no variable 'fwi'") as info:
        import_fwi([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    bad.unlink()
    bad = _write(folder, "M1", "ssp126", 2015, 2016, _values(2, _ndays(2015, 2016)),
                 lon=LON + 0.25)
    with pytest.raises(InputError, match="grid") as info:
        import_fwi([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    bad.unlink()
    _write(folder, "M1", "ssp126", 2015, 2016, _values(2, _ndays(2015, 2016)))
    with pytest.raises(InputError, match="epoch baseline needs every year 1985-2014"):
        import_fwi([folder], tmp_path / "out", echo=lambda _: None)
    with pytest.raises(SystemExit) as exit_info:
        main(["hazards", "import", "fwi", str(folder / "nothing.nc"), "--out",
              str(tmp_path / "o")])
    assert exit_info.value.code == 2
    assert "nothing.nc" in capsys.readouterr().err


def test_cli(fwi_files, tmp_path, capsys):
    folder, raw = fwi_files
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "fwi", str(folder), "--out", str(out), "--model", "MIROC6",
              "--scenario", "ssp370", "--threshold", "45",
              "--epochs", "baseline=2011-2012,2030=2014-2015,2050=2015-2016"])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert "FWI > 45" in captured.out and "threshold 45" in captured.err
    layer = open_catalog(out)[("wildfire", "days_fwi_above_30")]
    assert layer.scenarios == ("ssp370",) and layer.quantiles is None
    assert layer.attrs["climrisk_fwi_threshold"] == "45"
    expected = np.mean([(raw[("MIROC6", "historical", y)] > 45.0).sum(axis=0)
                        for y in (2011, 2012)], axis=0)
    got = layer.data.load().sel(scenario="ssp370", epoch="baseline").values
    assert_allclose(got[0], expected[0])


def test_contract_epochs_no_leap_calendar(tmp_path):
    """Default epochs on a 365-day calendar; years outside 1985-2064 are not read."""
    folder = tmp_path / "noleap"
    folder.mkdir()
    lat, lon = np.array([40.5]), np.array([10.5])
    expected_count = {}
    for exp, (y0, y1) in (("historical", (1980, 2014)), ("ssp370", (2015, 2070))):
        years = np.repeat(np.arange(y0, y1 + 1), 365)
        doy = np.tile(np.arange(1, 366), y1 - y0 + 1)
        hot = years % 7 + 3  # days above 30 in each year
        values = np.where(doy <= hot, 35.0, 12.0)[:, None, None]
        times = [cftime.DatetimeNoLeap(int(y), 1, 1) + pd.Timedelta(days=int(d) - 1)
                 for y, d in zip(years, doy, strict=True)]
        ds = xr.Dataset({"fwi": (("time", "lat", "lon"), values)},
                        coords={"time": times, "lat": lat, "lon": lon})
        ds.to_netcdf(folder / f"fwi_day_M1_{exp}_r1i1p1f1_gr1.nc",
                     encoding={"time": {"units": "days since 1850-01-01", "calendar": "noleap"}})
        expected_count.update({int(y): int(y) % 7 + 3 for y in range(y0, y1 + 1)})
    out = tmp_path / "out"
    import_fwi([folder], out, echo=lambda _: None)
    catalog = open_catalog(out)
    assert not catalog.problems, catalog.problems
    data = catalog[("wildfire", "days_fwi_above_30")].data.load().sel(scenario="ssp370")
    for epoch, (a, b) in {"baseline": (1985, 2014), "2030": (2015, 2044),
                          "2050": (2035, 2064)}.items():
        want = np.mean([expected_count[y] for y in range(a, b + 1)])
        assert_allclose(data.sel(epoch=epoch).values.ravel(), [want], rtol=1e-6)
