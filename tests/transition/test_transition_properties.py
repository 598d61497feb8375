"""Hypothesis properties of the carbon cost and the pathway interpolation."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from climrisk.transition import TransitionSettings, assess_transition, read_pathways
from climrisk.transition.pathway import CARBON_PRICE

COUNTRIES = ["CN", "US", "DE", "JP", "IN", "SG", "BR", "SA", "ZA", "GB", "MX", "RU"]
PATHWAY = read_pathways()
FLAT = TransitionSettings(grid_intensity_by_country=False)
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
emissions = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)


def _carbon(result):
    rows = result.asset_rows
    rows = rows[rows["driver"] == "carbon_price"]
    return rows.pivot_table(
        index="asset_id", columns=["scenario", "horizon"], values="financial_impact", observed=True
    )


@SLOW
@given(
    country=st.sampled_from(COUNTRIES),
    s1=st.lists(emissions, min_size=2, max_size=6),
    energy=st.lists(emissions, min_size=2, max_size=6),
    share=st.floats(0, 1),
    asset_type=st.sampled_from(["data_center", "warehouse", "office"]),
)
def test_carbon_cost_non_decreasing_in_emissions(
    make_portfolio, country, s1, energy, share, asset_type
):
    n = min(len(s1), len(energy))
    s1, energy = sorted(s1[:n]), sorted(energy[:n])
    pf = make_portfolio(
        [
            {
                "asset_type": asset_type,
                "country": country,
                "scope1_tco2e": a,
                "annual_energy_mwh": e,
                "renewable_share": share,
                "pue": 1.4,
            }
            for a, e in zip(s1, energy, strict=True)
        ]
    )
    cost = _carbon(assess_transition(pf, PATHWAY, FLAT))
    cost = cost.loc[[f"a{i}" for i in range(n)]].to_numpy()
    assert (cost >= 0).all()
    assert (np.diff(cost, axis=0) >= -1e-9 * np.abs(cost[1:]).max(initial=1.0)).all()


@SLOW
@given(
    country=st.sampled_from([*COUNTRIES, None]),
    share=st.floats(0, 1),
    basis=st.sampled_from(["market", "location"]),
)
def test_zero_emissions_zero_carbon_cost(make_portfolio, country, share, basis):
    pf = make_portfolio(
        [
            {
                "asset_type": "warehouse",
                "country": country,
                "scope1_tco2e": 0.0,
                "annual_energy_mwh": 0.0,
                "renewable_share": share,
            },
            {
                "asset_type": "data_center",
                "country": country,
                "scope1_tco2e": 0.0,
                "scope2_tco2e": 0.0,
                "annual_energy_mwh": 0.0,
                "renewable_share": share,
            },
        ]
    )
    s = TransitionSettings(scope2_basis=basis)
    cost = _carbon(assess_transition(pf, PATHWAY, s))
    assert (cost.to_numpy() == 0).all()


@SLOW
@given(country=st.sampled_from(COUNTRIES), s1=emissions, year=st.integers(2020, 2060))
def test_nze_cost_at_least_steps_where_nze_price_higher(make_portfolio, country, s1, year):
    """For the same emissions (Scope 1), a higher NZE carbon price never gives a lower cost."""
    pf = make_portfolio([{"asset_type": "office", "country": country, "scope1_tco2e": s1}])
    r = assess_transition(pf, PATHWAY, FLAT, horizons={"h": year})
    region = r.asset_rows["region"].astype(str).iloc[0]
    p_steps = PATHWAY.lookup("steps", CARBON_PRICE, year, [region])[0][0]
    p_nze = PATHWAY.lookup("nze", CARBON_PRICE, year, [region])[0][0]
    cost = _carbon(r)
    steps, nze = cost[("steps", "h")].iloc[0], cost[("nze", "h")].iloc[0]
    if p_nze >= p_steps:
        assert nze >= steps - 1e-9 * max(abs(steps), 1.0)
    assert np.isclose(steps, s1 * p_steps)


@settings(max_examples=50, deadline=None)
@given(year=st.floats(2000, 2100, allow_nan=False))
def test_interpolation_within_neighbouring_points(year):
    """The value at any year lies between the values at the surrounding pathway points."""
    pts = PATHWAY.data.query("pathway == 'nze' and region == 'China' and variable == @CARBON_PRICE")
    xs, ys = pts["year"].to_numpy(float), pts["value"].to_numpy(float)
    got = PATHWAY.lookup("nze", CARBON_PRICE, year, ["China"])[0][0]
    lo = np.searchsorted(xs, year, side="right") - 1
    lo, hi = max(lo, 0), min(lo + 1, len(xs) - 1)
    assert min(ys[lo], ys[hi]) - 1e-9 <= got <= max(ys[lo], ys[hi]) + 1e-9
