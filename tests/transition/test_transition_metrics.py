"""Pure formulas: known values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from climrisk.transition import metrics as m


def test_data_centre_energy():
    assert_allclose(m.data_centre_energy_mwh([10.0], [1.5], 0.6), [10 * 1.5 * 8760 * 0.6])


def test_annuity_factor():
    # 0.08 / (1 - 1.08**-15) = 0.1168295...
    assert m.annuity_factor(0.08, 15) == pytest.approx(0.11682954493602053)
    assert m.annuity_factor(0.0, 20) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        m.annuity_factor(0.05, 0)


def test_clean_share_path():
    s0 = np.array([0.2, 0.9, 1.0])
    targets = ((2030, 1.0),)
    assert_allclose(m.clean_share_path(s0, targets, 2025, 2025), s0)
    assert_allclose(m.clean_share_path(s0, targets, 2025, 2027), [0.2 + 0.8 * 0.4, 0.94, 1.0])
    assert_allclose(m.clean_share_path(s0, targets, 2025, 2040), [1.0, 1.0, 1.0])
    two = ((2030, 0.5), (2040, 0.9))
    assert_allclose(m.clean_share_path(np.array([0.0, 0.7]), two, 2025, 2035), [0.7, 0.7])
    assert_allclose(m.clean_share_path(np.array([0.0]), two, 2025, 2035), [0.7])
    assert_allclose(m.clean_share_path(s0, (), 2025, 2040), s0)


def test_market_scope2():
    # 300 t with 40 % clean -> 64 % clean and intensity 0.5 -> 0.46 t/MWh
    got = m.market_scope2([300.0], [0.4], [0.64], [0.5], [0.46])
    assert_allclose(got, [300 * 0.36 / 0.6 * 0.46 / 0.5])
    assert_allclose(m.market_scope2([10.0], [1.0], [1.0], [0.5], [0.4]), [0.0])


def test_carbon_cost():
    assert_allclose(m.carbon_cost([1000.0], [14.0], [0.5]), [7000.0])


def test_pue_retrofit():
    gap, capex, unable = m.pue_retrofit(
        np.array([1.5, 1.2, np.nan, 1.9]),
        np.array([1.3, 1.3, 1.3, 1.3]),
        np.array([10.0, 10.0, 10.0, 2.0]),
        250_000.0,
        0.3,
    )
    assert_allclose(gap, [0.2, 0.0, 0.0, 0.6])
    assert_allclose(capex, [10 * 2 * 250_000, 0.0, 0.0, 2 * 3 * 250_000])
    assert unable.tolist() == [False, False, False, True]


def test_cumulative_efficiency_gain():
    assert m.cumulative_efficiency_gain(0.02, 5, 0.3) == pytest.approx(1 - 0.98**5)
    assert m.cumulative_efficiency_gain(0.02, -3, 0.3) == 0.0
    assert m.cumulative_efficiency_gain(0.1, 25, 0.3) == 0.3
