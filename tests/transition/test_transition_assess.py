"""assess_transition: analytic values, the matrix contract, scores, currencies, user pathways."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from climrisk.errors import InputError
from climrisk.transition import (
    CHANNELS,
    EXTRA_COLUMNS,
    MATRIX_COLUMNS,
    TransitionSettings,
    assess_transition,
    read_pathways,
)
from climrisk.transition.metrics import annuity_factor
from climrisk.transition.pathway import CARBON_PRICE, GRID_INTENSITY, PUE_LIMIT, RENEWABLE_SHARE

# contracts.md, "Results", transition_matrix.csv, in order
CONTRACT_COLUMNS = [
    "kind",
    "category",
    "driver",
    "business_unit",
    "scenario",
    "horizon",
    "year",
    "metric",
    "metric_value",
    "metric_units",
    "financial_impact",
    "score",
    "material",
]
RISKS = {"policy_and_legal", "technology", "market", "reputation"}
OPPORTUNITIES = {"resource_efficiency", "energy_source", "products_and_services", "markets"}
NO_COUNTRY_SCALING = {"grid_intensity_by_country": False}


@pytest.fixture
def user_pathway(tmp_path, user_pathway_text):
    path = tmp_path / "user.csv"
    path.write_text(user_pathway_text, encoding="utf-8")
    return read_pathways(path)


def _row(result, driver, scenario="steps", horizon="short", asset=None):
    rows = result.asset_rows
    sel = (rows["driver"] == driver) & (rows["scenario"] == scenario) & (rows["horizon"] == horizon)
    if asset is not None:
        sel &= rows["asset_id"] == asset
    out = rows[sel]
    assert len(out) == 1
    return out.iloc[0]


# -- the matrix contract -----------------------------------------------------------------------
def test_matrix_columns_and_all_categories_present(small_portfolio):
    r = assess_transition(small_portfolio)
    assert list(MATRIX_COLUMNS) == CONTRACT_COLUMNS
    assert list(r.matrix.columns) == [*CONTRACT_COLUMNS, *CHANNELS, *EXTRA_COLUMNS]
    m = r.matrix
    assert set(m.loc[m["kind"] == "risk", "category"]) == RISKS
    assert set(m.loc[m["kind"] == "opportunity", "category"]) == OPPORTUNITIES
    combos = m.groupby(["kind", "category"])[["scenario", "horizon"]].apply(
        lambda g: set(zip(g["scenario"], g["horizon"], strict=True))
    )
    full = {(s, h) for s in ("steps", "nze") for h in ("short", "mid", "long")}
    assert all(c == full for c in combos)
    assert set(m["business_unit"]) == {"cloud", "logistics", "corporate"}
    assert m["score"].between(1, 5).all()
    assert m["material"].dtype == bool
    assert dict(zip(m["horizon"], m["year"], strict=False)) == {
        "short": 2027,
        "mid": 2031,
        "long": 2050,
    }
    # channels add up to the financial impact, in the matrix and per asset
    assert_allclose(m[list(CHANNELS)].sum(axis=1), m["financial_impact"])
    rows = r.asset_rows
    assert_allclose(rows[list(CHANNELS)].sum(axis=1), rows["financial_impact"])
    # the matrix is the business-unit aggregate of the asset rows
    total = rows.groupby(["driver", "scenario", "horizon"], observed=True)["financial_impact"].sum()
    mtot = m.groupby(["driver", "scenario", "horizon"])["financial_impact"].sum()
    assert_allclose(mtot.sort_index(), total.sort_index().reindex(mtot.sort_index().index))
    # only data-centre units get PUE rows; products only for cloud
    assert set(m.loc[m["driver"] == "pue_retrofit", "business_unit"]) == {"cloud"}
    assert set(m.loc[m["category"] == "products_and_services", "business_unit"]) == {"cloud"}
    assert {a["name"] for a in r.assumptions} >= {
        "transition.scope2_basis",
        "transition.energy_from_it_load",
    }
    assert r.sources[0]["sha256"]


def test_unknown_scenario_lists_available(small_portfolio):
    with pytest.raises(InputError) as exc:
        assess_transition(small_portfolio, scenarios=("steps", "cps"))
    assert "unknown pathway scenario 'cps'; available: steps, nze" in str(exc.value)


def test_scenario_names_and_horizons(small_portfolio):
    r = assess_transition(
        small_portfolio, scenarios=["Stated Policies Scenario"], horizons={"y2040": 2040}
    )
    assert set(r.matrix["scenario"]) == {"steps"}
    assert set(r.matrix["horizon"]) == {"y2040"}
    with pytest.raises(InputError, match="is not a year"):
        assess_transition(small_portfolio, horizons={"short": "soon"})


# -- analytic values ---------------------------------------------------------------------------
def test_carbon_cost_between_pathway_points(make_portfolio, user_pathway):
    """(S1 x coverage + E x intensity x pass-through) x price, at 2027 between 2025 and 2030."""
    pf = make_portfolio(
        [
            {
                "asset_type": "office",
                "country": "FR",
                "annual_energy_mwh": 1000.0,
                "renewable_share": 0.0,
                "scope1_tco2e": 100.0,
            }
        ]
    )
    settings = TransitionSettings(
        scope1_coverage=0.8, scope2_pass_through=0.5, **NO_COUNTRY_SCALING
    )
    price_2027 = 10 + (20 - 10) * 2 / 5  # user file: 10 (2025), 20 (2030) US$/t
    intensity_2027 = 0.5 + (0.4 - 0.5) * 2 / 5  # 0.5 -> 0.4 t/MWh
    expected = (100 * 0.8 + 1000 * intensity_2027 * 0.5) * price_2027
    for basis in ("market", "location"):
        r = assess_transition(
            pf,
            user_pathway,
            TransitionSettings(
                scope1_coverage=0.8,
                scope2_pass_through=0.5,
                scope2_basis=basis,
                **NO_COUNTRY_SCALING,
            ),
            scenarios=["steps"],
        )
        row = _row(r, "carbon_price")
        assert row["financial_impact"] == pytest.approx(expected)
        assert row["metric_value"] == pytest.approx(100 * 0.8 + 1000 * intensity_2027 * 0.5)
    # the same in another currency: CNY portfolio, CNY report
    pf_cny = make_portfolio(
        [
            {
                "asset_type": "office",
                "country": "FR",
                "annual_energy_mwh": 1000.0,
                "renewable_share": 0.0,
                "scope1_tco2e": 100.0,
            }
        ],
        currency="CNY",
    )
    r = assess_transition(pf_cny, user_pathway, settings, scenarios=["steps"])
    assert r.currency == "CNY"
    assert _row(r, "carbon_price")["financial_impact"] == pytest.approx(
        expected / settings.fx_to_usd["CNY"]
    )
    # and converted on request
    r = assess_transition(pf, user_pathway, settings, scenarios=["steps"], currency="EUR")
    assert _row(r, "carbon_price")["financial_impact"] == pytest.approx(
        expected / settings.fx_to_usd["EUR"]
    )


def test_market_scope2_follows_clean_power_target(make_portfolio, user_pathway):
    pf = make_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "FR",
                "business_unit": "cloud",
                "annual_energy_mwh": 2000.0,
                "pue": 1.3,
                "renewable_share": 0.4,
                "scope2_tco2e": 300.0,
            }
        ]
    )
    settings = TransitionSettings(scope2_pass_through=1.0, **NO_COUNTRY_SCALING)
    r = assess_transition(pf, user_pathway, settings, scenarios=["steps"])
    clean_2027 = 0.4 + (1.0 - 0.4) * 2 / 5  # ramp to 100 % in 2030
    s2 = 300 * (1 - clean_2027) / (1 - 0.4) * (0.46 / 0.5)
    row = _row(r, "carbon_price")
    assert row["metric_value"] == pytest.approx(s2)
    assert row["financial_impact"] == pytest.approx(s2 * 14.0)
    assert _row(r, "carbon_price", horizon="mid")["financial_impact"] == pytest.approx(0.0)
    # location basis ignores the clean-power purchases
    r = assess_transition(
        pf,
        user_pathway,
        TransitionSettings(scope2_basis="location", **NO_COUNTRY_SCALING),
        scenarios=["steps"],
    )
    assert _row(r, "carbon_price")["metric_value"] == pytest.approx(2000 * 0.46)


def test_pue_retrofit_and_impairment(make_portfolio):
    pf = make_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "CN",
                "value": 1e8,
                "it_load_mw": 10.0,
                "pue": 1.5,
            },
            {
                "asset_type": "data_center",
                "country": "CN",
                "value": 2e8,
                "it_load_mw": 10.0,
                "pue": 1.9,
            },
        ]
    )
    s = TransitionSettings()
    r = assess_transition(pf, settings=s, scenarios=["steps"])
    p = read_pathways()
    limit = p.lookup("steps", PUE_LIMIT, 2031, ["China"])[0][0]
    crf = annuity_factor(0.08, 15)
    gap0 = 1.5 - limit
    row = _row(r, "pue_retrofit", horizon="mid", asset="a0")
    assert row["metric_value"] == pytest.approx(gap0)
    assert row["capex_up"] == pytest.approx(10 * gap0 / 0.1 * 250_000 * crf)
    # the second cannot close its gap: retrofit capped at 0.3, impairment of 20 % of value
    row = _row(r, "pue_retrofit", horizon="mid", asset="a1")
    assert row["capex_up"] == pytest.approx(10 * 3 * 250_000 * crf)
    imp = _row(r, "stranded_asset_impairment", horizon="mid", asset="a1")
    assert imp["metric_value"] == pytest.approx(2e8)
    assert imp["asset_value_down"] == pytest.approx(2e8 * 0.2 * crf)
    assert _row(r, "stranded_asset_impairment", horizon="mid", asset="a0")["financial_impact"] == 0
    # energy saved by closing the gap: IT energy x (reduction a retrofit delivers)
    energy = 10 * 1.5 * 8760 * 0.6
    saved = _row(r, "pue_improvement", horizon="mid", asset="a0")
    assert saved["metric_value"] == pytest.approx(energy / 1.5 * gap0)


def test_products_value_customers_avoided_carbon_cost(make_portfolio):
    # a US data centre on 100 % clean power: customers avoid the grid's emissions on its energy
    pf = make_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "US",
                "annual_revenue": 1e8,
                "annual_energy_mwh": 10_000.0,
                "renewable_share": 1.0,
                "pue": 1.2,
            }
        ]
    )
    s = TransitionSettings(grid_intensity_by_country=False)
    r = assess_transition(pf, settings=s, scenarios=["nze"], horizons={"mid": 2035})
    p = read_pathways()
    ef = p.lookup("nze", GRID_INTENSITY, 2035.0, ["United States"])[0][0] / 1000.0
    cp = p.lookup("nze", CARBON_PRICE, 2035.0, ["Advanced economies"])[0][0]
    row = _row(r, "low_carbon_cloud_demand", scenario="nze", horizon="mid")
    assert row["metric_value"] == pytest.approx(10_000.0 * ef)
    assert row["revenue_up"] == pytest.approx(10_000.0 * ef * cp * 0.5)
    # new markets grow with the renewables share of generation (a pathway variable)
    share = p.lookup("nze", RENEWABLE_SHARE, 2035.0, ["United States"])[0][0]
    share0 = p.lookup("nze", RENEWABLE_SHARE, 2025.0, ["United States"])[0][0]
    assert _row(r, "new_markets", scenario="nze", horizon="mid")["revenue_up"] == pytest.approx(
        1e8 * 0.05 * (share - share0) * 0.2
    )


def test_scores_and_materiality(make_portfolio):
    pf = make_portfolio([{"asset_type": "office", "country": "FR", "annual_revenue": 1e6}])
    s = TransitionSettings(compliance_cost_per_asset=6000.0)  # 0.6 % of revenue -> score 3
    m = assess_transition(pf, settings=s, scenarios=["steps"]).matrix
    row = m[(m["driver"] == "compliance_cost") & (m["horizon"] == "short")].iloc[0]
    assert (row["score"], row["material"]) == (3, True)
    s = TransitionSettings(compliance_cost_per_asset=6000.0, material_min_score=4)
    m = assess_transition(pf, settings=s, scenarios=["steps"]).matrix
    assert not m.loc[m["driver"] == "compliance_cost", "material"].any()
    s = TransitionSettings(
        compliance_cost_per_asset=6000.0, score_thresholds=(0.01, 0.02, 0.03, 0.04)
    )
    m = assess_transition(pf, settings=s, scenarios=["steps"]).matrix
    assert (m.loc[m["driver"] == "compliance_cost", "score"] == 1).all()
    # configured revenue replaces the assets' revenue as the denominator
    s = TransitionSettings(
        compliance_cost_per_asset=6000.0, revenue_by_business_unit={"corporate": 1e5}
    )
    m = assess_transition(pf, settings=s, scenarios=["steps"]).matrix
    assert (m.loc[m["driver"] == "compliance_cost", "score"] == 5).all()


# -- pathways ----------------------------------------------------------------------------------
def test_user_file_replaces_default(make_portfolio, user_pathway):
    pf = make_portfolio(
        [
            {
                "asset_type": "warehouse",
                "country": "CN",
                "scope1_tco2e": 1000.0,
                "annual_energy_mwh": 0.0,
            }
        ]
    )
    r = assess_transition(pf, user_pathway)
    assert _row(r, "carbon_price")["financial_impact"] == pytest.approx(1000 * 14.0)
    assert _row(r, "carbon_price", scenario="nze")["financial_impact"] == pytest.approx(
        1000 * (20 + 80 * 2 / 5)
    )
    names = [a["name"] for a in r.assumptions]
    assert "transition.region_world_fallback" in names
    assert "transition.pathway_supplemented" in names
    assert r.sources[0]["licence"] == "as licensed to the user"


def test_region_without_data_and_without_world(tmp_path, make_portfolio, wide):
    text = wide(
        [
            "M,steps,China,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
            "M,steps,China,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
        ]
    )
    path = tmp_path / "china.csv"
    path.write_text(text, encoding="utf-8")
    pf = make_portfolio([{"asset_type": "office", "country": "FR"}])
    with pytest.raises(
        InputError, match=re.escape("no 'Price|Carbon' for region(s) European Union")
    ):
        assess_transition(pf, read_pathways(path), scenarios=["steps"])
    # mapping France to China in the configuration makes it run
    s = TransitionSettings(country_regions={"FR": "China"})
    assert len(assess_transition(pf, read_pathways(path), s, scenarios=["steps"]).matrix)


def test_missing_fx_rate(make_portfolio):
    pf = make_portfolio([{"asset_type": "office"}], currency="XAU")
    with pytest.raises(InputError, match="no FX rate for the report currency XAU"):
        assess_transition(pf)
    with pytest.raises(InputError, match="no FX rate for the portfolio currency XAU"):
        assess_transition(pf, currency="USD")


def test_asset_rows_table(small_portfolio):
    rows = assess_transition(small_portfolio).asset_rows
    assert list(rows.columns[:5]) == [
        "asset_id",
        "asset_type",
        "business_unit",
        "country",
        "region",
    ]
    assert set(rows.loc[rows["asset_id"] == "a3", "region"].astype(str)) == {"Southeast Asia"}
    per_asset = rows.groupby(["asset_id", "scenario", "horizon"], observed=True).size()
    # a cloud data centre: all but site_efficiency (its unit has the clean-power target)
    assert per_asset.loc["a0"].eq(14).all()
    assert per_asset.loc["a2"].eq(10).all()  # logistics warehouse: no PUE, no products, no target
    assert isinstance(rows, pd.DataFrame)
