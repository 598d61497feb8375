"""Discounting and the annual path: analytic cases and properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from climrisk.adaptation.economics import annual_path, present_value


@given(st.floats(0.0, 1e9), st.floats(0.001, 0.2), st.integers(1, 80))
def test_constant_flow_is_an_annuity(amount: float, rate: float, years: int) -> None:
    pv = present_value(np.full(years, amount), rate)
    assert np.isclose(pv, amount * (1 - (1 + rate) ** -years) / rate, rtol=1e-9, atol=1e-6)


def test_zero_rate_is_a_plain_sum() -> None:
    assert present_value(np.array([1.0, 2.0, 3.0]), 0.0) == 6.0


@given(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3))
def test_path_passes_through_the_horizons_and_is_flat_beyond(values: list[float]) -> None:
    horizons = np.array([2027.0, 2031.0, 2050.0])
    years = np.arange(2020, 2061, dtype=float)
    path = annual_path(years, horizons, np.array([values]))[0]
    for year, value in zip(horizons, values, strict=True):
        assert np.isclose(path[years == year][0], value)
    assert np.allclose(path[years <= 2027], values[0])
    assert np.allclose(path[years >= 2050], values[2])


def test_path_is_linear_between_horizons() -> None:
    path = annual_path(np.array([2029.0]), np.array([2027.0, 2031.0]), np.array([[0.0, 4.0]]))
    assert path.tolist() == [[2.0]]
