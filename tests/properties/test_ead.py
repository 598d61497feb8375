"""Hypothesis properties of the expected-annual-damage rule."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from climrisk.vulnerability import RiverineFloodModel, expected_annual_damage, loss_at_return_period

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def damage_curves(draw, min_size=1, max_size=10):
    """Distinct return periods >= 1 year (ascending) and non-decreasing damage in [0, 1]."""
    rps = draw(
        st.lists(
            st.floats(1.0, 1e5, allow_nan=False), min_size=min_size, max_size=max_size,
            unique=True,
        )
    )
    rps = np.sort(np.array(rps))
    rps = rps[np.concatenate([[True], np.diff(rps) > 1e-9 * rps[1:]])]
    steps = draw(st.lists(st.floats(0.0, 1.0), min_size=len(rps), max_size=len(rps)))
    damage = np.cumsum(steps)
    damage = damage / max(damage.max(), 1.0)
    return rps, np.clip(damage, 0.0, 1.0)


def _by_loop(rps, damage):
    p = 1.0 / np.asarray(rps)
    total = 0.0
    for i in range(len(p) - 1):
        total += (p[i] - p[i + 1]) * (damage[i] + damage[i + 1]) / 2
    return total + p[-1] * damage[-1]


@SETTINGS
@given(curve=damage_curves())
def test_matches_the_contract_formula_written_as_a_loop(curve):
    rps, damage = curve
    assert_allclose(expected_annual_damage(rps, damage), _by_loop(rps, damage), atol=1e-15)


@SETTINGS
@given(curve=damage_curves(), protection=st.floats(1.0, 1e5))
def test_bounded_by_zero_and_max_damage(curve, protection):
    rps, damage = curve
    for prot in (None, protection):
        ead = float(expected_annual_damage(rps, damage, protection_rp=prot))
        assert 0.0 <= ead <= damage.max() + 1e-12
        assert ead <= damage.max() / rps[0] + 1e-12


@SETTINGS
@given(curve=damage_curves(), a=st.floats(1.0, 1e5), b=st.floats(1.0, 1e5))
def test_non_increasing_in_protection(curve, a, b):
    rps, damage = curve
    low, high = min(a, b), max(a, b)
    assert expected_annual_damage(rps, damage, low) >= expected_annual_damage(rps, damage, high)


@SETTINGS
@given(curve=damage_curves(), extra=st.floats(0.0, 1e3))
def test_beyond_the_largest_return_period_is_dn_over_tp(curve, extra):
    rps, damage = curve
    tp = rps.max() + extra
    assert_allclose(expected_annual_damage(rps, damage, protection_rp=tp), damage[-1] / tp,
                    rtol=1e-12, atol=1e-300)


@SETTINGS
@given(curve=damage_curves(), level=st.floats(0.0, 1.0), protection=st.floats(1.0, 1e5))
def test_flat_damage_behind_protection(curve, level, protection):
    """Flat damage c behind Tp is c / max(Tp, T1): only events rarer than Tp remain."""
    rps, _ = curve
    flat = np.full(rps.size, level)
    ead = expected_annual_damage(rps, flat, protection_rp=protection)
    assert_allclose(ead, level / max(protection, rps[0]), rtol=1e-12, atol=1e-300)


@SETTINGS
@given(curve=damage_curves(min_size=2), u=st.floats(0.0, 1.0))
def test_cut_equals_the_curve_started_at_tp(curve, u):
    """Between T1 and Tn the rule is the unprotected rule on the curve started at (Tp, d(Tp))."""
    rps, damage = curve
    logs = np.log(rps)
    tp = float(np.exp(logs[0] + u * (logs[-1] - logs[0])))
    if not rps[0] < tp < rps[-1]:
        return
    d_tp = np.interp(np.log(tp), logs, damage)
    keep = rps > tp
    cut_rps = np.concatenate([[tp], rps[keep]])
    cut_damage = np.concatenate([[d_tp], damage[keep]])
    assert_allclose(expected_annual_damage(rps, damage, protection_rp=tp),
                    _by_loop(cut_rps, cut_damage), rtol=1e-9, atol=1e-15)


@SETTINGS
@given(curve=damage_curves(), protection=st.floats(1.0, 1e5))
def test_continuous_in_protection(curve, protection):
    rps, damage = curve
    a = float(expected_annual_damage(rps, damage, protection_rp=protection))
    b = float(expected_annual_damage(rps, damage, protection_rp=protection * (1 + 1e-9)))
    assert abs(a - b) <= 1e-8 * max(damage.max(), 1e-300) + 1e-15


@SETTINGS
@given(curve=damage_curves(), protection=st.floats(0.0, 1e5))
def test_plain_python_equals_compiled(curve, protection):
    from climrisk.vulnerability import ead

    rps, damage = curve
    rule = getattr(ead.protected_ead, "py_func", ead.protected_ead)
    want = float(expected_annual_damage(rps, damage, protection_rp=protection))
    assert_allclose(rule(rps, 1.0 / rps, damage, protection), want, rtol=1e-13, atol=1e-300)


@SETTINGS
@given(curve=damage_curves(), bump=st.floats(0.0, 0.5), index=st.integers(0, 9))
def test_non_decreasing_in_damage(curve, bump, index):
    rps, damage = curve
    higher = damage.copy()
    higher[index % len(damage):] = np.minimum(higher[index % len(damage):] + bump, 1.0)
    assert expected_annual_damage(rps, higher) >= expected_annual_damage(rps, damage) - 1e-15


@SETTINGS
@given(curve=damage_curves(), rp=st.floats(1.0, 1e5))
def test_loss_at_return_period_within_curve(curve, rp):
    rps, damage = curve
    loss = float(loss_at_return_period(rps, damage, rp))
    assert damage.min() - 1e-12 <= loss <= damage.max() + 1e-12


@SETTINGS
@given(
    depths=st.lists(st.floats(0.0, 8.0), min_size=9, max_size=9),
    low=st.floats(-2.0, 3.0),
    rise=st.floats(0.0, 3.0),
    protection=st.sampled_from([1.0, 10.0, 100.0, 1000.0]),
    country=st.sampled_from(["DE", "CN", "US", "BR", "AU", "NG", None]),
    asset_type=st.sampled_from(["data_center", "warehouse", "office", "retail", "campus"]),
)
def test_flood_ead_non_increasing_in_elevation(depths, low, rise, protection, country, asset_type):
    rps = np.array([2, 5, 10, 25, 50, 100, 250, 500, 1000.0])
    depth = np.sort(np.array(depths))  # a hazard curve rises with return period
    assets = pd.DataFrame(
        {
            "asset_type": pd.array([asset_type] * 2, dtype="string"),
            "country": pd.array([country] * 2, dtype="string"),
            "ground_floor_elevation_m": [low, low + rise],
        }
    )
    damage = RiverineFloodModel().evaluate(np.tile(depth, (2, 1)), assets)["damage_ratio"]
    ead = expected_annual_damage(rps, damage, protection_rp=protection)
    assert ead[1] <= ead[0] + 1e-15
    assert 0.0 <= ead[0] <= damage.max() + 1e-12
