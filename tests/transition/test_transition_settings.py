"""TransitionSettings: defaults, the [transition] TOML table, and errors naming the key."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from climrisk.errors import InputError
from climrisk.transition import DEFAULT_FX_TO_USD, TransitionSettings, default_usd_per_unit
from climrisk.transition.settings import _FIELD_INFO, per_scenario


def test_every_field_documented_with_source():
    names = {f.name for f in dataclasses.fields(TransitionSettings)}
    assert names == set(_FIELD_INFO)
    for meaning, source, _kind in _FIELD_INFO.values():
        assert meaning and source
    listed = {a["name"] for a in TransitionSettings().assumptions()}
    assert listed == {f"transition.{n}" for n in names}


def test_empty_table_gives_defaults():
    assert TransitionSettings.from_mapping({}, "run.toml") == TransitionSettings()


def test_from_toml_table(tmp_path):
    text = """
[transition]
scope2_basis = "Location"
scope1_coverage = {steps = 0.5, nze = 1.0}
price_volatility = 0.1
certificate_price = 2.5
at_risk_confidence = 0.95
revenue_by_business_unit = {cloud = 1.5e9, logistics = 4e8}
products_business_units = ["cloud", "ecommerce"]
score_thresholds = [0.002, 0.004, 0.02, 0.1]
country_regions_file = "maps/regions.csv"
reputation_benchmark = "Net Zero Emissions by 2050 Scenario"

[transition.clean_power_targets]
cloud = {year = 2030, share = 1.0}
logistics = [[2030, 0.5], {year = 2040, share = 0.9}]

[transition.fx_to_usd]
CNY = 0.14

[transition.country_regions]
HK = "Other advanced economies"
"""
    path = tmp_path / "run.toml"
    table = tomllib.loads(text)["transition"]
    s = TransitionSettings.from_mapping(table, path)
    assert s.scope2_basis == "location"
    assert per_scenario(s.scope1_coverage, "steps") == 0.5
    assert s.value_for("price_volatility", "anything") == 0.1
    assert s.certificate_price == 2.5 and s.at_risk_confidence == 0.95
    assert s.clean_power_targets == {
        "cloud": ((2030, 1.0),),
        "logistics": ((2030, 0.5), (2040, 0.9)),
    }
    assert s.fx_to_usd["CNY"] == 0.14
    assert s.fx_to_usd["EUR"] == DEFAULT_FX_TO_USD["EUR"]
    assert s.products_business_units == ("cloud", "ecommerce")
    assert s.country_regions_file == str(tmp_path / "maps" / "regions.csv")
    assert s.reputation_benchmark == "nze"


def test_unknown_key_named():
    with pytest.raises(InputError) as exc:
        TransitionSettings.from_mapping({"carbon_prise": 10}, "run.toml")
    assert exc.value.issue.column == "transition.carbon_prise"
    assert "unknown key 'carbon_prise' in [transition]" in str(exc.value)
    assert "scope1_coverage" in str(exc.value)


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"scope1_coverage": 1.5}, "transition.scope1_coverage: 1.5 must be between 0 and 1"),
        ({"scope1_coverage": {"steps": "high"}}, "transition.scope1_coverage.steps"),
        ({"scope2_basis": "average"}, "not one of market, location"),
        ({"annuity_years": 0}, "must be at least 1"),
        ({"score_thresholds": [0.1, 0.05, 0.2, 0.3]}, "strictly increasing"),
        ({"score_thresholds": [0.1, 0.2]}, "four increasing numbers"),
        ({"fx_to_usd": {"EURO": 1.1}}, "not an ISO 4217 code"),
        ({"clean_power_targets": {"cloud": {"year": 2030}}}, "exactly 'year' and 'share'"),
        ({"grid_intensity_by_country": "yes"}, "not true or false"),
        ({"material_min_score": 6}, "between 1 and 5"),
        ({"products_business_units": "cloud"}, "list of names"),
    ],
)
def test_bad_values_named(table, fragment):
    with pytest.raises(InputError) as exc:
        TransitionSettings.from_mapping(table, "run.toml")
    assert fragment in str(exc.value)
    assert str(exc.value).startswith("error: run.toml")


def test_per_scenario_default_and_missing():
    assert per_scenario({"steps": 1.0, "default": 2.0}, "nze") == 2.0
    assert per_scenario(3, "nze") == 3.0
    with pytest.raises(KeyError):
        per_scenario({"steps": 1.0}, "nze")


def test_default_fx():
    assert default_usd_per_unit("cny") == DEFAULT_FX_TO_USD["CNY"]
    with pytest.raises(InputError, match="no default FX rate for XAU"):
        default_usd_per_unit("XAU")
