"""Point sampling: known values by hand, grid conventions, no-data fallback, bilinear."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from climrisk.errors import InputError
from climrisk.hazard import FLAG_FILLED, FLAG_NO_DATA, FLAG_OK, HazardLayer, sample_points
from climrisk.testing import synthetic_layer

# the default synthetic grid: lat 10.5, 11.5, 12.5 (edges 10..13), lon 100.5..103.5 (edges 100..104)
GRID = np.arange(1.0, 13.0).reshape(3, 4)  # value of each cell, row = lat ascending


def _layer(tmp_path, hazard="extreme_heat", name=None, **kwargs) -> HazardLayer:
    ds = synthetic_layer(hazard, **kwargs)
    path = tmp_path / (name or f"{hazard}.nc")
    ds.to_netcdf(path)
    return HazardLayer.from_path(path)


def _baseline(sampled) -> np.ndarray:
    values = sampled.values.sel(scenario=sampled.values["scenario"][0], epoch="baseline")
    return values.values.reshape(values.sizes["asset"], -1)[:, 0]


def test_point_at_cell_centres_takes_that_cell(tmp_path):
    layer = _layer(tmp_path, values=GRID)
    lon = np.array([100.5, 103.5, 101.5, 102.5])
    lat = np.array([10.5, 12.5, 11.5, 12.5])
    out = sample_points(layer, lon, lat)
    assert_array_equal(_baseline(out), [1.0, 12.0, 6.0, 11.0])
    assert_array_equal(out.flags, [FLAG_OK] * 4)
    assert out.values.dims == ("asset", "scenario", "epoch")
    assert out.values.attrs["units"] == "day/year"


def test_descending_latitude_is_read_the_same(tmp_path):
    ascending = _layer(tmp_path, name="a.nc", values=GRID)
    descending = _layer(tmp_path, name="d.nc", values=GRID[::-1], lat=[12.5, 11.5, 10.5])
    assert_array_equal(descending.data["lat"].values, [10.5, 11.5, 12.5])
    lon, lat = np.array([100.7, 103.2, 101.9]), np.array([10.1, 12.9, 11.4])
    a, d = sample_points(ascending, lon, lat), sample_points(descending, lon, lat)
    assert_array_equal(_baseline(a), [1.0, 12.0, 6.0])
    assert_array_equal(_baseline(d), _baseline(a))


def test_0_360_global_grid_is_rolled_and_wraps(tmp_path):
    lon = np.arange(0.5, 360.0, 1.0)
    values = np.tile(lon, (3, 1))  # each cell holds its own 0..360 centre longitude
    layer = _layer(tmp_path, values=values, lon=lon)
    assert layer.data["lon"].values[0] == -179.5
    assert np.all(np.diff(layer.data["lon"].values) > 0)
    assert layer.extent == (-180.0, 10.0, 180.0, 13.0)
    points = np.array([-0.3, 359.7, 180.2, -179.8, 0.0, 540.5])
    out = sample_points(layer, points, np.full(points.size, 11.0))
    assert_array_equal(_baseline(out), [359.5, 359.5, 180.5, 180.5, 0.5, 180.5])


def test_regional_grid_east_of_180(tmp_path):
    layer = _layer(tmp_path, values=GRID, lon=[200.5, 201.5, 202.5, 203.5])
    assert_array_equal(layer.data["lon"].values, [-159.5, -158.5, -157.5, -156.5])
    out = sample_points(layer, np.array([200.5, -158.5, 150.0]), np.array([10.5, 10.5, 10.5]))
    assert_array_equal(_baseline(out)[:2], [1.0, 2.0])
    assert out.flags[2] == FLAG_NO_DATA and np.isnan(_baseline(out)[2])


def test_cell_edges_and_grid_bounds(tmp_path):
    layer = _layer(tmp_path, values=GRID)
    lon = np.array([101.0, 100.9999999, 100.5, 104.0, 104.01, 99.99, 100.0])
    lat = np.array([11.0, 10.5, 10.9999999, 13.0, 12.0, 12.0, 10.0])
    out = sample_points(layer, lon, lat)
    # an edge belongs to the cell north/east of it; the outer north/east edge to the last cell
    expected = [6.0, 1.0, 1.0, 12.0, np.nan, np.nan, 1.0]
    assert_array_equal(_baseline(out), expected)
    assert_array_equal(out.flags, [0, 0, 0, 0, 2, 2, 0])


def test_nan_coordinates_are_no_data(tmp_path):
    layer = _layer(tmp_path, values=GRID)
    out = sample_points(layer, np.array([np.nan, 101.5]), np.array([11.5, np.nan]))
    assert_array_equal(out.flags, [FLAG_NO_DATA, FLAG_NO_DATA])
    assert np.isnan(out.values.values).all()


def test_coastal_fallback_within_radius_is_flagged(tmp_path):
    mask = np.zeros((3, 4), dtype=bool)
    mask[0, 0] = True  # the sea next to the asset
    layer = _layer(tmp_path, "coastal_flood", values=GRID, nan_mask=mask)
    out = sample_points(layer, np.array([100.5, 101.5]), np.array([10.5, 10.5]))
    # nearest valid cell at distance 1: north (row 1, col 0) before east by the fixed tie order
    assert_array_equal(_baseline(out), [5.0, 2.0])
    assert_array_equal(out.flags, [FLAG_FILLED, FLAG_OK])
    assert not np.isnan(out.values.values).any()


def test_fallback_prefers_the_nearest_cell(tmp_path):
    mask = np.ones((3, 4), dtype=bool)
    mask[2, 1] = False  # distance sqrt(5) from (0, 0)
    mask[1, 2] = False  # distance sqrt(5) too; (2, 1) comes first in the fixed order
    mask[0, 2] = False  # distance 2: the nearest
    layer = _layer(tmp_path, "coastal_flood", values=GRID, nan_mask=mask)
    out = sample_points(layer, np.array([100.5]), np.array([10.5]))
    assert_array_equal(_baseline(out), [3.0])


def test_beyond_radius_is_nan_and_flag_2_never_zero(tmp_path):
    mask = np.ones((3, 4), dtype=bool)
    mask[2, 3] = False  # only the far corner has data: 3 cells east, 2 north of (0, 0)
    layer = _layer(tmp_path, "coastal_flood", values=GRID, nan_mask=mask)
    lon, lat = np.array([100.5]), np.array([10.5])
    out = sample_points(layer, lon, lat, fallback_radius_cells=2)
    assert out.flags[0] == FLAG_NO_DATA
    assert np.isnan(out.values.values).all()
    assert not (out.values.values == 0).any()
    wider = sample_points(layer, lon, lat, fallback_radius_cells=3)
    assert wider.flags[0] == FLAG_FILLED
    assert_array_equal(_baseline(wider), [12.0])
    none = sample_points(layer, np.array([103.5]), np.array([12.5]), fallback_radius_cells=0)
    assert none.flags[0] == FLAG_OK
    off = sample_points(layer, lon, lat, fallback_radius_cells=0)
    assert off.flags[0] == FLAG_NO_DATA


def test_values_keep_every_slice(tmp_path):
    layer = _layer(tmp_path, "riverine_flood", quantiles=(0.1, 0.5, 0.9))
    out = sample_points(layer, np.array([102.5]), np.array([11.5]))
    assert out.values.dims == ("asset", "scenario", "epoch", "return_period", "quantile")
    cell = 1 * 4 + 2 + 1  # row 1, column 2, plus one (synthetic pattern)
    got = out.values.sel(scenario="ssp370", epoch="2050", return_period=100.0, quantile=0.9)
    # pattern: cell + 1000 e + 10000 s [e > 0] + 100000 r + 1000000 q
    assert float(got[0]) == cell + 1000 * 2 + 10000 * 1 + 100000 * 5 + 1000000 * 2
    base = out.values.sel(epoch="baseline")
    assert_array_equal(base.sel(scenario="ssp126"), base.sel(scenario="ssp370"))


def test_scenario_selection_and_unknown_scenario(tmp_path):
    layer = _layer(tmp_path, "riverine_flood")
    out = sample_points(layer, np.array([102.5]), np.array([11.5]), scenarios=["ssp370"])
    full = sample_points(layer, np.array([102.5]), np.array([11.5]))
    assert list(out.values["scenario"].values) == ["ssp370"]
    assert_array_equal(out.values.values[:, 0], full.values.sel(scenario="ssp370").values)
    with pytest.raises(InputError, match="no scenario ssp585"):
        sample_points(layer, np.array([102.5]), np.array([11.5]), scenarios=["ssp585"])


def test_float32_layers_stay_float32(tmp_path):
    layer = _layer(tmp_path, dtype=np.float32)
    out = sample_points(layer, np.array([102.5]), np.array([11.5]))
    assert out.values.dtype == np.float32


def test_bilinear_reproduces_a_linear_field(tmp_path):
    lat, lon = np.array([10.5, 11.5, 12.5]), np.array([100.5, 101.5, 102.5, 103.5])
    field = 3.0 * lat[:, None] + 2.0 * lon[None, :]
    layer = _layer(tmp_path, values=field)
    px, py = np.array([101.2, 102.9, 100.5]), np.array([11.3, 12.1, 10.5])
    out = sample_points(layer, px, py, method="bilinear")
    assert_allclose(_baseline(out), 3.0 * py + 2.0 * px)
    # between the outer centre and the grid edge: held at the edge row
    edge = sample_points(layer, np.array([101.0]), np.array([10.2]), method="bilinear")
    assert_allclose(_baseline(edge), [3.0 * 10.5 + 2.0 * 101.0])


def test_bilinear_skips_nan_corners(tmp_path):
    mask = np.zeros((3, 4), dtype=bool)
    mask[1, 1] = True
    layer = _layer(tmp_path, "coastal_flood", values=GRID, nan_mask=mask)
    # point at fractional position (y 0.25, x 0.75) between rows 0-1 and columns 0-1
    out = sample_points(layer, np.array([101.25]), np.array([10.75]), method="bilinear")
    w = {(0, 0): 0.75 * 0.25, (0, 1): 0.75 * 0.75, (1, 0): 0.25 * 0.25}  # (1, 1) is NaN
    expected = (w[0, 0] * 1 + w[0, 1] * 2 + w[1, 0] * 5) / sum(w.values())
    assert_allclose(_baseline(out), [expected])
    assert out.flags[0] == FLAG_OK


def test_nearest_matches_xarray_sel(tmp_path, rng):
    lat = np.arange(-60.0 + 1.25, 60.0, 2.5)
    lon = np.arange(-180.0 + 1.25, 180.0, 2.5)
    values = rng.normal(size=(lat.size, lon.size))
    layer = _layer(tmp_path, values=values, lat=lat, lon=lon)
    px = rng.uniform(-179.0, 179.0, 500)
    py = rng.uniform(-59.0, 59.0, 500)
    # keep points clear of cell edges, where "nearest centre" is a tie
    keep = (np.abs(np.mod(px, 2.5) - 1.25) < 1.2) & (np.abs(np.mod(py, 2.5) - 1.25) < 1.2)
    px, py = px[keep], py[keep]
    ours = _baseline(sample_points(layer, px, py))
    da = xr.DataArray(values, dims=("lat", "lon"), coords={"lat": lat, "lon": lon})
    ref = da.sel(lat=xr.DataArray(py), lon=xr.DataArray(px), method="nearest").values
    assert_array_equal(ours, ref)


@pytest.mark.parametrize("method", ["nearest", "bilinear"])
def test_block_reads_equal_in_memory_reads(tmp_path, rng, method):
    """The chunked (larger-than-memory) path gives the same numbers as the in-memory path."""
    lat = np.arange(-90.0 + 1.5, 90.0, 3.0)
    lon = np.arange(1.5, 360.0, 3.0)  # global, 0..360: the blocks wrap round the antimeridian
    values = rng.uniform(0, 10, size=(lat.size, lon.size))
    mask = rng.uniform(size=values.shape) < 0.35
    ds = synthetic_layer("coastal_flood", values=values, lat=lat, lon=lon, nan_mask=mask)
    ds = ds.chunk({"lat": 7, "lon": 11})
    layer = HazardLayer.from_dataset(ds)
    px, py = rng.uniform(-200, 200, 3000), rng.uniform(-90, 90, 3000)
    px[:10] = [-180.0, 179.99, 180.0, -179.99, 0.0, 1.5, -1.5, 358.5, 178.5, -178.5]
    mem = sample_points(layer, px, py, method=method, in_memory=True)
    blk = sample_points(layer, px, py, method=method, in_memory=False)
    assert_array_equal(mem.flags, blk.flags)
    assert_allclose(mem.values.values, blk.values.values, rtol=1e-12, equal_nan=True)
    assert (mem.flags == FLAG_FILLED).any() and (mem.flags == FLAG_OK).any()


def test_mismatched_inputs_raise(tmp_path):
    layer = _layer(tmp_path)
    with pytest.raises(ValueError, match="differ in length"):
        sample_points(layer, np.array([1.0, 2.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="unknown sampling method"):
        sample_points(layer, np.array([1.0]), np.array([1.0]), method="cubic")


@pytest.mark.parametrize("in_memory", [True, False])
def test_packed_int16_files_decode_like_xarray(tmp_path, rng, in_memory):
    """Packed integers (scale_factor, _FillValue) are read raw and unpacked to float32."""
    lat = np.arange(89.0, -90.0, -2.0)  # descending
    lon = np.arange(1.0, 360.0, 2.0)  # 0..360: rolled
    values = np.round(rng.uniform(0, 30, size=(lat.size, lon.size)), 2)
    mask = rng.uniform(size=values.shape) < 0.3
    ds = synthetic_layer("riverine_flood", values=values, lat=lat, lon=lon, nan_mask=mask)
    encoding = {"flood_depth": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 0.0,
                                "_FillValue": np.int16(-32768), "zlib": True,
                                "chunksizes": (1, 1, 1, 16, 32)}}
    path = tmp_path / "riverine_flood__flood_depth.nc"
    ds.to_netcdf(path, encoding=encoding)
    layer = HazardLayer.from_path(path)
    assert layer.data.dtype == np.float32
    px, py = rng.uniform(-180, 180, 2000), rng.uniform(-90, 90, 2000)
    out = sample_points(layer, px, py, in_memory=in_memory)
    ref = xr.open_dataset(path)["flood_depth"].astype(np.float32)
    ref = ref.assign_coords(lon=np.where(ref["lon"] >= 180, ref["lon"] - 360, ref["lon"]))
    ref = ref.sortby("lon")
    ok = out.flags == FLAG_OK
    expected = ref.sel(lat=xr.DataArray(py[ok], dims="asset"),
                       lon=xr.DataArray(px[ok], dims="asset"), method="nearest")
    got = out.values.isel(asset=np.flatnonzero(ok))
    assert_array_equal(got.values, expected.transpose("asset", ...).values)
    assert (out.flags == FLAG_FILLED).any()


@pytest.mark.parametrize("method", ["nearest", "bilinear"])
@pytest.mark.parametrize("packed", [False, "decoded", "packed"])
def test_planned_cells_sample_the_same(tmp_path, rng, method, packed, monkeypatch):
    """A plan (compact cell-major copy of the portfolio's cells) changes no value or flag.

    Half the sampled points are not in the plan, so both the compact rows and the reads of
    unplanned cells from the layer as stored are exercised; packed layers keep their compact
    rows decoded, or packed when they would not fit :data:`DECODED_BYTES`.
    """
    from climrisk.hazard import _gather
    from climrisk.hazard._gather import clear_cache, plan_cells

    if packed == "packed":
        monkeypatch.setattr(_gather, "DECODED_BYTES", 0)

    lat = np.arange(-90.0 + 1.5, 90.0, 3.0)
    lon = np.arange(1.5, 360.0, 3.0)  # global: the plan's halo wraps round the antimeridian
    values = np.round(rng.uniform(0, 10, size=(lat.size, lon.size)), 2)
    mask = rng.uniform(size=values.shape) < 0.35
    ds = synthetic_layer("coastal_flood", values=values, lat=lat, lon=lon, nan_mask=mask)
    if packed:
        encoding = {"flood_depth": {"dtype": "int16", "scale_factor": 0.01,
                                    "_FillValue": np.int16(-32768)}}
        path = tmp_path / "coastal_flood__flood_depth.nc"
        ds.to_netcdf(path, encoding=encoding)
        layer = HazardLayer.from_path(path)
    else:
        layer = HazardLayer.from_dataset(ds)
    px, py = rng.uniform(-180, 180, 4000), rng.uniform(-90, 90, 4000)
    px[:4] = [-179.9, 179.9, 0.1, -0.1]
    plain = sample_points(layer, px, py, method=method, in_memory=True)
    clear_cache(layer)
    plan_cells([layer], px[:2000], py[:2000], halo=2)
    planned = sample_points(layer, px, py, method=method, in_memory=True)
    shared = layer._cache["memory"][2]
    position, rows, decoded = shared["compact"]
    assert decoded == (packed == "decoded")
    assert rows.dtype == (np.int16 if packed == "packed" else np.float32 if packed else
                          layer.data.dtype)
    assert "cell_major" not in shared  # the whole layer was never transposed
    assert 0 < rows.shape[0] < lat.size * lon.size
    assert_array_equal(np.sort(position[position >= 0]), np.arange(rows.shape[0]))
    assert_array_equal(planned.flags, plain.flags)
    assert_array_equal(planned.values.values, plain.values.values)


@given(
    points=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 23)), min_size=1, max_size=6),
    halo=st.integers(0, 3),
    global_lon=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_plan_holds_every_cell_within_the_halo(points, halo, global_lon):
    """The plan is exactly the cells within ``halo`` (Chebyshev, wrapping when global)."""
    from climrisk.hazard._gather import _cells_near, grid_of

    ny, nx = 12, 24
    step = 360.0 / nx if global_lon else 1.0
    lon = -180.0 + step * (np.arange(nx) + 0.5)
    lat = np.arange(ny) + 0.5
    ds = synthetic_layer("extreme_heat", values=np.zeros((ny, nx)), lat=lat, lon=lon)
    grid = grid_of(HazardLayer.from_dataset(ds))
    iy, ix = np.array(points).T
    cells = _cells_near(grid, lon[ix], lat[iy], halo)
    expected = set()
    for y, x in zip(iy, ix, strict=True):
        for dy in range(-halo, halo + 1):
            for dx in range(-halo, halo + 1):
                yy, xx = y + dy, x + dx
                if global_lon:
                    xx %= nx
                if 0 <= yy < ny and 0 <= xx < nx:
                    expected.add(yy * nx + xx)
    assert_array_equal(cells, sorted(expected))
