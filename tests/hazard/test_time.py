"""Horizon interpolation: exact at epoch centres, linear between, clamped at the ends."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from climrisk.hazard import at_horizons
from climrisk.hazard.time import epoch_centre_year, horizon_weights
from climrisk.testing.strategies import epoch_arrays, horizon_mappings, horizon_years


def _array(values) -> xr.DataArray:
    values = np.asarray(values, dtype=float)
    return xr.DataArray(values, dims=("asset", "epoch"),
                        coords={"asset": np.arange(values.shape[0]),
                                "epoch": ["baseline", "2030", "2050"]},
                        attrs={"units": "m"})


def test_known_values():
    da = _array([[1.0, 4.0, 10.0]])
    out = at_horizons(da, {"short": 2027, "mid": 2031, "long": 2050, "early": 1990,
                           "late": 2100, "mid2015": 2015, "y2040": 2040})
    assert out.dims == ("asset", "horizon")
    assert list(out["horizon"].values) == ["short", "mid", "long", "early", "late", "mid2015",
                                           "y2040"]
    assert list(out["year"].values) == [2027, 2031, 2050, 1990, 2100, 2015, 2040]
    assert_allclose(out.values[0], [1 + 3 * 27 / 30, 4 + 6 * 1 / 20, 10, 1, 10, 2.5, 7.0])
    assert out.attrs["units"] == "m"
    assert "epoch" not in out.coords


def test_epoch_dim_position_and_extra_dims_are_kept():
    da = xr.DataArray(np.arange(2 * 3 * 3 * 2, dtype=float).reshape(2, 2, 3, 3),
                      dims=("asset", "scenario", "epoch", "return_period"),
                      coords={"epoch": ["baseline", "2030", "2050"],
                              "scenario": ["ssp126", "ssp370"], "return_period": [10, 100, 1000]})
    out = at_horizons(da, {"a": 2030, "b": 2040})
    assert out.dims == ("asset", "scenario", "horizon", "return_period")
    assert_array_equal(out.sel(horizon="a").values, da.sel(epoch="2030").values)
    assert_allclose(out.sel(horizon="b").values,
                    0.5 * (da.sel(epoch="2030") + da.sel(epoch="2050")).values)


def test_nan_at_an_unused_epoch_does_not_spread():
    da = _array([[1.0, 2.0, np.nan]])
    out = at_horizons(da, {"a": 2000, "b": 2015, "c": 2030, "d": 2040})
    assert_array_equal(out.values[0, :3], [1.0, 1.5, 2.0])
    assert np.isnan(out.values[0, 3])


def test_float32_stays_float32_and_dataset_flags_untouched():
    da = _array([[1.0, 2.0, 3.0]]).astype(np.float32)
    assert at_horizons(da, {"a": 2020}).dtype == np.float32
    ds = xr.Dataset({"x:y": da, "x:y:flag": ("asset", np.array([1], dtype=np.int8))})
    out = at_horizons(ds, {"a": 2020})
    assert out["x:y"].dims == ("asset", "horizon")
    assert out["x:y:flag"].dims == ("asset",)


def test_epoch_order_in_the_array_does_not_matter():
    da = _array([[1.0, 4.0, 10.0]]).isel(epoch=[2, 0, 1])
    assert_allclose(at_horizons(da, {"a": 2040}).values, [[7.0]])


def test_errors():
    with pytest.raises(ValueError, match="no horizons"):
        at_horizons(_array([[1, 2, 3]]), {})
    with pytest.raises(ValueError, match="no epoch dimension"):
        at_horizons(xr.DataArray([1.0], dims="asset"), {"a": 2030})
    with pytest.raises(ValueError, match="no centre year"):
        epoch_centre_year("mid-century")
    assert epoch_centre_year("2080") == 2080
    with pytest.raises(ValueError, match="share a centre year"):
        horizon_weights([2000, 2000], [2010])


@settings(max_examples=60, deadline=None)
@given(da=epoch_arrays(), horizons=horizon_mappings())
def test_clamped_between_neighbouring_epochs(da, horizons):
    out = at_horizons(da, horizons)
    years = np.asarray(list(horizons.values()))
    centres = np.array([2000, 2030, 2050])
    values = da.values
    for k, year in enumerate(years):
        y = np.clip(year, 2000, 2050)
        j = min(np.searchsorted(centres, y, side="right") - 1, 1)
        lo = np.minimum(values[:, j], values[:, j + 1])
        hi = np.maximum(values[:, j], values[:, j + 1])
        got = out.values[:, k]
        assert np.all(got >= lo - 1e-9 * (1 + np.abs(lo)))
        assert np.all(got <= hi + 1e-9 * (1 + np.abs(hi)))
        if year <= 2000:
            assert_array_equal(got, values[:, 0])
        if year >= 2050:
            assert_array_equal(got, values[:, 2])


@settings(max_examples=40, deadline=None)
@given(da=epoch_arrays(allow_nan=True), shift=st.sampled_from([0, 30, 50]))
def test_exact_at_epoch_centres(da, shift):
    year = 2000 + shift
    out = at_horizons(da, {"h": year})
    epoch = {2000: "baseline", 2030: "2030", 2050: "2050"}[year]
    assert_array_equal(out.values[:, 0], da.sel(epoch=epoch).values)


@settings(max_examples=40, deadline=None)
@given(year=horizon_years())
def test_weights_are_a_convex_pair(year):
    lower, upper, t = horizon_weights([2000, 2030, 2050], [year])
    assert 0.0 <= t[0] < 1.0
    assert upper[0] - lower[0] in (0, 1)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from([np.float32, np.float64]),
    years=st.lists(horizon_years(), min_size=1, max_size=4),
    rest=st.sampled_from([(), (3,), (2, 3)]),
)
def test_blend_epochs_equals_at_horizons_bit_for_bit(data, dtype, years, rest):
    """The compiled blend gives exactly what at_horizons gives, in float32 and float64."""
    from climrisk.hazard.time import blend_epochs

    epochs = data.draw(st.permutations(["baseline", "2030", "2050"]))
    shape = (3, 2, 3, *rest)
    elements = st.one_of(st.floats(-1e4, 1e4, width=32), st.just(np.nan))
    values = np.array(data.draw(st.lists(elements, min_size=int(np.prod(shape)),
                                         max_size=int(np.prod(shape)))), dtype=dtype)
    values = values.reshape(shape)
    dims = ("asset", "scenario", "epoch", *(f"d{k}" for k in range(len(rest))))
    da = xr.DataArray(values, dims=dims, coords={"epoch": epochs})
    horizons = {f"h{k}": int(y) for k, y in enumerate(years)}
    expected = at_horizons(da, horizons).transpose("asset", "scenario", "horizon", ...)
    got = blend_epochs(values, [epoch_centre_year(e) for e in epochs], list(horizons.values()))
    assert got.dtype == np.float64
    assert_array_equal(got, expected.values.astype(np.float64))
