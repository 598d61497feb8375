"""Plausibility and format tests of the illustrative reference hazard pack in hazard_data/.

The places and their expected climate are well known (e.g. Riyadh is hot and arid, Yakutsk has
long frosty winters, Manila and Miami lie in tropical-cyclone basins, Frankfurt does not); the
tests read the committed netCDF files directly with xarray, nearest cell.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "hazard_data"

# hazard, indicator, units, kind, return periods (HAZARDS.md)
FLOOD_RP = [2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0]
TC_RP = [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
LAYERS = {
    ("extreme_heat", "days_above_35c"): ("day/year", "chronic_index", None),
    ("extreme_heat", "cooling_degree_days"): ("K*day/year", "chronic_index", None),
    ("extreme_cold", "days_below_minus_10c"): ("day/year", "chronic_index", None),
    ("extreme_cold", "heating_degree_days"): ("K*day/year", "chronic_index", None),
    ("riverine_flood", "flood_depth"): ("m", "acute_return_period", FLOOD_RP),
    ("pluvial_flood", "flood_depth"): ("m", "acute_return_period", FLOOD_RP),
    ("coastal_flood", "flood_depth"): ("m", "acute_return_period", FLOOD_RP),
    ("tropical_cyclone", "max_wind_speed"): ("m/s", "acute_return_period", TC_RP),
    ("landslide", "annual_probability"): ("1/year", "chronic_index", None),
    ("wildfire", "days_fwi_above_30"): ("day/year", "chronic_index", None),
    ("water_stress", "water_stress_ratio"): ("1", "chronic_index", None),
    ("drought", "consecutive_dry_days"): ("day", "chronic_index", None),
}
REQUIRED_ATTRS = [
    "climrisk_hazard", "climrisk_indicator", "climrisk_kind", "source", "license", "references",
    "epoch_baseline", "epoch_2030", "epoch_2050", "title", "institution", "history",
    "Conventions", "climrisk_illustrative", "comment",
]
PLACES = {
    "Riyadh": (24.71, 46.68), "Delhi": (28.61, 77.21), "London": (51.51, -0.13),
    "Singapore": (1.35, 103.82), "Harbin": (45.80, 126.53), "Yakutsk": (62.03, 129.73),
    "Manila": (14.60, 120.98), "Hong Kong": (22.30, 114.17), "Miami": (25.76, -80.19),
    "Frankfurt": (50.11, 8.68), "Madrid": (40.42, -3.70), "Dhaka": (23.81, 90.41),
    "Amsterdam": (52.37, 4.90), "Shanghai": (31.23, 121.47), "Denver": (39.74, -104.99),
    "Lhasa": (29.65, 91.14), "Los Angeles": (34.05, -118.24), "Perth": (-31.95, 115.86),
    "Phoenix": (33.45, -112.07), "Kathmandu": (27.72, 85.32), "Beijing": (39.90, 116.40),
    "Barisal": (22.70, 90.37), "Zhongshan": (22.52, 113.39), "Mid-Atlantic": (0.0, -30.0),
    "Houston": (29.76, -95.37), "Okinawa": (26.21, 127.68), "Taipei": (25.03, 121.57),
    "Mumbai": (19.08, 72.88), "Bangkok": (13.75, 100.50), "Dubai": (25.20, 55.27),
    "Jakarta": (-6.20, 106.85), "New Orleans": (29.95, -90.07),
}
IDS = [f"{h}__{i}" for h, i in LAYERS]


def _path(key: tuple[str, str]) -> Path:
    return PACK / f"{key[0]}__{key[1]}.nc"


@pytest.fixture(scope="module")
def layers() -> dict[tuple[str, str], xr.DataArray]:
    out = {}
    for key in LAYERS:
        ds = xr.open_dataset(_path(key))
        out[key] = ds[key[1]]
    return out


def _at(da: xr.DataArray, place: str, **sel: object) -> float:
    lat, lon = PLACES[place]
    defaults: dict[str, object] = {"scenario": "ssp126", "epoch": "baseline", "quantile": 0.5}
    if "return_period" in da.dims:
        defaults["return_period"] = 100.0
    defaults.update(sel)
    v = da.sel(**defaults).sel(lat=lat, lon=lon, method="nearest")
    return float(v)


def _val0(x: float) -> float:
    """NaN (no data: not exposed) counts as zero hazard."""
    return 0.0 if np.isnan(x) else x


# ---------------------------------------------------------------------------------------------
# Format
# ---------------------------------------------------------------------------------------------
def test_every_layer_is_in_the_pack() -> None:
    found = {p.name for p in PACK.glob("*__*.nc")}
    assert found == {f"{h}__{i}.nc" for h, i in LAYERS}


@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_attributes(key: tuple[str, str]) -> None:
    units, kind, _ = LAYERS[key]
    with xr.open_dataset(_path(key)) as ds:
        for name in REQUIRED_ATTRS:
            assert str(ds.attrs.get(name, "")).strip(), f"missing attribute {name}"
        assert ds.attrs["climrisk_hazard"] == key[0]
        assert ds.attrs["climrisk_indicator"] == key[1]
        assert ds.attrs["climrisk_kind"] == kind
        assert ds.attrs["climrisk_illustrative"] == "true"
        assert ds.attrs["epoch_baseline"] == "1985-2014"
        assert ds.attrs["epoch_2030"] == "2015-2044"
        assert ds.attrs["epoch_2050"] == "2035-2064"
        assert ds.attrs["Conventions"] == "CF-1.8"
        comment = ds.attrs["comment"].lower()
        assert "illustrative" in comment
        assert "not for decisions" in comment
        assert "use instead" in comment
        assert "doi" in ds.attrs["references"].lower()
        var = ds[key[1]]
        assert var.attrs["units"] == units
        assert var.attrs["long_name"]
        assert list(ds.data_vars) == [key[1]]


@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_dimensions_and_coordinates(key: tuple[str, str]) -> None:
    rps = LAYERS[key][2]
    with xr.open_dataset(_path(key)) as ds:
        var = ds[key[1]]
        dims = ["scenario", "epoch", "quantile", "lat", "lon"]
        if rps is not None:
            dims.insert(2, "return_period")
        assert list(var.dims) == dims
        assert list(ds["scenario"].values) == ["ssp126", "ssp370"]
        assert list(ds["epoch"].values) == ["baseline", "2030", "2050"]
        np.testing.assert_allclose(ds["quantile"].values, [0.1, 0.5, 0.9])
        if rps is not None:
            np.testing.assert_allclose(ds["return_period"].values, rps)
        lat, lon = ds["lat"].values, ds["lon"].values
        assert np.all(np.diff(lat) > 0) and np.all(np.diff(lon) > 0)
        assert lat.min() >= -60.0 and lat.max() <= 84.0
        assert lon.min() >= -180.0 and lon.max() <= 180.0


@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_packed_int16_with_compression(key: tuple[str, str]) -> None:
    with xr.open_dataset(_path(key)) as ds:
        enc = ds[key[1]].encoding
        assert np.dtype(enc["dtype"]) == np.int16
        assert "scale_factor" in enc
        assert enc.get("zlib") is True and enc.get("complevel") == 9
        assert enc.get("shuffle") is True


def test_pack_size_within_budget() -> None:
    total = sum(p.stat().st_size for p in PACK.rglob("*") if p.is_file())
    assert total <= 60 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Scenario structure
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_baseline_identical_across_scenarios_and_quantiles(
    layers: dict, key: tuple[str, str]
) -> None:
    first = layers[key].sel(epoch="baseline", scenario="ssp126", quantile=0.5).values
    for s in ("ssp126", "ssp370"):
        for q in (0.1, 0.5, 0.9):
            other = layers[key].sel(epoch="baseline", scenario=s, quantile=q).values
            np.testing.assert_array_equal(other, first)


@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_quantiles_ordered(layers: dict, key: tuple[str, str]) -> None:
    da = layers[key].sel(epoch="2050")
    q1, q5, q9 = (da.sel(quantile=q).values for q in (0.1, 0.5, 0.9))
    ok = np.isfinite(q5)
    assert np.all(q1[ok] <= q5[ok]) and np.all(q5[ok] <= q9[ok])


@pytest.mark.parametrize("key", [k for k, v in LAYERS.items() if v[2]], ids=lambda k: k[0])
def test_acute_values_non_decreasing_with_return_period(layers: dict, key: tuple[str, str]) -> None:
    da = layers[key].sel(scenario="ssp370", epoch="2050", quantile=0.9)
    v = da.values  # (rp, lat, lon)
    ok = np.isfinite(v).all(axis=0)
    assert np.all(np.diff(v[:, ok], axis=0) >= 0.0)


def test_flood_depth_zero_at_bankfull_for_riverine_baseline(layers: dict) -> None:
    da = layers[("riverine_flood", "flood_depth")].sel(
        scenario="ssp126", epoch="baseline", quantile=0.5, return_period=2.0
    )
    assert float(da.max()) == 0.0


@pytest.mark.parametrize("indicator", ["days_above_35c", "cooling_degree_days"])
def test_heat_ssp370_never_milder_than_ssp126_and_future_not_below_baseline(
    layers: dict, indicator: str
) -> None:
    da = layers[("extreme_heat", indicator)]
    for q in (0.1, 0.5, 0.9):
        b = da.sel(scenario="ssp126", epoch="baseline", quantile=q).values
        for e in ("2030", "2050"):
            lo = da.sel(scenario="ssp126", epoch=e, quantile=q).values
            hi = da.sel(scenario="ssp370", epoch=e, quantile=q).values
            ok = np.isfinite(b)
            assert np.all(hi[ok] >= lo[ok])
            assert np.all(lo[ok] >= b[ok])
    mean_126 = float(da.sel(scenario="ssp126", epoch="2050", quantile=0.5).mean())
    mean_370 = float(da.sel(scenario="ssp370", epoch="2050", quantile=0.5).mean())
    assert mean_370 > mean_126


def test_cold_decreases_with_warming(layers: dict) -> None:
    da = layers[("extreme_cold", "days_below_minus_10c")]
    b = da.sel(scenario="ssp370", epoch="baseline", quantile=0.5).values
    f = da.sel(scenario="ssp370", epoch="2050", quantile=0.5).values
    ok = np.isfinite(b)
    assert np.all(f[ok] <= b[ok])


# ---------------------------------------------------------------------------------------------
# Geographic plausibility
# ---------------------------------------------------------------------------------------------
def test_hot_places_have_many_more_days_above_35c(layers: dict) -> None:
    da = layers[("extreme_heat", "days_above_35c")]
    riyadh, delhi = _at(da, "Riyadh"), _at(da, "Delhi")
    london, singapore = _at(da, "London"), _at(da, "Singapore")
    assert riyadh > 120 and delhi > 50 and _at(da, "Phoenix") > 60
    assert london < 2 and singapore < 2
    assert min(riyadh, delhi) > 10 * max(london, singapore, 1.0)


def test_cold_places_have_frosty_days_and_tropics_none(layers: dict) -> None:
    da = layers[("extreme_cold", "days_below_minus_10c")]
    assert _at(da, "Harbin") > 80 and _at(da, "Yakutsk") > 150
    assert _at(da, "Singapore") == 0.0 and _at(da, "Riyadh") == 0.0
    assert _at(da, "London") < 5


def test_degree_days_follow_climate(layers: dict) -> None:
    cdd = layers[("extreme_heat", "cooling_degree_days")]
    hdd = layers[("extreme_cold", "heating_degree_days")]
    assert _at(cdd, "Singapore") > 2500 and _at(cdd, "London") < 300
    assert _at(hdd, "Yakutsk") > 8000 and _at(hdd, "Singapore") < 50
    assert _at(hdd, "London") > 2000


def test_tropical_cyclone_only_in_basins(layers: dict) -> None:
    da = layers[("tropical_cyclone", "max_wind_speed")]
    # observed-track climatology: typhoon and hurricane coasts high, 100-year wind 30-70 m/s
    for place in ("Manila", "Hong Kong", "Miami", "Houston", "Okinawa", "Taipei", "New Orleans"):
        assert 30.0 < _at(da, place) < 70.0, place
    assert _at(da, "Okinawa") > _at(da, "Shanghai") > 0.0
    assert _at(da, "Dhaka") > 20.0
    # the Persian Gulf, the North Sea and the equator have no observed cyclones
    for place in ("Frankfurt", "Riyadh", "Madrid", "Singapore", "London", "Dubai", "Amsterdam"):
        assert _val0(_at(da, place, return_period=1000.0)) == 0.0, place
    # the Gulf of Thailand is at most a low tail
    assert _val0(_at(da, "Bangkok", return_period=1000.0)) < 25.0


def test_tropical_cyclone_builder_profile_and_tail(builder_tc) -> None:
    tc = builder_tc
    b = tc.holland_b(np.array([0.0, 60.0, 200.0]), np.array([20.0] * 3), np.array([5.0] * 3))
    assert np.all((b >= 1.0) & (b <= 2.5)) and b[1] > b[0]
    # Willoughby et al. (2006) eq. 7a: stronger storms have smaller eyes
    r = tc.rmax_willoughby(np.array([30.0, 60.0]), np.array([20.0, 20.0]))
    assert r[0] > r[1]
    assert r[1] == pytest.approx(46.4 * np.exp(-0.0155 * 60.0 + 0.0169 * 20.0))


def test_coastal_flood_needs_the_sea(layers: dict) -> None:
    coast = layers[("coastal_flood", "flood_depth")]
    # undefended: polders behind the Dutch dikes lie metres below the North Sea storm level
    assert _at(coast, "Amsterdam") > 1.0
    # low-lying deltas and coasts flood from the sea at 100 or 1000 years
    for place in ("Barisal", "Zhongshan", "Miami", "New Orleans", "Jakarta"):
        assert _at(coast, place) > 0.0, place
    assert _at(coast, "Shanghai", return_period=1000.0) > 0.0
    # Dhaka is 130 km from the sea; Dubai's coast has no cyclones and the baseline sea level
    # stays below the city at 100 years
    assert _val0(_at(coast, "Dhaka")) == 0.0
    assert _val0(_at(coast, "Dubai")) == 0.0
    # sea-level rise deepens the same event
    assert _at(coast, "Miami", scenario="ssp370", epoch="2050") > _at(coast, "Miami")


def test_inland_highlands_have_no_coastal_flood(layers: dict) -> None:
    coast = layers[("coastal_flood", "flood_depth")]
    for place in ("Denver", "Lhasa", "Madrid", "Riyadh"):
        assert _val0(_at(coast, place, scenario="ssp370", epoch="2050", quantile=0.9,
                         return_period=1000.0)) == 0.0, place


def test_water_stress_arid_above_humid(layers: dict) -> None:
    da = layers[("water_stress", "water_stress_ratio")]
    assert _at(da, "Riyadh") > 0.8 > 0.1 > _at(da, "Singapore")
    for place in ("Delhi", "Beijing", "Phoenix"):
        assert _at(da, place) > 0.4, place


def test_wildfire_mediterranean_above_humid_tropics(layers: dict) -> None:
    da = layers[("wildfire", "days_fwi_above_30")]
    sg = _at(da, "Singapore")
    assert _at(da, "Los Angeles") > 3 * sg and _at(da, "Perth") > 3 * sg
    assert _at(da, "Madrid") > _at(da, "London")


def test_drought_longer_in_dry_climates(layers: dict) -> None:
    da = layers[("drought", "consecutive_dry_days")]
    assert _at(da, "Riyadh") > 3 * _at(da, "Singapore")
    assert _at(da, "Los Angeles") > _at(da, "London")


def test_landslide_mountains_above_plains(layers: dict) -> None:
    da = layers[("landslide", "annual_probability")]
    assert _at(da, "Kathmandu") > 10 * _at(da, "Amsterdam")
    assert float(da.max()) <= 0.05


@pytest.mark.parametrize("key", list(LAYERS), ids=IDS)
def test_ocean_is_missing_and_land_is_valid(layers: dict, key: tuple[str, str]) -> None:
    da = layers[key]
    assert np.isnan(_at(da, "Mid-Atlantic"))
    for place in ("Riyadh", "London", "Yakutsk", "Denver"):
        assert np.isfinite(_at(da, place)), place
    assert float(da.min()) >= 0.0


# ---------------------------------------------------------------------------------------------
# Builder numbers (analytic checks)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_reference", PACK / "build_reference.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_reference", mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def builder_tc():
    sys.path.insert(0, str(PACK.parent))
    try:
        return importlib.import_module("hazard_data.build.tropical_cyclone")
    finally:
        sys.path.remove(str(PACK.parent))


def test_expected_positive_part_of_a_normal(builder) -> None:
    got = builder._expected_positive_part(np.array([0.0, 10.0, -10.0]), np.array([1.0] * 3))
    np.testing.assert_allclose(got, [1.0 / np.sqrt(2.0 * np.pi), 10.0, 0.0], atol=1e-12)


def test_warming_levels_follow_ar6_table(builder) -> None:
    gwl = builder.warming_levels()
    # 0.85 C (1995-2014) minus 5 years of the 0.85 -> 1.09 C trend over 11 years
    assert gwl["baseline"] == pytest.approx(0.85 - 5 * 0.24 / 11)
    # SSP3-7.0 2041-2060 = 2.1 C at 2050.5, 2021-2040 = 1.5 C at 2030.5 -> 2.07 C at 2049.5
    assert gwl[("ssp370", "2050", 0.5)] == pytest.approx(1.5 + 0.95 * 0.6)
    assert gwl[("ssp370", "2050", 0.9)] > gwl[("ssp370", "2050", 0.5)] > gwl[
        ("ssp126", "2050", 0.5)]
    assert gwl[("ssp126", "2030", 0.5)] == gwl[("ssp370", "2030", 0.5)]


def test_sea_level_rise_rises_with_time(builder) -> None:
    slr = builder.sea_level_rise()
    assert slr[("ssp370", "baseline", 0.5)] == 0.0
    assert 0.05 < slr[("ssp126", "2030", 0.5)] < slr[("ssp126", "2050", 0.5)] < 0.3
    assert slr[("ssp370", "2050", 0.5)] >= slr[("ssp126", "2050", 0.5)]
