"""Analytic cases per driver for the three kinds of number (expected, at risk, opportunity)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from climrisk.transition import (
    TransitionPathway,
    TransitionSettings,
    assess_transition,
    read_pathways,
    target_sensitivity,
    top_transition_items,
    transition_summary,
)
from climrisk.transition.pathway import CARBON_PRICE, ELECTRICITY_PRICE, GRID_INTENSITY

FLAT = TransitionSettings(grid_intensity_by_country=False, clean_power_targets={})


def _matrix_row(result, driver, scenario, horizon="short"):
    m = result.matrix
    out = m[(m["driver"] == driver) & (m["scenario"] == scenario) & (m["horizon"] == horizon)]
    assert len(out) == 1
    return out.iloc[0]


@pytest.mark.parametrize(
    ("country", "scenario", "year", "price"),
    [
        ("ID", "nze", 2030, 90.0),  # Indonesia: IEA's selected EMDE group
        ("MY", "nze", 2030, 25.0),  # Malaysia: other EMDE
        ("ID", "nze", 2050, 200.0),
        ("US", "nze", 2040, 205.0),  # advanced economies
        ("KR", "steps", 2030, 42.0),  # Korea's WEO STEPS price
        ("CN", "steps", 2050, 53.0),
        ("DE", "steps", 2040, 98.0),
        # before the NZE group's 2030 point: from the country's own 2025 value (US: 0) to 140
        ("US", "nze", 2027, 0.4 * 140.0),
    ],
)
def test_carbon_cost_is_emissions_times_the_group_price(
    make_portfolio, country, scenario, year, price
):
    pf = make_portfolio([{"asset_type": "office", "country": country, "scope1_tco2e": 1000.0}])
    r = assess_transition(pf, settings=FLAT, scenarios=[scenario], horizons={"h": year})
    row = _matrix_row(r, "carbon_price", scenario, "h")
    assert row["metric_value"] == pytest.approx(1000.0)
    assert row["financial_impact"] == pytest.approx(1000.0 * price)
    assert row["basis"] == "expected"


def test_band_is_a_range_and_never_adds_to_expected_cost(make_portfolio):
    pf = make_portfolio(
        [
            {
                "asset_type": "office",
                "country": "DE",
                "annual_energy_mwh": 1000.0,
                "annual_revenue": 1e6,
            }
        ]
    )
    horizons = {"short": 2025}
    calm = assess_transition(
        pf, settings=TransitionSettings(price_volatility=0.0), horizons=horizons
    )
    wild = assess_transition(
        pf, settings=TransitionSettings(price_volatility=0.3), horizons=horizons
    )
    a, b = transition_summary(calm.matrix), transition_summary(wild.matrix)
    pd.testing.assert_series_equal(a["expected_cost"], b["expected_cost"])
    pd.testing.assert_series_equal(a["opportunity"], b["opportunity"])
    assert (a["cost_at_risk_high"] == 0).all() and (b["cost_at_risk_high"] > 0).all()
    # analytic: energy cost at stake x (exp(+-z sigma) - 1), 90 % two-sided
    z = NormalDist().inv_cdf(0.95)
    p = read_pathways().lookup("steps", ELECTRICITY_PRICE, 2025.0, ["European Union"])[0][0]
    row = _matrix_row(wild, "energy_price_volatility", "steps")
    assert row["basis"] == "at_risk"
    assert row["financial_high"] == pytest.approx(1000.0 * p * math.expm1(z * 0.3))
    assert row["financial_low"] == pytest.approx(1000.0 * p * math.expm1(-z * 0.3))
    assert row["financial_impact"] == row["financial_high"]
    expected = wild.matrix[wild.matrix["basis"] == "expected"]
    assert (expected["financial_low"] == expected["financial_impact"]).all()


def test_falling_prices_are_a_saving_not_a_negative_risk(make_portfolio):
    pf = make_portfolio([{"asset_type": "office", "country": "DE", "annual_energy_mwh": 1000.0}])
    r = assess_transition(pf, settings=FLAT, scenarios=["nze"], horizons={"long": 2050})
    p = read_pathways()
    p0 = p.lookup("nze", ELECTRICITY_PRICE, 2025.0, ["European Union"])[0][0]
    p1 = p.lookup("nze", ELECTRICITY_PRICE, 2050.0, ["European Union"])[0][0]
    assert p1 < p0
    assert _matrix_row(r, "electricity_price", "nze", "long")["financial_impact"] == 0.0
    saving = _matrix_row(r, "electricity_price_saving", "nze", "long")
    assert saving["kind"] == "opportunity" and saving["basis"] == "opportunity"
    assert saving["financial_impact"] == pytest.approx(1000.0 * (p0 - p1))
    risks = r.matrix[r.matrix["kind"] == "risk"]
    assert (risks["financial_impact"] >= 0).all()


def test_opportunities_identical_when_pathway_variables_are(make_portfolio):
    data = read_pathways().data
    steps = data[data["pathway"] == "steps"]
    twin = TransitionPathway(pd.concat([steps, steps.assign(pathway="nze")], ignore_index=True))
    pf = make_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "US",
                "annual_energy_mwh": 5e4,
                "pue": 1.6,
                "it_load_mw": 5.0,
                "renewable_share": 0.5,
                "annual_revenue": 1e8,
                "value": 1e8,
            },
            {
                "asset_type": "warehouse",
                "country": "CN",
                "annual_energy_mwh": 2e3,
                "annual_revenue": 5e7,
            },
        ]
    )
    r = assess_transition(pf, twin, scenarios=["steps", "nze"])
    m = r.matrix
    opp = m[m["kind"] == "opportunity"].drop(columns=["scenario"])
    a = opp.iloc[: len(opp) // 2].reset_index(drop=True)
    by = m[m["kind"] == "opportunity"]
    a = by[by["scenario"] == "steps"].drop(columns="scenario").reset_index(drop=True)
    b = by[by["scenario"] == "nze"].drop(columns="scenario").reset_index(drop=True)
    assert len(a) and a["financial_impact"].gt(0).any()
    pd.testing.assert_frame_equal(a, b)


def test_target_met_and_missed_and_certificate_price(make_portfolio):
    pf = make_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "DE",
                "business_unit": "cloud",
                "annual_energy_mwh": 1000.0,
                "renewable_share": 0.0,
                "pue": 1.2,
            }
        ]
    )
    s = TransitionSettings(
        grid_intensity_by_country=False,
        certificate_price=2.0,
        clean_power_targets={"all": ((2030, 1.0),)},
    )
    r = assess_transition(pf, settings=s, scenarios=["steps"], horizons={"mid": 2031})
    p = read_pathways()
    ef = p.lookup("steps", GRID_INTENSITY, 2031.0, ["European Union"])[0][0] / 1000.0
    cp = p.lookup("steps", CARBON_PRICE, 2031.0, ["European Union"])[0][0]
    assert _matrix_row(r, "carbon_price", "steps", "mid")["financial_impact"] == pytest.approx(0.0)
    missed = _matrix_row(r, "carbon_price_target_missed", "steps", "mid")
    assert missed["basis"] == "sensitivity" and not missed["material"]
    assert missed["financial_impact"] == pytest.approx(1000.0 * ef * cp)
    premium = _matrix_row(r, "green_power_premium", "steps", "mid")
    assert premium["financial_impact"] == pytest.approx(1000.0 * (1 - 0.3) * 1.0 * 2.0)
    sens = target_sensitivity(r.matrix)
    assert sens.loc[0, "target_missed"] == pytest.approx(1000.0 * ef * cp)
    assert sens.loc[0, "certificates"] == pytest.approx(1400.0)
    # the sensitivity is not an expected cost
    total = transition_summary(r.matrix).loc[0, "expected_cost"]
    expected = r.matrix.loc[r.matrix["basis"] == "expected", "financial_impact"].sum()
    assert total == pytest.approx(expected)


def test_category_materiality_follows_the_money(make_portfolio):
    # carbon cost 1 % of the unit's revenue: policy and legal material (score 4 >= 3)
    rows = [
        {
            "asset_type": "office",
            "country": "DE",
            "business_unit": "corp",
            "scope1_tco2e": 1000.0,
            "annual_revenue": 1000.0 * 90.0 / 0.01,
        }
    ]
    pf = make_portfolio(rows)
    r = assess_transition(pf, settings=FLAT, scenarios=["steps"], horizons={"mid": 2030})
    row = _matrix_row(r, "carbon_price", "steps", "mid")
    assert row["financial_impact"] == pytest.approx(90_000.0)
    assert row["material"]
    # the same cost against a revenue 100 times larger is not material; thresholds overridable
    rows[0]["annual_revenue"] *= 100
    r2 = assess_transition(
        make_portfolio(rows), settings=FLAT, scenarios=["steps"], horizons={"mid": 2030}
    )
    assert not _matrix_row(r2, "carbon_price", "steps", "mid")["material"]
    low = TransitionSettings(
        grid_intensity_by_country=False,
        clean_power_targets={},
        score_thresholds=(1e-6, 2e-6, 3e-6, 4e-6),
    )
    r3 = assess_transition(
        make_portfolio(rows), settings=low, scenarios=["steps"], horizons={"mid": 2030}
    )
    assert _matrix_row(r3, "carbon_price", "steps", "mid")["material"]


def test_summary_helpers(small_portfolio):
    r = assess_transition(small_portfolio)
    s = transition_summary(r.matrix)
    assert list(s.columns) == [
        "scenario",
        "horizon",
        "year",
        "expected_cost",
        "cost_at_risk_low",
        "cost_at_risk_high",
        "opportunity",
    ]
    m = r.matrix
    for _, row in s.iterrows():
        part = m[(m["scenario"] == row["scenario"]) & (m["horizon"] == row["horizon"])]
        assert row["expected_cost"] == pytest.approx(
            part.loc[part["basis"] == "expected", "financial_impact"].sum()
        )
        assert row["opportunity"] == pytest.approx(
            part.loc[part["basis"] == "opportunity", "financial_impact"].sum()
        )
        assert row["cost_at_risk_low"] <= 0 <= row["cost_at_risk_high"]
    top = top_transition_items(m, n=3)
    assert top.groupby(["scenario", "horizon"]).size().le(3).all()
    assert set(top["driver"]) <= set(m.loc[m["basis"] == "expected", "driver"])
    assert np.all(
        np.diff(top[(top["scenario"] == "steps") & (top["horizon"] == "short")]["financial_impact"])
        <= 0
    )
