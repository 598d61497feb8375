"""Adaptation measures re-run through the engine: attribute changes, benefits, validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from climrisk.adaptation import (
    Plan,
    assess_adaptation,
    default_plans,
    load_catalogue,
    settings_from_mapping,
)
from climrisk.adaptation.apply import applies_to, apply_measure
from climrisk.config import RunConfig
from climrisk.errors import InputError
from climrisk.portfolio import read_portfolio

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def portfolio():
    return read_portfolio(REPO / "assets" / "sample_portfolio_small.csv")


@pytest.fixture(scope="module")
def catalog():
    from climrisk.hazard import open_catalog

    return open_catalog(None)


def test_every_measure_names_its_sources() -> None:
    catalogue = load_catalogue()
    assert {"flood_protection", "dry_floodproofing", "wet_floodproofing", "elevate_equipment",
            "cyclone_hardening", "closed_loop_cooling"} <= set(catalogue)
    for measure in catalogue.values():
        assert len(measure.effect_source) > 40 and len(measure.cost_source) > 20
        assert 0 < measure.capex_share < 0.1 and measure.lifetime_years >= 10


def test_protection_is_raised_never_lowered(portfolio) -> None:
    measure = load_catalogue()["flood_protection"]
    out = apply_measure(portfolio.assets, measure)
    before = portfolio.assets["flood_protection_rp"].fillna(0).to_numpy()
    assert (out["flood_protection_rp"].to_numpy() == np.maximum(before, 100)).all()
    assert (portfolio.assets["flood_protection_rp"].fillna(0).to_numpy() == before).all()


def test_floor_offset_adds_height(portfolio) -> None:
    measure = load_catalogue()["dry_floodproofing"]
    out = apply_measure(portfolio.assets, measure)
    before = portfolio.assets["ground_floor_elevation_m"].fillna(0).to_numpy()
    assert np.allclose(out["ground_floor_elevation_m"].to_numpy(), before + 0.9)


def test_closed_loop_cooling_only_for_water_cooled_data_centres(portfolio) -> None:
    measure = load_catalogue()["closed_loop_cooling"]
    fits = applies_to(measure, portfolio.assets)
    chosen = portfolio.assets[fits]
    assert len(chosen) and (chosen["asset_type"] == "data_center").all()
    assert chosen["cooling"].astype(str).isin(["evaporative", "hybrid"]).all()


def test_benefit_comes_from_the_engine(portfolio, catalog) -> None:
    """Higher protection avoids flood loss only; a standard already met avoids nothing."""
    catalogue = load_catalogue()
    asset = "RT-CN-001"  # Shanghai shop with flood losses
    plans = [Plan(catalogue["flood_protection"].with_parameter(1000), (asset,)),
             Plan(catalogue["flood_protection"].with_parameter(5), (asset,), capex=1e6, opex=0.0)]
    out = assess_adaptation(portfolio, RunConfig(pdf=False), plans, catalog=catalog,
                            discount_rate=0.0)
    raised = out[out["parameter"] == "1000"]
    same = out[out["parameter"] == "5"]
    assert (raised["pv_benefit"] > 0).all()
    assert (raised["loss_after_long"] < raised["loss_before_long"]).all()
    assert np.allclose(same["pv_benefit"], 0.0) and np.allclose(same["pv_cost"], 1e6)
    assert np.allclose(same["residual_share"], 1.0)
    capex = 0.02 * 12e6
    assert np.allclose(raised["capex"], capex)
    years = raised["appraisal_end"].iloc[0] - raised["appraisal_start"].iloc[0] + 1
    assert np.allclose(raised["pv_cost"], capex + years * 0.01 * capex)
    assert np.allclose(raised["bcr"], raised["pv_benefit"] / raised["pv_cost"])


def test_cyclone_hardening_lowers_wind_damage(portfolio, catalog) -> None:
    plan = Plan(load_catalogue()["cyclone_hardening"], ("WH-US-002",))
    out = assess_adaptation(portfolio, RunConfig(pdf=False), [plan], catalog=catalog)
    assert (out["pv_benefit"] > 0).all()
    assert ((out["residual_share"] > 0) & (out["residual_share"] < 1)).all()


def test_default_plans_pick_the_top_sites(portfolio) -> None:
    results = pd.DataFrame({
        "asset_id": ["WH-BD-001", "WH-BD-001", "OF-HK-001"],
        "hazard": ["riverine_flood", "tropical_cyclone", "extreme_heat"],
        "scenario": "ssp370", "horizon": "long",
        "ead": [5.0, 1.0, 100.0], "bi_loss": 0.0, "opex_delta": 0.0,
    })
    plans = default_plans(results, portfolio.assets, "long", 1)
    ids = {p.measure.id: p.asset_ids for p in plans}
    # OF-HK-001 has the larger impact but no measure fits heat; top 1 is still OF-HK-001
    assert ids == {}
    plans = default_plans(results, portfolio.assets, "long", 2)
    ids = {p.measure.id: p.asset_ids for p in plans}
    assert ids["flood_protection"] == ("WH-BD-001",)
    assert ids["cyclone_hardening"] == ("WH-BD-001",)
    assert "closed_loop_cooling" not in ids


@pytest.mark.parametrize(("raw", "column"), [
    ({"discount_rate": 1.5}, "adaptation.discount_rate"),
    ({"bogus": 1}, "adaptation.bogus"),
    ({"measures": [{"measure": "moat"}]}, "measure"),
    ({"measures": [{"measure": "flood_protection", "capex": -1}]}, "capex"),
    ({"measures": [{"measure": "flood_protection", "assets": "DC-1"}]}, "assets"),
])
def test_bad_settings_name_the_key(raw, column) -> None:
    with pytest.raises(InputError) as info:
        settings_from_mapping(raw, "run.toml")
    assert info.value.issues[0].column == column
    assert "run.toml" in str(info.value.issues[0])
