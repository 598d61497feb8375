"""Compiled scoring and matrix sums against the pandas reference they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from climrisk.risk.chunk import Coded
from climrisk.risk.matrix import (
    aggregate_block,
    aggregate_physical,
    combine,
    finalise_physical,
)
from climrisk.risk.physical import as_frame
from climrisk.risk.row_kernels import score_rows
from climrisk.risk.scoring import DEFAULT_FINANCIAL_BOUNDARIES, Materiality, classify


def _numpy_scores(ead, bi, opex, intensity, value, revenue, flags, has_model, bounds, financial):
    """The scoring rule written with whole-array numpy (classify, fmax)."""
    per = ead.size // value.size
    rep = np.repeat(np.arange(value.size), per)
    channels = np.stack([ead, bi, opex])
    annual = np.nansum(channels, axis=0)
    v, r = value[rep], revenue[rep]
    base = np.where(v > 0, v, np.where(r > 0, r, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(np.isnan(channels).all(0), np.nan, annual / base)
    hazard = classify(intensity, bounds) if bounds else np.full(ead.size, np.nan)
    financial_score = classify(share, financial)
    score = np.fmax(hazard, financial_score)
    no_data = flags[rep] == 2
    score[no_data] = np.nan
    status = np.where(~has_model[rep] & ~no_data, 3, flags[rep])
    return score, hazard, financial_score, status


@st.composite
def _rows(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, per = draw(st.integers(1, 30)), draw(st.integers(1, 6))
    rows = n * per

    def money(scale):
        x = rng.lognormal(0, 2, rows) * scale
        x[rng.random(rows) < 0.3] = np.nan
        x[rng.random(rows) < 0.1] = 0.0
        return x

    opex = money(1e5) * rng.choice([-1, 1], rows)
    value = rng.choice([np.nan, 0.0, 1e6, 5e7], n)
    revenue = rng.choice([np.nan, 0.0, 1e5, 1e7], n)
    flags = rng.choice(np.array([0, 1, 2], np.int8), n)
    has_model = rng.random(n) < 0.8
    intensity = rng.gamma(1, 30, rows)
    intensity[rng.random(rows) < 0.2] = np.nan
    bounds = draw(st.sampled_from([None, (5.0, 20.0, 40.0, 80.0)]))
    return money(1e6), money(1e5), opex, intensity, value, revenue, flags, has_model, bounds


@settings(max_examples=200, deadline=None)
@given(_rows())
def test_scores_equal_the_numpy_rule(case):
    ead, bi, opex, intensity, value, revenue, flags, has_model, bounds = case
    got = score_rows(ead, bi, opex, intensity, value, revenue, flags, has_model, bounds,
                     DEFAULT_FINANCIAL_BOUNDARIES)
    score, hazard, financial, status = _numpy_scores(
        ead, bi, opex, intensity, value, revenue, flags, has_model, bounds,
        DEFAULT_FINANCIAL_BOUNDARIES)
    np.testing.assert_array_equal(got["score"], np.nan_to_num(score).astype(np.int8))
    np.testing.assert_array_equal(got["hazard_score"], np.nan_to_num(hazard).astype(np.int8))
    np.testing.assert_array_equal(got["financial_score"],
                                  np.nan_to_num(financial).astype(np.int8))
    np.testing.assert_array_equal(got["status"], status)
    no_data = np.repeat(flags == 2, ead.size // value.size)
    labels = np.where(np.isnan(score), np.where(no_data, 6, 0), np.nan_to_num(score))
    np.testing.assert_array_equal(got["label"], labels)


@settings(max_examples=100, deadline=None)
@given(_rows(), st.integers(2, 4))
def test_block_sums_equal_the_pandas_group_by(case, at_least):
    ead, bi, opex, intensity, value, revenue, flags, has_model, bounds = case
    rows = ead.size
    rng = np.random.default_rng(rows)
    n_scen, n_hor = 2, 3
    types = ["office", "warehouse", "data_center"]
    scores = score_rows(ead, bi, opex, intensity, value, revenue, flags, has_model, bounds,
                        DEFAULT_FINANCIAL_BOUNDARIES)
    block = {
        "asset_type": Coded(rng.integers(0, 3, rows).astype(np.int32), pa.array(types)),
        "scenario": Coded(rng.integers(0, n_scen, rows).astype(np.int32),
                          pa.array(["ssp126", "ssp370"])),
        "horizon": Coded(rng.integers(0, n_hor, rows).astype(np.int32),
                         pa.array(["short", "mid", "long"])),
        "hazard": Coded(np.zeros(rows, np.int32), pa.array(["riverine_flood"])),
        "score": scores["score"],
        "value": np.repeat(value, rows // value.size),
        "opex_delta": opex, "capex": np.abs(opex) / 3, "bi_loss": bi, "ead": ead,
        "loss_100yr": ead * 7,
    }
    block["year"] = np.array([2027, 2031, 2050])[block["horizon"].codes]
    materiality = Materiality(score_at_least=at_least)
    got = aggregate_block(block, materiality)
    frame = pd.DataFrame({
        "hazard": "riverine_flood",
        **{k: block[k].to_pandas() for k in ("asset_type", "scenario", "horizon")},
        "score": pd.array(np.where(scores["score"] > 0, scores["score"], np.nan)),
        **{k: block[k] for k in ("value", "opex_delta", "capex", "bi_loss", "ead",
                                 "loss_100yr")},
    })
    frame["year"] = frame["horizon"].map({"short": 2027, "mid": 2031, "long": 2050}).astype(int)
    want = aggregate_physical(frame, materiality)
    keys = ["asset_type", "scenario", "horizon"]
    got = finalise_physical(combine([got]), materiality).sort_values(keys, ignore_index=True)
    want = finalise_physical(want, materiality).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)


def test_block_of_a_real_hazard_scores_and_sums():
    # one office, two scenarios x one horizon, 100-year depth 1 m: hazard class from depth
    import xarray as xr

    from climrisk.risk.chunk import AssetChunk
    from climrisk.risk.physical import LayerInput, assess_hazard
    from climrisk.risk.scoring import ScoringTable
    from climrisk.vulnerability import RiverineFloodModel

    assets = pd.DataFrame(
        {"asset_type": ["office"], "country": ["DE"], "value": [1e7], "annual_revenue": [1e6],
         "flood_protection_rp": [np.nan], "ground_floor_elevation_m": [0.0],
         "business_unit": ["bu"]},
        index=pd.Index(["a"], name="asset_id"),
    )
    depth = np.ones((1, 2, 3, 2, 1), np.float32)
    values = xr.DataArray(depth, dims=("asset", "scenario", "epoch", "return_period",
                                       "quantile"),
                          coords={"scenario": ["ssp126", "ssp370"],
                                  "epoch": ["baseline", "2030", "2050"],
                                  "return_period": [10.0, 100.0], "quantile": [0.5]})
    layer = LayerInput("flood_depth", "m", "acute_return_period", values,
                       np.zeros(1, np.int8), {"office": RiverineFloodModel()})
    block = assess_hazard("riverine_flood", [layer], AssetChunk(assets), {"long": 2050},
                          ScoringTable())
    rows = as_frame(block)
    assert rows["score"].tolist() == rows["hazard_score"].clip(lower=rows["financial_score"]
                                                              ).tolist()
    matrix = aggregate_block(block, Materiality())
    assert matrix["asset_count"].tolist() == [1, 1]
    assert matrix["asset_value_down"].tolist() == rows["ead"].tolist()
