"""The fused return-period kernel against the plain numpy path it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from climrisk.hazard.time import at_horizons
from climrisk.risk.acute_kernel import acute_expected_losses, intensity_at_return_period
from climrisk.risk.physical import LayerInput, as_frame, assess_hazard
from climrisk.risk.scoring import ScoringTable
from climrisk.vulnerability import (
    DamageCurve,
    RiverineFloodModel,
    TropicalCycloneModel,
    UserCurveModel,
    expected_annual_damage,
    loss_at_return_period,
)
from climrisk.vulnerability.event_curves import CurveSet, EventCurves

EPOCHS = ["baseline", "2030", "2050"]
EPOCH_YEARS = [2000, 2030, 2050]
YEARS = [2027, 2031, 2050]


def _reference(values, return_periods, curves, protection, years=YEARS):
    """Blend with at_horizons, evaluate the curves in numpy, integrate with ead.py."""
    da = xr.DataArray(values, dims=("asset", "scenario", "epoch", "return_period", "quantile"),
                      coords={"epoch": EPOCHS})
    blended = at_horizons(da, {f"h{i}": y for i, y in enumerate(years)})
    x = blended.transpose("asset", "scenario", "horizon", "quantile", "return_period")
    channels = curves.evaluate(x.to_numpy().astype(float))
    out = {
        "damage_ratio": expected_annual_damage(return_periods, channels["damage_ratio"],
                                               protection_rp=protection),
        "loss_ratio": loss_at_return_period(return_periods, channels["damage_ratio"], 100.0,
                                            protection_rp=protection),
    }
    if "downtime_days" in channels:
        out["downtime_days"] = expected_annual_damage(
            return_periods, channels["downtime_days"], protection_rp=protection
        )
    return out, x.to_numpy().astype(float)


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 12))
    n_rp = draw(st.integers(1, 6))
    rps = np.array(sorted(draw(st.lists(st.sampled_from([1, 2, 5, 10, 25, 50, 100, 250, 1000]),
                                        min_size=n_rp, max_size=n_rp, unique=True))), float)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.gamma(0.6, 1.5, (n, 2, 3, rps.size, 2)).astype(
        draw(st.sampled_from([np.float32, np.float64])))
    values[rng.random((n, 2, 3, rps.size, 2)) < 0.3] = 0.0
    values[rng.random(n) < 0.3] = 0.0  # dry sites, the kernel's shortcut
    values[rng.random((n, 2, 3, rps.size, 2)) < 0.05] = np.nan
    shuffle = rng.permutation(rps.size)  # return periods in any order on the axis
    n_curves = draw(st.integers(1, 3))
    curves = []
    for _ in range(n_curves):
        k = int(rng.integers(1, 7))
        points = np.sort(rng.uniform(-0.5, 4.0, k))
        points = points[np.concatenate([[True], np.diff(points) > 1e-6])]
        curves.append((points, np.sort(rng.uniform(0, 1, points.size))))
    index = rng.integers(-1, n_curves, n)
    kind = draw(st.sampled_from(["piecewise", "emanuel"]))
    if kind == "piecewise":
        damage = CurveSet.piecewise(curves, index)
        downtime = CurveSet.piecewise(curves[::-1], rng.integers(0, n_curves, n),
                                      rng.uniform(0, 300, n))
    else:
        values = values * 30
        v_half = rng.uniform(40, 120, n)
        damage = CurveSet.emanuel(v_half, 25.7)
        downtime = CurveSet.emanuel(v_half, 25.7, rng.uniform(0, 200, n))
    floor = rng.uniform(-1, 1.5, n) if draw(st.booleans()) else None
    if floor is not None:
        floor[rng.random(n) < 0.3] = np.nan
    protection = rng.choice([np.nan, 0, 1, 10, 100, 500], n) if draw(st.booleans()) else None
    event = EventCurves(floor, damage, downtime if draw(st.booleans()) else None)
    return values[:, :, :, shuffle], rps[shuffle], event, protection


@settings(max_examples=150, deadline=None)
@given(_cases())
def test_kernel_equals_the_numpy_path(case):
    values, rps, curves, protection = case
    got = acute_expected_losses(values, EPOCH_YEARS, YEARS, rps, curves, protection)
    want, intensity = _reference(values, rps, curves, protection)
    for name, expected in want.items():
        np.testing.assert_allclose(got[name], expected, rtol=1e-9, atol=1e-13, equal_nan=True,
                                   err_msg=name)
    if curves.downtime is None:
        assert np.isnan(got["downtime_days"]).all()
    at_100 = intensity_at_return_period(values, EPOCH_YEARS, YEARS, rps)
    np.testing.assert_allclose(at_100, loss_at_return_period(rps, intensity, 100.0),
                               rtol=1e-6, equal_nan=True)


@settings(max_examples=50, deadline=None)
@given(_cases(), st.data())
def test_rows_compute_a_subset_in_place(case, data):
    values, rps, curves, protection = case
    n = values.shape[0]
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n,
                                       unique=True)))
    full = acute_expected_losses(values, EPOCH_YEARS, YEARS, rps, curves, protection)
    part_curves = EventCurves(
        None if curves.floor is None else curves.floor[rows],
        _subset(curves.damage, rows),
        None if curves.downtime is None else _subset(curves.downtime, rows),
    )
    part = acute_expected_losses(values, EPOCH_YEARS, YEARS, rps, part_curves,
                                 None if protection is None else protection[rows], rows=rows)
    for name in full:
        np.testing.assert_array_equal(part[name], full[name][rows])


def _subset(curves: CurveSet, rows: np.ndarray) -> CurveSet:
    return CurveSet(curves.kind, curves.index[rows], curves.points, curves.values,
                    curves.counts, curves.v_half[rows], curves.v_thresh, curves.scale[rows])


def test_hand_computed_expected_damage_with_protection():
    # 1 m everywhere, curve 0 -> 0, 2 m -> 1: damage 0.5 at every return period.
    values = np.ones((5, 1, 3, 2, 1), dtype=np.float32)
    curves = EventCurves(None, CurveSet.piecewise([([0.0, 2.0], [0.0, 1.0])], [0] * 5))
    out = acute_expected_losses(values, EPOCH_YEARS, [2050], [10, 100], curves,
                                protection_rp=np.array([np.nan, 10.0, 50.0, 100.0, 400.0]))
    ead = out["damage_ratio"][:, 0, 0, 0]
    # no protection, and protection at T1: (0.1 - 0.01) * (0.5 + 0.5) / 2 + 0.01 * 0.5 = 0.05
    assert ead[:2] == pytest.approx([0.05, 0.05])
    # flat damage behind Tp removes exactly the events more frequent than Tp: 0.5 / Tp
    assert ead[2:] == pytest.approx([0.5 / 50, 0.5 / 100, 0.5 / 400], rel=1e-12)
    assert out["loss_ratio"][:, 0, 0, 0] == pytest.approx([0.5, 0.5, 0.5, 0.0, 0.0])


def test_floor_and_dry_cells():
    # depth 0.5 m over a floor 1 m up: no damage; dry cell stays dry under a basement floor
    values = np.zeros((3, 1, 3, 1, 1))
    values[0] = 0.5
    curves = EventCurves(np.array([1.0, -1.0, 0.0]),
                         CurveSet.piecewise([([0.0, 1.0], [0.0, 1.0])], [0, 0, 0]))
    out = acute_expected_losses(values, EPOCH_YEARS, [2050], [100], curves)
    assert out["damage_ratio"][:, 0, 0, 0].tolist() == [0.0, 0.0, 0.0]


def _assets(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asset_type": rng.choice(["data_center", "office", "warehouse", "retail"], n),
            "country": rng.choice(["CN", "US", "DE", "PH", "JP", None], n),
            "value": rng.uniform(1e6, 1e8, n),
            "annual_revenue": rng.uniform(1e5, 1e7, n),
            "flood_protection_rp": rng.choice([np.nan, 10.0, 100.0], n),
            "ground_floor_elevation_m": rng.choice([np.nan, 0.0, 0.5], n),
            "business_unit": "bu",
            "country_name": "x",
        },
        index=pd.Index([f"a{i}" for i in range(n)], name="asset_id"),
    )


class _NumpyOnly:
    """A model without ``event_curves``: the engine must take the numpy path."""

    def __init__(self, model: object) -> None:
        self.model = model

    def evaluate(self, intensity, assets, prices=None):
        return self.model.evaluate(intensity, assets, prices)


@pytest.mark.parametrize(
    ("hazard", "indicator", "model", "scale"),
    [
        ("riverine_flood", "flood_depth", RiverineFloodModel(), 3.0),
        ("tropical_cyclone", "max_wind_speed", TropicalCycloneModel(), 90.0),
        (
            "riverine_flood",
            "flood_depth",
            UserCurveModel(DamageCurve((0.0, 1.0, 3.0), (0.0, 0.4, 0.9), "m", "test"),
                           "riverine_flood", "flood_depth", "office", RiverineFloodModel()),
            3.0,
        ),
    ],
)
def test_engine_kernel_path_equals_numpy_path(hazard, indicator, model, scale):
    rng = np.random.default_rng(7)
    n = 200
    assets = _assets(n, rng)
    assets["country"] = assets["country"].astype(object)
    rps = [2.0, 10.0, 50.0, 100.0, 500.0]
    data = rng.gamma(0.5, scale / 2, (n, 2, 3, len(rps), 3)).astype(np.float32)
    data[rng.random(n) < 0.4] = 0.0
    values = xr.DataArray(
        data, dims=("asset", "scenario", "epoch", "return_period", "quantile"),
        coords={"scenario": ["ssp126", "ssp370"], "epoch": EPOCHS, "return_period": rps,
                "quantile": [0.1, 0.5, 0.9]},
    )
    flags = np.zeros(n, dtype=np.int8)
    types = assets["asset_type"].unique()
    fast = LayerInput(indicator, "m", "acute_return_period", values, flags,
                      dict.fromkeys(types, model))
    slow = LayerInput(indicator, "m", "acute_return_period", values, flags,
                      dict.fromkeys(types, _NumpyOnly(model)))
    horizons = {"short": 2027, "mid": 2031, "long": 2050}
    got = as_frame(assess_hazard(hazard, [fast], assets, horizons, ScoringTable()))
    want = as_frame(assess_hazard(hazard, [slow], assets, horizons, ScoringTable()))
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, atol=1e-9)
    assert got["ead"].gt(0).any()


def test_the_kernel_runs_uncompiled_with_the_same_answer(monkeypatch):
    """pvlib's optional-jit pattern: the compiled kernel is plain Python underneath."""
    from climrisk.risk import acute_kernel

    rng = np.random.default_rng(3)
    values = rng.gamma(0.6, 1.5, (4, 2, 3, 3, 2))
    curves = EventCurves(
        rng.uniform(0, 1, 4),
        CurveSet.piecewise([([0.0, 2.0, 4.0], [0.0, 0.6, 1.0])], [0] * 4),
        CurveSet.emanuel(np.full(4, 60.0), 25.7),
    )
    args = (values, EPOCH_YEARS, YEARS, [10.0, 100.0, 1000.0], curves,
            np.array([np.nan, 20.0, 100.0, 5000.0]))
    compiled = acute_expected_losses(*args)
    monkeypatch.setattr(acute_kernel, "_kernel", getattr(acute_kernel._kernel, "py_func",
                                                          acute_kernel._kernel))
    plain = acute_expected_losses(*args)
    for name in compiled:
        np.testing.assert_allclose(plain[name], compiled[name], rtol=1e-12)
