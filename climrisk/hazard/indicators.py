"""The fixed vocabulary of hazard layers: hazard ids, kinds, epochs and the standard indicators.

Values come from the project's hazard contract (``contracts.md``, "Hazard grid files" and
"Calculation conventions") and its table of standard layers.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ACUTE",
    "CHRONIC",
    "EPOCHS",
    "EPOCH_CENTRE_YEARS",
    "EPOCH_PERIODS",
    "HAZARDS",
    "KINDS",
    "LEADING_DIMS",
    "STANDARD_INDICATORS",
]

HAZARDS: tuple[str, ...] = (
    "extreme_heat",
    "extreme_cold",
    "riverine_flood",
    "pluvial_flood",
    "coastal_flood",
    "tropical_cyclone",
    "landslide",
    "wildfire",
    "water_stress",
    "drought",
)
"""Hazard ids allowed in ``climrisk_hazard`` (contracts.md)."""

ACUTE = "acute_return_period"
CHRONIC = "chronic_index"
KINDS: tuple[str, ...] = (ACUTE, CHRONIC)

EPOCHS: tuple[str, ...] = ("baseline", "2030", "2050")
"""Epochs every layer must have."""

EPOCH_CENTRE_YEARS: dict[str, int] = {"baseline": 2000, "2030": 2030, "2050": 2050}
"""Centre years used for horizon interpolation (contracts.md, "Calculation conventions")."""

EPOCH_PERIODS: dict[str, str] = {"baseline": "1985-2014", "2030": "2015-2044", "2050": "2035-2064"}
"""The 30-year windows behind each epoch (global attributes ``epoch_<name>``)."""

_FLOOD_RPS = (2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0)
STANDARD_INDICATORS: dict[tuple[str, str], dict[str, Any]] = {
    ("extreme_heat", "days_above_35c"): dict(
        units="day/year", kind=CHRONIC, return_periods=None,
        long_name="days per year with daily maximum temperature above 35 degC"),
    ("extreme_heat", "cooling_degree_days"): dict(
        units="K*day/year", kind=CHRONIC, return_periods=None,
        long_name="cooling degree days, base 18 degC, annual sum"),
    ("extreme_cold", "days_below_minus_10c"): dict(
        units="day/year", kind=CHRONIC, return_periods=None,
        long_name="days per year with daily minimum temperature below -10 degC"),
    ("extreme_cold", "heating_degree_days"): dict(
        units="K*day/year", kind=CHRONIC, return_periods=None,
        long_name="heating degree days, base 18 degC, annual sum"),
    ("riverine_flood", "flood_depth"): dict(
        units="m", kind=ACUTE, return_periods=_FLOOD_RPS, long_name="riverine inundation depth"),
    ("pluvial_flood", "flood_depth"): dict(
        units="m", kind=ACUTE, return_periods=_FLOOD_RPS,
        long_name="inundation depth from extreme rainfall"),
    ("coastal_flood", "flood_depth"): dict(
        units="m", kind=ACUTE, return_periods=_FLOOD_RPS,
        long_name="coastal inundation depth including sea-level rise"),
    ("tropical_cyclone", "max_wind_speed"): dict(
        units="m/s", kind=ACUTE, return_periods=(10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0),
        long_name="1-minute sustained wind speed at 10 m"),
    ("landslide", "annual_probability"): dict(
        units="1/year", kind=CHRONIC, return_periods=None,
        long_name="annual probability of a damaging precipitation-triggered landslide"),
    ("wildfire", "days_fwi_above_30"): dict(
        units="day/year", kind=CHRONIC, return_periods=None,
        long_name="days per year with Fire Weather Index above 30"),
    ("water_stress", "water_stress_ratio"): dict(
        units="1", kind=CHRONIC, return_periods=None,
        long_name="water withdrawals over available renewable water (Aqueduct bws_raw)"),
    ("drought", "consecutive_dry_days"): dict(
        units="day", kind=CHRONIC, return_periods=None,
        long_name="annual maximum run of days with less than 1 mm precipitation"),
}
"""The standard layers of the reference pack (the project's HAZARDS table): units, kind, RPs."""

LEADING_DIMS: tuple[str, ...] = ("scenario", "epoch", "return_period", "quantile")
"""Non-spatial dims of a layer, in the contract's order (the last two are optional)."""
