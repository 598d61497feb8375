"""The transition drivers: matrix identifiers, metrics and channels (contracts.md, "Results").

Thirteen drivers cover the four TCFD / IFRS S2 risk categories (policy and legal, technology,
market, reputation) and the four opportunity categories (resource efficiency, energy source,
products and services, markets). Formulas are in :mod:`climrisk.transition.evaluate` and
``docs/transition.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BASES",
    "CHANNELS",
    "CURRENCY_UNITS",
    "DEFAULT_HORIZONS",
    "DRIVERS",
    "DRIVER_BY_NAME",
    "EXTRA_COLUMNS",
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
# Added after the channels (contract additions, docs/transition.md section 6): the kind of number
# and its range. Rows of different bases are never added together.
EXTRA_COLUMNS: tuple[str, ...] = ("basis", "financial_low", "financial_high")
BASES: dict[str, str] = {
    "expected": "expected annual cost (risks) under the pathway",
    "at_risk": "cost at risk: a range at a stated confidence, not an expected cost",
    "opportunity": "expected annual benefit (opportunities)",
    "sensitivity": "what-if: the expected cost if a company target is not met",
}
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
    basis
        Kind of number (:data:`BASES`): ``expected``, ``at_risk``, ``opportunity`` or
        ``sensitivity``.
    """

    kind: str
    category: str
    driver: str
    metric: str
    units: str
    aggregate: str
    applies_to: str
    description: str
    basis: str = "expected"


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
        "carbon_price_target_missed",
        "priced_emissions",
        "t CO2e/yr",
        "sum",
        "targets",
        "carbon cost if the clean-power target is not met (share stays at today's)",
        "sensitivity",
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
        "energy cost increase from the electricity price path",
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
        "energy cost at risk from electricity-price volatility (range at a stated confidence)",
        "at_risk",
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
        "opportunity",
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
        "opportunity",
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
        "opportunity",
    ),
    Driver(
        "opportunity",
        "energy_source",
        "electricity_price_saving",
        "energy_cost_saved",
        CURRENCY_UNITS,
        "sum",
        "all",
        "energy cost saving where the electricity price or premium falls below today's",
        "opportunity",
    ),
    Driver(
        "opportunity",
        "products_and_services",
        "low_carbon_cloud_demand",
        "customer_emissions_avoided",
        "t CO2e/yr",
        "sum",
        "products",
        "price premium from customers' avoided carbon cost on low-carbon compute",
        "opportunity",
    ),
    Driver(
        "opportunity",
        "markets",
        "new_markets",
        "additional_revenue",
        CURRENCY_UNITS,
        "sum",
        "markets",
        "revenue from new low-carbon segments growing with the renewables share",
        "opportunity",
    ),
)
DRIVER_BY_NAME: dict[str, Driver] = {d.driver: d for d in DRIVERS}
