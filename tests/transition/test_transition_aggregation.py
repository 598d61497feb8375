"""The matrix with and without per-asset rows, and the matrix against the rows it sums."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from climrisk.errors import ClimriskError
from climrisk.portfolio import read_portfolio
from climrisk.transition import (
    CHANNELS,
    DRIVERS,
    TransitionSettings,
    assess_transition,
    read_pathways,
)
from climrisk.transition.drivers import DRIVER_BY_NAME
from climrisk.transition.evaluate import DriverEvaluator
from climrisk.transition.inputs import currency_factors, prepare_assets
from climrisk.transition.matrix import RowCollector
from climrisk.transition.regions import FALLBACK_REGION, read_country_regions, regions_for

REPO = Path(__file__).resolve().parents[2]
PATHWAY = read_pathways()
TYPES = ["data_center", "campus", "warehouse", "office", "retail", "other"]
COUNTRIES = ["CN", "US", "DE", "JP", "IN", "SG", "BR", "SA", "GB", "USA", "DEU", "XX", "", None]
UNITS = ["cloud", "logistics", "ecommerce", "retail", " corporate", "", None]
CUSTOM = TransitionSettings(
    grid_intensity_by_country=False,
    scope2_basis="location",
    score_basis="value",
    revenue_by_business_unit={"cloud": 2e9, "retail": 4e8, "absent": 1.0},
    clean_power_targets={"cloud": ((2030, 0.8), (2040, 1.0)), "logistics": ((2035, 0.6),)},
    products_business_units=("cloud", "retail"),
    currency="EUR",
)
HORIZONS = {"short": 2027, "mid": 2031, "long": 2050}


def _both(portfolio, transition_settings=None, **kwargs):
    with_rows = assess_transition(portfolio, PATHWAY, transition_settings, **kwargs)
    without = assess_transition(portfolio, PATHWAY, transition_settings, asset_rows=False, **kwargs)
    return with_rows, without


def _assert_same_matrix(with_rows, without):
    assert without.asset_rows is None
    assert isinstance(with_rows.asset_rows, pd.DataFrame)
    pd.testing.assert_frame_equal(without.matrix, with_rows.matrix, rtol=1e-12, atol=0.0)
    assert without.assumptions == with_rows.assumptions
    assert without.sources == with_rows.sources
    assert without.currency == with_rows.currency


def _random_rows(n: int, seed: int) -> list[dict]:
    """``n`` assets with several business units, countries and types, some values missing."""
    rng = np.random.default_rng(seed)
    nan = float("nan")

    def some(p_missing: float, lo: float, hi: float) -> np.ndarray:
        return np.where(rng.random(n) < p_missing, nan, rng.uniform(lo, hi, n))

    columns = {
        "asset_type": np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), n)],
        "country": np.array(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), n)],
        "business_unit": np.array(UNITS, dtype=object)[rng.integers(0, len(UNITS), n)],
        "value": some(0.1, 1e5, 1e9),
        "annual_revenue": some(0.2, 0.0, 1e8),
        "it_load_mw": some(0.3, 1.0, 50.0),
        "pue": some(0.3, 1.1, 2.0),
        "annual_energy_mwh": some(0.5, 0.0, 1e5),
        "renewable_share": some(0.3, 0.0, 1.0),
        "scope1_tco2e": some(0.3, 0.0, 1e4),
        "scope2_tco2e": some(0.5, 0.0, 1e4),
    }
    return [{k: v[i] for k, v in columns.items()} for i in range(n)]


# -- with and without asset rows -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["sample_portfolio.csv", "sample_portfolio_small.csv"])
@pytest.mark.parametrize("custom", [False, True])
def test_sample_portfolios_same_matrix_without_rows(name, custom):
    portfolio = read_portfolio(REPO / "assets" / name)
    with_rows, without = _both(portfolio, CUSTOM if custom else None)
    _assert_same_matrix(with_rows, without)
    assert len(with_rows.matrix) > 0


@pytest.mark.parametrize("custom", [False, True])
def test_random_portfolio_same_matrix_without_rows(make_portfolio, custom):
    portfolio = make_portfolio(_random_rows(5000, seed=7), currency="EUR")
    with_rows, without = _both(
        portfolio, CUSTOM if custom else None, horizons={**HORIZONS, "again": 2031}
    )
    _assert_same_matrix(with_rows, without)
    # several business units reach the matrix, each (driver, scenario, horizon) once per unit
    units = set(with_rows.matrix["business_unit"])
    assert {"cloud", "logistics", "corporate"} <= units
    key = ["driver", "business_unit", "scenario", "horizon"]
    assert not with_rows.matrix.duplicated(key).any()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    assets=st.lists(
        st.fixed_dictionaries(
            {
                "asset_type": st.sampled_from(TYPES),
                "country": st.sampled_from(COUNTRIES),
                "business_unit": st.sampled_from(UNITS),
                "value": st.one_of(st.just(float("nan")), st.floats(0, 1e9)),
                "annual_revenue": st.one_of(st.just(float("nan")), st.floats(0, 1e8)),
                "it_load_mw": st.one_of(st.just(float("nan")), st.floats(0, 100)),
                "pue": st.one_of(st.just(float("nan")), st.floats(1.0, 3.0)),
                "annual_energy_mwh": st.one_of(st.just(float("nan")), st.floats(0, 1e6)),
                "renewable_share": st.one_of(st.just(float("nan")), st.floats(0, 1)),
                "scope1_tco2e": st.one_of(st.just(float("nan")), st.floats(0, 1e5)),
                "scope2_tco2e": st.one_of(st.just(float("nan")), st.floats(0, 1e5)),
            }
        ),
        min_size=1,
        max_size=8,
    ),
    custom=st.booleans(),
    year=st.integers(2020, 2060),
)
def test_small_portfolios_same_matrix_without_rows(make_portfolio, assets, custom, year):
    portfolio = make_portfolio(assets)
    with_rows, without = _both(portfolio, CUSTOM if custom else None, horizons={"h": year})
    _assert_same_matrix(with_rows, without)


# -- the matrix sums the asset rows --------------------------------------------------------------
def test_matrix_sums_the_asset_rows(make_portfolio):
    """Sum drivers: metric, impact and channels per unit are the sums of the asset rows."""
    portfolio = make_portfolio(_random_rows(2000, seed=11), currency="EUR")
    result = assess_transition(portfolio, PATHWAY, CUSTOM, horizons=HORIZONS)
    rows = result.asset_rows.copy()
    for name in ("driver", "business_unit", "scenario", "horizon"):
        rows[name] = rows[name].astype(str)
    numbers = ["metric_value", "financial_impact", *CHANNELS]
    summed = rows.groupby(["driver", "business_unit", "scenario", "horizon"])[numbers].sum()
    counted = rows.groupby(["driver", "business_unit", "scenario", "horizon"]).size()
    matrix = result.matrix.set_index(["driver", "business_unit", "scenario", "horizon"])
    assert len(matrix) == len(summed)
    expected = summed.loc[matrix.index]
    drivers = matrix.index.get_level_values(0)
    is_sum = np.array([DRIVER_BY_NAME[d].aggregate == "sum" for d in drivers])
    for column in ["financial_impact", *CHANNELS]:
        np.testing.assert_allclose(
            matrix[column].to_numpy(), expected[column].to_numpy(), rtol=1e-9, atol=1e-6
        )
    np.testing.assert_allclose(
        matrix.loc[is_sum, "metric_value"].to_numpy(),
        expected.loc[is_sum, "metric_value"].to_numpy(),
        rtol=1e-9,
        atol=1e-6,
    )
    # compliance cost counts the assets of each unit
    comp = matrix.xs("compliance_cost", level="driver")["metric_value"]
    np.testing.assert_array_equal(comp.to_numpy(), counted.loc["compliance_cost"].loc[comp.index])
    # the channels add up to the impact
    np.testing.assert_allclose(
        result.matrix[list(CHANNELS)].sum(axis=1), result.matrix["financial_impact"], rtol=1e-12
    )


def test_collector_without_rows_keeps_none(make_portfolio, small_portfolio):
    s = TransitionSettings()
    notes: list[dict[str, object]] = []
    currency, fx = currency_factors(small_portfolio, s, None, notes)
    assets = prepare_assets(small_portfolio, s, fx, notes)
    evaluator = DriverEvaluator(assets, PATHWAY, s, fx, "pathway", notes)
    rows = RowCollector(evaluator, currency, keep_rows=False)
    for driver, values in evaluator.drivers("steps", 2030.0):
        rows.add(driver, values, "steps", "short", 2030)
    assert len(rows.blocks) == len(DRIVERS)  # the small portfolio has every kind of asset
    with pytest.raises(ClimriskError, match="not kept"):
        rows.asset_rows()
    assert len(rows.matrix(["steps"], ["short"], s)) > 0


def test_drivers_in_order_and_evaluate_the_same(small_portfolio):
    s = TransitionSettings()
    notes: list[dict[str, object]] = []
    _, fx = currency_factors(small_portfolio, s, None, notes)
    evaluator = DriverEvaluator(
        prepare_assets(small_portfolio, s, fx, notes), PATHWAY, s, fx, "pathway", notes
    )
    pairs = list(evaluator.drivers("nze", 2031.0))
    assert [name for name, _ in pairs] == [d.driver for d in DRIVERS]
    evaluated = evaluator.evaluate("nze", 2031.0)
    for name, values in pairs:
        assert evaluated[name].keys() == values.keys()
        for key, array in values.items():
            np.testing.assert_array_equal(evaluated[name][key], array)
            assert np.isfinite(array).all()


# -- inputs --------------------------------------------------------------------------------------
def test_prepare_assets_text_columns(make_portfolio):
    portfolio = make_portfolio(
        [
            {"asset_type": "data_center", "country": "DEU", "business_unit": " cloud "},
            {"asset_type": "warehouse", "country": None, "business_unit": ""},
            {"asset_type": None, "country": "XX", "business_unit": None},
            {"asset_type": "office", "country": " us ", "business_unit": "cloud"},
        ]
    )
    s = TransitionSettings()
    notes: list[dict[str, object]] = []
    _, fx = currency_factors(portfolio, s, None, notes)
    assets = prepare_assets(portfolio, s, fx, notes)
    assert assets["asset_type"].astype(object).tolist() == [
        "data_center",
        "warehouse",
        "other",
        "office",
    ]
    assert assets["business_unit"].astype(object).tolist() == [
        "cloud",
        "logistics",
        "corporate",
        "cloud",
    ]
    assert assets["country"].astype(object).tolist()[0] == "DE"
    assert pd.isna(assets["country"].iloc[1])
    assert assets["country"].astype(object).tolist()[2:] == ["XX", "US"]
    assert assets["region"].astype(object).tolist() == [
        "European Union",
        FALLBACK_REGION,
        FALLBACK_REGION,
        "United States",
    ]
    assert assets["is_dc"].tolist() == [True, False, False, False]
    derived = [n for n in notes if n["name"] == "transition.business_unit_from_asset_type"]
    assert derived[0]["count"] == 2
    fallback = [n for n in notes if n["name"] == "transition.region_fallback"]
    assert fallback[0]["count"] == 2


def test_regions_for_series():
    mapping = read_country_regions()
    countries = pd.Series(["CN", "chn", None, "", "XX", "US", "CN"], dtype=object)
    regions, unmapped = regions_for(countries, mapping)
    assert regions.tolist() == [
        "China",
        "China",
        FALLBACK_REGION,
        FALLBACK_REGION,
        FALLBACK_REGION,
        "United States",
        "China",
    ]
    assert unmapped.tolist() == [False, False, True, True, True, False, False]
