"""Footprint sampling (zonal max / area-weighted mean) and sample_assets / HazardSample."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from shapely.geometry import Point, box

from climrisk.errors import InputError
from climrisk.hazard import (
    FLAG_FILLED,
    FLAG_NO_DATA,
    FLAG_OK,
    HazardLayer,
    open_catalog,
    sample_assets,
    sample_footprints,
    sample_points,
)
from climrisk.testing import synthetic_layer

GRID = np.arange(1.0, 13.0).reshape(3, 4)  # lat 10.5, 11.5, 12.5 x lon 100.5 .. 103.5


def _layer(tmp_path, hazard, **kwargs) -> HazardLayer:
    path = tmp_path / f"{hazard}.nc"
    synthetic_layer(hazard, **kwargs).to_netcdf(path)
    return HazardLayer.from_path(path)


def _first(values) -> np.ndarray:
    return values.values.reshape(values.sizes["asset"], -1)[:, 0]


def test_max_and_area_weighted_mean_by_hand(tmp_path):
    acute = _layer(tmp_path, "riverine_flood", values=GRID)
    chronic = _layer(tmp_path, "extreme_heat", values=GRID)
    site = box(100.2, 10.2, 102.8, 11.8)  # covers centres of rows 0-1, columns 0-2
    w0, w1 = np.cos(np.deg2rad(10.5)), np.cos(np.deg2rad(11.5))
    mean = (w0 * (1 + 2 + 3) + w1 * (5 + 6 + 7)) / (3 * w0 + 3 * w1)
    a = sample_footprints(acute, [site])  # default for acute: max
    c = sample_footprints(chronic, [site])  # default for chronic: mean
    assert_array_equal(_first(a.values), [7.0])
    assert_allclose(_first(c.values), [mean], rtol=1e-12)
    assert_array_equal(_first(sample_footprints(chronic, [site], reducer="max").values), [7.0])
    assert_allclose(_first(sample_footprints(acute, [site], reducer="mean").values), [mean])
    assert_array_equal(a.flags, [FLAG_OK])


def test_tiny_footprint_gets_the_cell_of_its_representative_point(tmp_path):
    layer = _layer(tmp_path, "riverine_flood", values=GRID)
    tiny = box(101.1, 11.1, 101.2, 11.2)  # inside cell (1, 1), covers no centre
    out = sample_footprints(layer, [tiny])
    assert_array_equal(_first(out.values), [6.0])
    assert out.flags[0] == FLAG_OK


def test_nan_cells_are_skipped_and_all_nan_falls_back(tmp_path):
    mask = np.zeros((3, 4), dtype=bool)
    mask[1, 2] = True  # value 7 becomes no data
    mask[0, :2] = True  # values 1 and 2 become no data
    layer = _layer(tmp_path, "coastal_flood", values=GRID, nan_mask=mask)
    partly = box(100.2, 10.2, 102.8, 11.8)  # cells 1,2,3,5,6,7 -> valid 3,5,6
    in_sea = box(100.2, 10.2, 101.8, 10.8)  # cells 1 and 2 only: all no data
    far = box(110.0, 40.0, 111.0, 41.0)  # outside the grid
    out = sample_footprints(layer, [partly, in_sea, far])
    got = _first(out.values)
    assert got[0] == 6.0
    # in_sea falls back from its representative point (cell 1 or 2) to the nearest valid cell
    assert got[1] in (3.0, 5.0, 6.0)
    assert np.isnan(got[2])
    assert_array_equal(out.flags, [FLAG_OK, FLAG_FILLED, FLAG_NO_DATA])
    w0, w1 = np.cos(np.deg2rad(10.5)), np.cos(np.deg2rad(11.5))
    mean = sample_footprints(layer, [partly], reducer="mean")
    assert_allclose(_first(mean.values), [(w0 * 3 + w1 * (5 + 6)) / (w0 + 2 * w1)])


def test_multipolygon_and_many_footprints_are_vectorised(tmp_path, rng):
    layer = _layer(tmp_path, "riverine_flood", values=GRID)
    multi = box(100.2, 10.2, 100.8, 10.8).union(box(103.2, 12.2, 103.8, 12.8))
    out = sample_footprints(layer, [multi])
    assert_array_equal(_first(out.values), [12.0])
    # many random small sites: each equals the max over the centres it covers, by brute force
    x0, y0 = rng.uniform(100, 103.5, 200), rng.uniform(10, 12.5, 200)
    grid_box = box(100.0, 10.0, 104.0, 13.0)
    sites = [box(x, y, x + w, y + h).intersection(grid_box) for x, y, w, h in
             zip(x0, y0, rng.uniform(0.01, 1.5, 200), rng.uniform(0.01, 1.5, 200), strict=True)]
    got = _first(sample_footprints(layer, sites).values)
    lon_c, lat_c = np.arange(100.5, 104, 1.0), np.arange(10.5, 13, 1.0)
    for site, value in zip(sites, got, strict=True):
        xmin, ymin, xmax, ymax = site.bounds
        inside = [GRID[i, j] for i, la in enumerate(lat_c) for j, lo in enumerate(lon_c)
                  if xmin <= lo <= xmax and ymin <= la <= ymax]
        rep = site.representative_point()
        i = min(int(np.floor(rep.y - 10)), 2)
        j = min(int(np.floor(rep.x - 100)), 3)
        assert value == max([*inside, GRID[i, j]])


def _assets():
    frame = gpd.GeoDataFrame(
        {
            "latitude": [10.5, 12.5, 11.0, 50.0],
            "longitude": [100.5, 103.5, 101.5, 10.0],
            "has_footprint": [False, False, True, False],
        },
        geometry=[Point(100.5, 10.5), Point(103.5, 12.5), box(100.2, 10.2, 102.8, 11.8),
                  Point(10.0, 50.0)],
        index=pytest.importorskip("pandas").Index(["a", "b", "c", "d"], name="asset_id"),
        crs="EPSG:4326",
    )
    return frame


def test_sample_assets_mixes_points_and_footprints(layer_factory, hazard_folder):
    layer_factory("riverine_flood", values=GRID)
    layer_factory("extreme_heat", values=GRID)
    catalog = open_catalog(hazard_folder)
    sample = sample_assets(_assets(), catalog, scenarios=["ssp370", "ssp126"])
    assert set(sample) == {"riverine_flood:flood_depth", "extreme_heat:days_above_35c"}
    flood = sample["riverine_flood:flood_depth"]
    assert flood.dims == ("asset", "scenario", "epoch", "return_period")
    assert list(flood["asset"].values) == ["a", "b", "c", "d"]
    assert list(flood["scenario"].values) == ["ssp370", "ssp126"]
    assert_array_equal(_first(flood)[:3], [1.0, 12.0, 7.0])
    heat = sample["extreme_heat:days_above_35c"]
    w0, w1 = np.cos(np.deg2rad(10.5)), np.cos(np.deg2rad(11.5))
    assert_allclose(_first(heat)[2], (w0 * 6 + w1 * 18) / (3 * w0 + 3 * w1))
    assert_array_equal(sample.flags("riverine_flood:flood_depth"), [0, 0, 0, FLAG_NO_DATA])
    assert heat.attrs["units"] == "day/year" and heat.attrs["kind"] == "chronic_index"
    assert heat.attrs["illustrative"] is True
    # a footprint row whose geometry is missing is sampled at its point
    broken = _assets()
    broken.loc["c", "geometry"] = None
    fallback = sample_assets(broken, catalog, scenarios=["ssp126"])
    assert _first(fallback["riverine_flood:flood_depth"])[2] == 6.0  # cell of (101.5, 11.0)
    overridden = sample_assets(_assets(), catalog, scenarios=["ssp126"],
                               footprint_reducer={"extreme_heat": "max"})
    assert _first(overridden["extreme_heat:days_above_35c"])[2] == 7.0


def test_sample_assets_requires_scenarios_and_hazards(hazard_dir):
    catalog = open_catalog(hazard_dir)
    with pytest.raises(InputError, match="no scenario ssp585"):
        sample_assets(_assets(), catalog, scenarios=["ssp585"])
    with pytest.raises(InputError, match="wildfire"):
        sample_assets(_assets(), catalog, scenarios=["ssp126"], hazards=["wildfire"])
    only = sample_assets(_assets(), catalog, scenarios=["ssp126"], hazards=["extreme_heat"])
    assert list(only) == ["extreme_heat:days_above_35c"]


def test_dataset_dim_names_follow_the_documented_rule(layer_factory, hazard_folder):
    layer_factory("riverine_flood")
    layer_factory("coastal_flood")
    layer_factory("extreme_heat", quantiles=(0.1, 0.5, 0.9))
    catalog = open_catalog(hazard_folder)
    same = sample_assets(_assets(), catalog, scenarios=["ssp126"]).dataset
    assert same["riverine_flood:flood_depth"].dims[-1] == "return_period"
    assert same["extreme_heat:days_above_35c"].dims[-1] == "quantile"
    assert same["riverine_flood:flood_depth:flag"].dims == ("asset",)
    layer_factory("tropical_cyclone")  # other return periods than the floods
    catalog = open_catalog(hazard_folder)
    sample = sample_assets(_assets(), catalog, scenarios=["ssp126"])
    ds = sample.dataset
    assert ds["riverine_flood:flood_depth"].dims[-1] == "return_period_riverine_flood"
    assert ds["tropical_cyclone:max_wind_speed"].dims[-1] == "return_period_tropical_cyclone"
    assert ds.sizes["return_period_tropical_cyclone"] == 7
    # access through the mapping keeps the canonical names
    assert sample["tropical_cyclone:max_wind_speed"].dims[-1] == "return_period"


def test_sample_points_and_sample_assets_agree(hazard_dir, rng):
    catalog = open_catalog(hazard_dir)
    n = 50
    lon, lat = rng.uniform(100, 104, n), rng.uniform(10, 13, n)
    frame = gpd.GeoDataFrame({"latitude": lat, "longitude": lon},
                             geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    sample = sample_assets(frame, catalog, scenarios=["ssp126", "ssp370"])
    for key, layer in catalog.items():
        direct = sample_points(layer, lon, lat)
        assert_array_equal(sample[f"{key[0]}:{key[1]}"].values, direct.values.values)
