"""The transition drivers: matrix identifiers, metrics and channels (contracts.md, "Results").

Thirteen drivers cover the four TCFD / IFRS S2 risk categories (policy and legal, technology,
market, reputation) and the four opportunity categories (resource efficiency, energy source,
products and services, markets). Formulas are in :mod:`climrisk.transition.evaluate` and
``docs/transition.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHANNELS",
    "CURRENCY_UNITS",
    "DEFAULT_HORIZONS",
    "DRIVERS",
    "DRIVER_BY_NAME",
    "MATRIX_COLUMNS",
    "OPPORTUNITY_CATEGORIES",
    "RISK_CATEGORIES",
    "Driver",
]

MATRIX_COLUMNS: tuple[str, ...] = (
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
)
CHANNELS: tuple[str, ...] = (
    "opex_up",
    "capex_up",
    "revenue_down",
    "revenue_up",
    "opex_down",
    "asset_value_down",
    "financing_cost_up",
)
DEFAULT_HORIZONS: dict[str, int] = {"short": 2027, "mid": 2031, "long": 2050}
RISK_CATEGORIES = ("policy_and_legal", "technology", "market", "reputation")
OPPORTUNITY_CATEGORIES = (
    "resource_efficiency",
    "energy_source",
    "products_and_services",
    "markets",
)
CURRENCY_UNITS = "<currency>"


@dataclass(frozen=True)
class Driver:
    """One transition driver: where it sits in the matrix and what it measures.

    Parameters
    ----------
    kind, category, driver
        Matrix identifiers (contracts.md).
    metric, units
        Name and units of ``metric_value`` (``<currency>`` is replaced by the report currency).
    aggregate
        ``sum`` over a business unit's assets, or ``mean`` weighted by the driver's weight.
    applies_to
        ``all``, ``data_center``, ``other_than_data_center``, ``products`` (business units in
        ``products_business_units``) or ``markets`` (``markets_business_units``).
    description
        One line for the report.
    """

    kind: str
    category: str
    driver: str
    metric: str
    units: str
    aggregate: str
    applies_to: str
    description: str


DRIVERS: tuple[Driver, ...] = (
    Driver(
        "risk",
        "policy_and_legal",
        "carbon_price",
        "priced_emissions",
        "t CO2e/yr",
        "sum",
        "all",
        "carbon price on Scope 1 and Scope 2 emissions (coverage / pass-through shares)",
    ),
    Driver(
        "risk",
        "policy_and_legal",
        "compliance_cost",
        "assets",
        "count",
        "sum",
        "all",
        "disclosure, assurance and energy-audit cost",
    ),
    Driver(
        "risk",
        "technology",
        "pue_retrofit",
        "pue_gap",
        "PUE",
        "mean",
        "data_center",
        "retrofit capex to meet the PUE limit or best-practice trajectory (annualised)",
    ),
    Driver(
        "risk",
        "technology",
        "stranded_asset_impairment",
        "value_at_risk",
        CURRENCY_UNITS,
        "sum",
        "data_center",
        "impairment of data centres that cannot meet the PUE limit (annualised)",
    ),
    Driver(
        "risk",
        "market",
        "electricity_price",
        "electricity_price_change",
        "%",
        "mean",
        "all",
        "energy cost change from the electricity price path",
    ),
    Driver(
        "risk",
        "market",
        "green_power_premium",
        "clean_power_procured",
        "MWh/yr",
        "sum",
        "all",
        "certificate / green-tariff premium for the targeted clean-power share",
    ),
    Driver(
        "risk",
        "market",
        "energy_price_volatility",
        "energy_cost_band",
        "%",
        "mean",
        "all",
        "energy cost at risk within the volatility band",
    ),
    Driver(
        "risk",
        "reputation",
        "emissions_gap",
        "excess_emissions",
        "t CO2e/yr",
        "sum",
        "all",
        "emissions above the pathway benchmark: financing-cost premium and customer loss",
    ),
    Driver(
        "opportunity",
        "resource_efficiency",
        "pue_improvement",
        "energy_saved",
        "MWh/yr",
        "sum",
        "data_center",
        "energy saved by bringing PUE to the limit",
    ),
    Driver(
        "opportunity",
        "resource_efficiency",
        "site_efficiency",
        "energy_saved",
        "MWh/yr",
        "sum",
        "other_than_data_center",
        "energy saved by on-site efficiency",
    ),
    Driver(
        "opportunity",
        "energy_source",
        "ppa_and_onsite_solar",
        "ppa_energy",
        "MWh/yr",
        "sum",
        "all",
        "PPAs and on-site solar below the grid price",
    ),
    Driver(
        "opportunity",
        "products_and_services",
        "low_carbon_cloud_demand",
        "additional_revenue",
        CURRENCY_UNITS,
        "sum",
        "products",
        "low-carbon product revenue growing with data-centre electricity demand",
    ),
    Driver(
        "opportunity",
        "markets",
        "new_markets",
        "additional_revenue",
        CURRENCY_UNITS,
        "sum",
        "markets",
        "revenue from new low-carbon regions or segments",
    ),
)
DRIVER_BY_NAME: dict[str, Driver] = {d.driver: d for d in DRIVERS}
