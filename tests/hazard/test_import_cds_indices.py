"""CDS CMIP6 ETCCDI import: tiny yearly cddETCCDI files -> epoch means -> catalogue."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from climrisk.cli.main import main
from climrisk.errors import InputError
from climrisk.hazard import open_catalog, sample_points
from climrisk.hazard.importers.cds_indices import (
    import_cds_indices,
    normalise_experiment,
    read_index_file,
)

LAT = np.array([-1.25, 1.25])  # 2.5 degree native GCM grid
LON = np.array([352.5, 355.0, 357.5])  # 0..360 longitudes, as in many GCM files
MODELS = ("ACCESS-CM2", "MIROC6", "MPI-ESM1-2-LR")
SSPS = ("ssp126", "ssp370")
# short test epochs; "2030" spans the historical/SSP boundary (2014/2015)
TEST_EPOCHS = {"baseline": (2011, 2012), "2030": (2014, 2015), "2050": (2015, 2016)}


def _values(seed, nyears):
    """Random whole-day CDD values; cell (0, 0) is missing (NaN) in every year."""
    rng = np.random.default_rng(seed)
    values = rng.integers(5, 120, (nyears, LAT.size, LON.size)).astype(np.float32)
    values[:, 0, 0] = np.nan
    return values


def _write(path, years, values, *, var="cddETCCDI", units="days", attrs=None, lon=LON):
    time = np.array([f"{y}-07-02" for y in years], dtype="datetime64[ns]")
    ds = xr.Dataset({var: (("time", "lat", "lon"), values, {"units": units}),
                     "time_bnds": (("time", "bnds"), np.zeros((len(years), 2)))},
                    coords={"time": time, "lat": LAT, "lon": lon}, attrs=attrs or {})
    path.unlink(missing_ok=True)  # a new file, not one still held open by a lazy read
    ds.to_netcdf(path)
    return path


def _cds(model, exp, y0, y1):
    return (f"cddETCCDI_yr_{model}_{exp}_r1i1p1f1_no-base_v20191108_{y0}-{y1}_v2-0.nc")


@pytest.fixture(scope="module")
def cds_files(tmp_path_factory):
    """Files in the three accepted forms, plus one index without a contract indicator."""
    folder = tmp_path_factory.mktemp("cds")
    raw = {}
    seed = 0

    def add(model, exp, years, name, **kw):
        nonlocal seed
        seed += 1
        values = _values(seed, len(years))
        _write(folder / name, years, values, **kw)
        for i, year in enumerate(years):
            raw[(model, exp, year)] = values[i]

    hist, fut = range(2011, 2015), range(2015, 2017)
    for exp, years in [("historical", hist), ("ssp1_2_6", fut), ("ssp3_7_0", fut)]:
        name = _cds("ACCESS-CM2", exp, years[0], years[-1])
        add("ACCESS-CM2", normalise_experiment(exp), years, name)
    # MIROC6: short CDS names and one file known only by its global attributes
    add("MIROC6", "historical", hist, "cddETCCDI_yr_MIROC6_historical_r1i1p1f1_gn_2011-2014.nc")
    add("MIROC6", "ssp370", fut, "cddETCCDI_yr_MIROC6_ssp370_r1i1p1f1_gn_2015-2016.nc")
    add("MIROC6", "ssp126", fut, "miroc6_dry_spells.nc",
        attrs={"source_id": "MIROC6", "experiment_id": "ssp1_2_6", "variant_label": "r1i1p1f1"})
    # MPI: historical in two files
    add("MPI-ESM1-2-LR", "historical", range(2011, 2013), _cds("MPI-ESM1-2-LR", "historical",
                                                                 2011, 2012))
    add("MPI-ESM1-2-LR", "historical", range(2013, 2015), _cds("MPI-ESM1-2-LR", "historical",
                                                                 2013, 2014))
    for exp in SSPS:
        add("MPI-ESM1-2-LR", exp, fut, _cds("MPI-ESM1-2-LR", exp, 2015, 2016))
    _write(folder / "txxETCCDI_yr_MIROC6_historical_r1i1p1f1_gn_2011-2014.nc", hist,
           _values(99, 4) + 270.0, var="txxETCCDI", units="K")
    return folder, raw


def _hand_epoch(raw, model, ssp, epoch):
    y0, y1 = TEST_EPOCHS[epoch]
    return np.mean([raw[(model, "historical" if y <= 2014 else ssp, y)]
                    for y in range(y0, y1 + 1)], axis=0)


@pytest.fixture(scope="module")
def imported(cds_files, tmp_path_factory):
    folder, _ = cds_files
    out = tmp_path_factory.mktemp("out")
    lines: list[str] = []
    written = import_cds_indices([folder], out, epochs=TEST_EPOCHS, echo=lines.append)
    return out, written, lines


def test_names_and_experiments(cds_files):
    folder, _ = cds_files
    assert normalise_experiment("ssp1_2_6") == "ssp126"
    assert normalise_experiment("ssp370") == "ssp370"
    with pytest.raises(InputError, match="not historical or an SSP"):
        normalise_experiment("rcp85")
    f = read_index_file(folder / _cds("ACCESS-CM2", "ssp3_7_0", 2015, 2016))
    assert (f.index, f.model, f.experiment, f.member) == (
        "cddETCCDI", "ACCESS-CM2", "ssp370", "r1i1p1f1")
    g = read_index_file(folder / "miroc6_dry_spells.nc")
    assert (g.model, g.experiment) == ("MIROC6", "ssp126")


def test_epoch_means_match_hand_calculation(cds_files, imported):
    _, raw = cds_files
    out, written, lines = imported
    assert [p.name for p in written] == ["drought__consecutive_dry_days.nc"]
    assert any("txxETCCDI has no contract indicator, skipped" in line for line in lines)
    assert any("cddETCCDI -> drought__consecutive_dry_days" in line for line in lines)
    catalog = open_catalog(out)
    assert all("epoch_" in p.message for p in catalog.problems), catalog.problems
    layer = catalog[("drought", "consecutive_dry_days")]
    assert layer.scenarios == SSPS and layer.quantiles == (0.1, 0.5, 0.9)
    assert layer.units == "day" and layer.illustrative is False
    data = layer.data.load()
    for scenario in SSPS:
        for epoch in TEST_EPOCHS:
            members = np.stack([_hand_epoch(raw, m, scenario, epoch) for m in MODELS])
            for q in (0.1, 0.5, 0.9):
                got = data.sel(scenario=scenario, epoch=epoch, quantile=q).values
                assert_allclose(got, np.quantile(members, q, axis=0), rtol=1e-6,
                                err_msg=f"{scenario} {epoch} {q}")


def test_provenance_and_sampling(cds_files, imported):
    folder, raw = cds_files
    out, _, _ = imported
    layer = open_catalog(out)[("drought", "consecutive_dry_days")]
    name = "miroc6_dry_spells.nc"
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert f"{name} sha256:{digest}" in layer.attrs["climrisk_source_files"]
    assert "txxETCCDI" not in layer.attrs["climrisk_source_files"]
    assert layer.attrs["climrisk_index_map"] == "cddETCCDI->drought__consecutive_dry_days"
    assert layer.license.startswith("CC BY 4.0") and "CDS dataset licence" in layer.license
    assert "10.1002/wcc.147" in layer.references
    # 357.5 E on the file's 0..360 grid is -2.5 E; cell lat 1 (1.25 N), lon 2
    sampled = sample_points(layer, np.array([-2.4]), np.array([1.2]))
    members = np.stack([_hand_epoch(raw, m, "ssp126", "2030")[1, 2] for m in MODELS])
    got = sampled.values.sel(scenario="ssp126", epoch="2030", quantile=0.9).values
    assert_allclose(got, [np.quantile(members, 0.9)], rtol=1e-6)
    nan_cell = layer.data.load().isel(lat=0).isel(lon=0)
    assert np.isnan(nan_cell).all()


def test_errors_name_the_file(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    _write(folder / _cds("M1", "historical", 2011, 2014), range(2011, 2015), _values(1, 4))
    bad = _write(folder / _cds("M1", "ssp126", 2015, 2016), range(2015, 2017), _values(2, 2),
                 units="mm")
    with pytest.raises(InputError, match="expected d or day or days") as info:
        import_cds_indices([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    _write(bad, range(2015, 2017), _values(2, 2), lon=LON - 1.0)
    with pytest.raises(InputError, match="grid") as info:
        import_cds_indices([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert bad.name in str(info.value)
    _write(bad, range(2015, 2017), _values(2, 2))
    with pytest.raises(InputError, match="epoch baseline needs every year 1985-2014"):
        import_cds_indices([folder], tmp_path / "out", echo=lambda _: None)
    anonymous = _write(folder / "dry.nc", range(2015, 2017), _values(3, 2))
    with pytest.raises(InputError, match="no source_id/experiment_id") as info:
        import_cds_indices([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert anonymous.name in str(info.value)
    _write(anonymous, range(2015, 2017), _values(3, 2), var="pr")
    with pytest.raises(InputError, match="ending in ETCCDI") as info:
        import_cds_indices([folder], tmp_path / "out", epochs=TEST_EPOCHS, echo=lambda _: None)
    assert anonymous.name in str(info.value)
    with pytest.raises(SystemExit) as exit_info:
        main(["hazards", "import", "cds-indices", str(folder / "nothing.nc"), "--out",
              str(tmp_path / "o")])
    assert exit_info.value.code == 2
    assert "nothing.nc" in capsys.readouterr().err


def test_cli(cds_files, tmp_path, capsys):
    folder, raw = cds_files
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as info:
        main(["hazards", "import", "cds-indices", str(folder), "--out", str(out),
              "--model", "ACCESS-CM2", "--scenario", "ssp3_7_0",
              "--epochs", "baseline=2011-2012,2030=2014-2015,2050=2015-2016"])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert "scenarios ssp370" in captured.out
    layer = open_catalog(out)[("drought", "consecutive_dry_days")]
    assert layer.scenarios == ("ssp370",) and layer.quantiles is None
    got = layer.data.load().sel(scenario="ssp370", epoch="2050").values
    assert_allclose(got, _hand_epoch(raw, "ACCESS-CM2", "ssp370", "2050"), rtol=1e-6)
