"""The shared pint registry: parsing, comparison and conversion of units texts."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from climrisk.units import UnitError, convert, parse_units, same_units


@pytest.mark.parametrize("text", ["day/year", "K*day/year", "m", "m/s", "1/year", "1", "day"])
def test_contract_units_parse(text):
    parse_units(text)


@pytest.mark.parametrize("text", ["", "   ", "blargs", "m//"])
def test_bad_units_raise(text):
    with pytest.raises(UnitError):
        parse_units(text)


def test_same_units_and_conversion():
    assert same_units("days/yr", "day/year")
    assert not same_units("m", "cm")
    assert not same_units("m", "blargs")
    assert convert(2.5, "m", "cm") == pytest.approx(250.0)
    assert convert(10.0, "m/s", "km/h") == pytest.approx(36.0)
    da = xr.DataArray([1.0, 2.0], attrs={"units": "m"})
    out = convert(da, "m", "mm")
    assert out.attrs["units"] == "mm" and list(out.values) == [1000.0, 2000.0]
    assert convert(0.0, "degC", "K") == pytest.approx(273.15)
    with pytest.raises(UnitError, match="cannot convert"):
        convert(1.0, "m", "day")


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_round_trip(value):
    there = convert(np.float64(value), "m/s", "km/h")
    assert convert(there, "km/h", "m/s") == pytest.approx(value, rel=1e-12, abs=1e-9)
