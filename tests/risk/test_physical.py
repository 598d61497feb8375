"""The physical stage: EAD rule, protection, horizons, spread and scores, computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climrisk.risk.matrix import build_physical_matrix
from climrisk.risk.physical import LayerInput, as_frame, assess_hazard
from climrisk.risk.scoring import Materiality, ScoringTable, classify


class LinearDepthModel:
    """damage = min(depth / 4 m, 1); downtime = 10 days per metre."""

    def evaluate(self, intensity, assets, prices):
        depth = np.maximum(
            intensity
            - assets["ground_floor_elevation_m"].to_numpy()[
                (slice(None), *([None] * (intensity.ndim - 1)))
            ],
            0.0,
        )
        return {"damage_ratio": np.minimum(depth / 4.0, 1.0), "downtime_days": 10.0 * depth}


class ConstantOpexModel:
    def evaluate(self, intensity, assets, prices):
        return {"opex_delta": 100.0 * intensity}


def _assets(**overrides):
    frame = pd.DataFrame(
        {
            "asset_type": ["warehouse", "warehouse"],
            "value": [1000.0, 1000.0],
            "annual_revenue": [365.0, 365.0],
            "flood_protection_rp": [1.0, 50.0],
            "ground_floor_elevation_m": [0.0, 0.0],
            "business_unit": ["logistics", "logistics"],
            "country": ["CN", "CN"],
        },
        index=pd.Index(["A", "B"], name="asset_id"),
    )
    for key, value in overrides.items():
        frame[key] = value
    return frame


def _flood_layer(depths_by_epoch, models):
    rps = [10.0, 100.0]
    data = np.array(depths_by_epoch, dtype=float)  # (epoch, rp)
    values = xr.DataArray(
        np.broadcast_to(data, (2, 1, 3, 2)).copy(),
        dims=("asset", "scenario", "epoch", "return_period"),
        coords={
            "asset": ["A", "B"],
            "scenario": ["ssp370"],
            "epoch": ["baseline", "2030", "2050"],
            "return_period": rps,
        },
    )
    return LayerInput(
        "flood_depth", "m", "acute_return_period", values, np.zeros(2, np.int8), models
    )


def test_ead_trapezoid_and_protection_by_hand():
    layer = _flood_layer([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]], {"warehouse": LinearDepthModel()})
    rows = as_frame(
        assess_hazard("riverine_flood", [layer], _assets(), {"long": 2050}, ScoringTable())
    )
    a = rows.set_index("asset_id").loc["A"]
    # damage 0.25 at T=10 and 0.5 at T=100: (0.1-0.01)*(0.25+0.5)/2 + 0.01*0.5
    expected = 0.09 * 0.375 + 0.005
    assert a["damage_ratio"] == pytest.approx(expected)
    assert a["ead"] == pytest.approx(1000 * expected)
    # downtime 10 and 20 days: same rule, revenue 1 per day
    assert a["bi_loss"] == pytest.approx(0.09 * 15 + 0.01 * 20)
    assert a["intensity"] == pytest.approx(2.0)
    assert a["loss_100yr"] == pytest.approx(500.0)
    b = rows.set_index("asset_id").loc["B"]
    # protected to 50 years: the curve is cut at 50 years, d(50) linear in ln T
    d50 = 0.25 + np.log(5.0) / np.log(10.0) * 0.25
    assert b["damage_ratio"] == pytest.approx((0.02 - 0.01) * (d50 + 0.5) / 2 + 0.005)


def test_elevation_lowers_depth():
    layer = _flood_layer([[1.0, 2.0]] * 3, {"warehouse": LinearDepthModel()})
    raised = _assets(ground_floor_elevation_m=[1.0, 1.0], flood_protection_rp=[1.0, 1.0])
    rows = as_frame(
        assess_hazard("riverine_flood", [layer], raised, {"long": 2050}, ScoringTable())
    )
    assert rows["damage_ratio"].iloc[0] == pytest.approx(0.09 * 0.125 + 0.01 * 0.25)


def test_horizon_interpolation_between_epochs():
    layer = _flood_layer([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]], {"warehouse": LinearDepthModel()})
    horizons = {"short": 2015, "mid": 2040, "late": 2080}
    rows = as_frame(assess_hazard("riverine_flood", [layer], _assets(), horizons, ScoringTable()))
    a = rows[rows["asset_id"] == "A"].set_index("horizon")
    assert a.loc["short", "intensity"] == pytest.approx(1.5)  # halfway 2000 -> 2030
    assert a.loc["mid", "intensity"] == pytest.approx(2.5)
    assert a.loc["late", "intensity"] == pytest.approx(3.0)  # clamped after 2050
    assert (a["baseline_intensity"] == 1.0).all()
    assert list(a["year"]) == [2015, 2040, 2080]


def test_no_model_and_no_data_are_states_not_scores():
    layer = _flood_layer([[1.0, 2.0]] * 3, {})
    flags = np.array([0, 2], dtype=np.int8)
    layer = LayerInput(layer.indicator, layer.units, layer.kind, layer.values, flags, {})
    rows = as_frame(
        assess_hazard("riverine_flood", [layer], _assets(), {"long": 2050}, ScoringTable())
    )
    a, b = rows.iloc[0], rows.iloc[1]
    assert a["status"] == "no_model" and np.isnan(a["ead"])
    assert a["score"] == 5  # 2 m at 100 years reaches the top boundary (2.0 m): class 5
    assert b["status"] == "no_data" and pd.isna(b["score"]) and b["score_label"] == "no data"


def test_quantile_spread_columns():
    by_epoch = np.array([[10.0, 20.0, 40.0], [15.0, 30.0, 60.0], [20.0, 40.0, 80.0]])
    values = xr.DataArray(
        np.broadcast_to(by_epoch, (2, 1, 3, 3)).copy(),
        dims=("asset", "scenario", "epoch", "quantile"),
        coords={
            "asset": ["A", "B"],
            "scenario": ["ssp126"],
            "epoch": ["baseline", "2030", "2050"],
            "quantile": [0.1, 0.5, 0.9],
        },
    )
    layer = LayerInput(
        "days_above_35c",
        "day/year",
        "chronic_index",
        values,
        np.zeros(2, np.int8),
        {"warehouse": ConstantOpexModel()},
    )
    rows = as_frame(
        assess_hazard("extreme_heat", [layer], _assets(), {"long": 2050}, ScoringTable())
    )
    first = rows.iloc[0]
    assert (first["intensity_low"], first["intensity"], first["intensity_high"]) == (20, 40, 80)
    assert first["baseline_intensity"] == 20
    # opex_delta is the change from the baseline climate: 100 x (40 - 20) at the centre
    assert first["opex_delta"] == pytest.approx(2000.0)
    assert first["opex_delta_high"] == pytest.approx(4000.0)
    # 2000 per year on a value of 1000 is far above 1 %: financial score 5
    assert first["score"] == 5 and first["score_label"] == "very high"


def test_classify_boundaries_fall_in_higher_class():
    scores = classify(np.array([0.0, 1.0, 1.5, 2.0, 5.0, np.nan]), (1.0, 2.0, 3.0, 4.0))
    np.testing.assert_array_equal(scores[:5], [1, 2, 2, 3, 5])
    assert np.isnan(scores[5])


def test_physical_matrix_value_share_and_materiality():
    results = pd.DataFrame(
        {
            "asset_id": ["A", "B", "C"],
            "asset_type": ["warehouse"] * 3,
            "hazard": ["riverine_flood"] * 3,
            "scenario": ["ssp370"] * 3,
            "horizon": ["long"] * 3,
            "year": [2050] * 3,
            "score": pd.array([4, 1, None], dtype="Int8"),
            "value": [100.0, 300.0, 600.0],
            "ead": [5.0, 1.0, np.nan],
            "bi_loss": [2.0, np.nan, np.nan],
            "opex_delta": [np.nan] * 3,
            "capex": [np.nan] * 3,
            "loss_100yr": [50.0, 0.0, np.nan],
        }
    )
    matrix = build_physical_matrix(results, Materiality())
    (row,) = matrix.to_dict("records")
    assert row["asset_count"] == 3 and row["assets_with_data"] == 2
    assert row["value_share_score_ge3"] == pytest.approx(0.25)
    assert row["value_weighted_score"] == pytest.approx((4 * 100 + 1 * 300) / 400)
    assert row["material"]  # 25 % of scored value at score >= 3
    assert row["asset_value_down"] == pytest.approx(6.0)
    assert row["revenue_down"] == pytest.approx(2.0)
    assert row["category"] == "acute"
    stricter = build_physical_matrix(results, Materiality(value_share=0.5))
    assert not stricter["material"].iloc[0]


def test_business_interruption_is_lost_gross_profit():
    layer = _flood_layer([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]], {"warehouse": LinearDepthModel()})
    full = as_frame(assess_hazard("riverine_flood", [layer], _assets(), {"long": 2050},
                                  ScoringTable())).set_index("asset_id")
    margin = as_frame(assess_hazard("riverine_flood", [layer], _assets(gross_margin=[0.25, 0.5]),
                                    {"long": 2050}, ScoringTable())).set_index("asset_id")
    # downtime x revenue / 365 x gross margin; the damage to the asset is unchanged
    assert margin.loc["A", "bi_loss"] == pytest.approx(0.25 * full.loc["A", "bi_loss"])
    assert margin.loc["B", "bi_loss"] == pytest.approx(0.5 * full.loc["B", "bi_loss"])
    assert margin["ead"].to_numpy() == pytest.approx(full["ead"].to_numpy())


def test_flood_hazard_score_reads_the_defended_depth():
    layer = _flood_layer([[1.0, 2.0]] * 3, {"warehouse": LinearDepthModel()})
    assets = _assets(flood_protection_rp=[100.0, 50.0])
    rows = as_frame(
        assess_hazard("riverine_flood", [layer], assets, {"long": 2050}, ScoringTable())
    ).set_index("asset_id")
    # 2 m at 100 years is class 5 undefended; behind 100-year defences the asset faces none
    assert rows.loc["A", "hazard_score"] == 1
    assert rows.loc["B", "hazard_score"] == 5
    assert rows.loc["A", "intensity"] == pytest.approx(2.0)  # reported undefended
