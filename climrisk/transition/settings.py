"""Company-level inputs and assumptions of the transition assessment (``[transition]`` in TOML).

Every field has a documented default and a source; :meth:`TransitionSettings.assumptions` lists
them for the manifest. Money figures are in :attr:`TransitionSettings.currency` (USD by default)
and converted with :attr:`TransitionSettings.fx_to_usd`. Per-scenario figures are either one
number or a table keyed by pathway id (``steps``, ``nze``, ...) with an optional ``default``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from climrisk.errors import InputError
from climrisk.vocabulary import VOCABULARY

__all__ = [
    "DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE",
    "DEFAULT_FX_TO_USD",
    "FX_SOURCE",
    "TransitionSettings",
    "default_usd_per_unit",
    "per_scenario",
]

PerScenario = float | Mapping[str, float]

# USD per unit of currency: approximate 2024 annual averages (US Federal Reserve H.10 and ECB
# euro reference rates), rounded; confidence: unverified. Override with your finance team's rates.
DEFAULT_FX_TO_USD: dict[str, float] = {
    "USD": 1.0,
    "CNY": 0.1389,
    "HKD": 0.1280,
    "TWD": 0.0311,
    "EUR": 1.082,
    "GBP": 1.278,
    "CHF": 1.136,
    "SEK": 0.0948,
    "NOK": 0.0930,
    "DKK": 0.1451,
    "PLN": 0.2513,
    "CZK": 0.0431,
    "HUF": 0.00273,
    "TRY": 0.0305,
    "JPY": 0.00661,
    "KRW": 0.000733,
    "SGD": 0.748,
    "MYR": 0.2186,
    "THB": 0.0284,
    "IDR": 0.0000631,
    "PHP": 0.0174,
    "VND": 0.0000394,
    "INR": 0.01196,
    "AUD": 0.660,
    "NZD": 0.608,
    "CAD": 0.730,
    "MXN": 0.0546,
    "BRL": 0.1857,
    "CLP": 0.00106,
    "COP": 0.000245,
    "PEN": 0.266,
    "ZAR": 0.0546,
    "AED": 0.2723,
    "SAR": 0.2667,
    "QAR": 0.2747,
    "KWD": 3.26,
    "ILS": 0.2702,
}
FX_SOURCE = (
    "approximate 2024 annual averages (US Federal Reserve H.10 / ECB euro reference rates), "
    "rounded; unverified: replace with the rates used in the financial statements"
)


def default_usd_per_unit(currency: str) -> float:
    """USD per unit of ``currency`` from the default FX table (:data:`DEFAULT_FX_TO_USD`).

    Raises
    ------
    climrisk.errors.InputError
        When the table has no rate for the currency (add one under ``[transition.fx_to_usd]``).
    """
    code = str(currency).strip().upper()
    if code not in DEFAULT_FX_TO_USD:
        raise InputError(
            "configuration",
            f"no default FX rate for {code}; give USD per unit in the configuration "
            f"(known: {', '.join(sorted(DEFAULT_FX_TO_USD))})",
            column="fx_to_usd",
        )
    return DEFAULT_FX_TO_USD[code]


# contracts.md "Asset file": business_unit is optional; when missing it is derived from asset_type.
DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE: dict[str, str] = (
    VOCABULARY.business_unit_by_asset_type
)

_ASSUMPTION = "assumption (illustrative; documented in docs/transition.md)"


# name -> (meaning, source, parser kind); the single documentation table of the settings.
_FIELD_INFO: dict[str, tuple[str, str, str]] = {
    "base_year": (
        "year from which changes (prices, targets, growth) are measured [year]",
        "first point of the default pathway table",
        "int",
    ),
    "currency": (
        "currency of the money figures in these settings (ISO 4217)",
        "convention",
        "currency",
    ),
    "revenue_by_business_unit": (
        "annual revenue per business unit [currency/yr]; empty: sum of the assets' annual_revenue",
        "company input",
        "money_map",
    ),
    "business_unit_by_asset_type": (
        "business unit of an asset without business_unit, by asset_type",
        "climrisk convention (data_center->cloud, warehouse->logistics, retail->retail, others->"
        "corporate)",
        "str_map",
    ),
    "clean_power_targets": (
        "clean-power share targets per business unit ('all' for every unit without its own): "
        "(year, share) points; the share ramps linearly from each asset's renewable_share in "
        "base_year to the first target",
        "company target (sample: 100 % clean power for cloud from 2030, FY2026 ESG report)",
        "targets",
    ),
    "scope2_basis": (
        "Scope 2 basis for the carbon cost: 'market' (after clean-power purchases) or "
        "'location' (grid average)",
        "GHG Protocol Scope 2 Guidance (WRI/WBCSD 2015)",
        "basis",
    ),
    "scope1_coverage": (
        "share of Scope 1 emissions that bears the carbon price",
        "assumption: all direct emissions priced (upper bound)",
        "scenario_share",
    ),
    "scope2_pass_through": (
        "share of the power sector's carbon cost passed through to the company's Scope 2; set "
        "0 when the electricity price path already includes carbon pass-through",
        "assumption (upper bound); Sijm, Neuhoff and Chen (2006), Climate Policy 6(1):49-72, "
        "doi:10.1080/14693062.2006.9685588 estimate 60-100 % for wholesale power",
        "scenario_share",
    ),
    "grid_intensity_by_country": (
        "scale each region's grid-intensity path to the asset's country level (Ember)",
        "Ember yearly electricity data via co2.js, CC BY-SA 4.0",
        "bool",
    ),
    "compliance_cost_per_asset": (
        "disclosure, assurance and energy-audit cost per asset [currency/yr]",
        _ASSUMPTION,
        "scenario_money",
    ),
    "retrofit_cost_per_mw_per_0_1_pue": (
        "capex to cut a data centre's PUE by 0.1 per MW of IT load [currency/MW]",
        _ASSUMPTION,
        "money",
    ),
    "max_pue_reduction": (
        "largest PUE reduction a retrofit can deliver; a larger gap means impairment risk [PUE]",
        _ASSUMPTION,
        "nonneg",
    ),
    "impairment_share": (
        "share of value impaired when a data centre cannot meet the PUE limit",
        _ASSUMPTION,
        "share",
    ),
    "annuity_rate": (
        "discount rate to annualise one-off capex and impairment [1/yr]",
        _ASSUMPTION,
        "share",
    ),
    "annuity_years": (
        "annuity period for capex and impairment [yr]",
        _ASSUMPTION,
        "posint",
    ),
    "price_volatility": (
        "annual volatility (standard deviation of the log) of the electricity price paid",
        "assumption (illustrative): order of year-on-year changes of large-consumer tariffs "
        "outside crisis years; the same for every pathway unless given per pathway",
        "scenario_share",
    ),
    "at_risk_confidence": (
        "two-sided confidence of the cost-at-risk range (0.9: 5th to 95th percentile)",
        "climrisk convention (lognormal price change over one year)",
        "confidence",
    ),
    "certificate_price": (
        "price of renewable certificates / green tariffs [currency/MWh]; empty: the pathway's "
        "Price|Green Power Premium",
        "company input",
        "optional_money",
    ),
    "ppa_share_of_clean": (
        "share of clean power bought through PPAs or made on site (the rest: certificates)",
        _ASSUMPTION,
        "share",
    ),
    "ppa_discount_to_grid": (
        "PPA / on-site solar cost below the grid price (share of the grid price)",
        _ASSUMPTION,
        "scenario_share",
    ),
    "efficiency_gain_per_year": (
        "on-site energy-efficiency gain of non-data-centre assets [1/yr]",
        "assumption, the same for every pathway: about the world's recent energy-intensity "
        "improvement (1-2 %/yr, IEA Energy Efficiency 2023, recalled); NZE's 4 %/yr to 2030 "
        "(IEA Net Zero by 2050, 2021) is an upper bound",
        "scenario_share",
    ),
    "max_efficiency_gain": (
        "cap on the cumulative on-site efficiency gain",
        _ASSUMPTION,
        "share",
    ),
    "reputation_benchmark": (
        "pathway whose grid intensity is the sector benchmark for the emissions gap",
        "Paris-aligned benchmark (TPI / SBTi practice)",
        "scenario_name",
    ),
    "debt_share_of_value": (
        "debt financing as a share of asset value",
        _ASSUMPTION,
        "share",
    ),
    "financing_premium": (
        "extra cost of debt at full misalignment with the benchmark [1/yr]",
        "assumption; carbon premia of a few to tens of basis points are reported, e.g. Ehlers, "
        "Packer and de Greiff (2022), J. Banking & Finance 136:106180, "
        "doi:10.1016/j.jbankfin.2021.106180",
        "scenario_share",
    ),
    "customer_loss_share": (
        "share of revenue lost at full misalignment with the benchmark",
        _ASSUMPTION,
        "scenario_share",
    ),
    "products_business_units": (
        "business units whose low-carbon products grow with data-centre demand",
        "FY2026 ESG report Table 3 (cloud)",
        "str_tuple",
    ),
    "low_carbon_capture_share": (
        "share of a customer's avoided carbon cost (grid intensity minus the provider's, times "
        "the carbon price) captured as a price premium on low-carbon compute",
        _ASSUMPTION,
        "share",
    ),
    "opportunity_margin": (
        "operating margin on additional revenue (the benefit counted)",
        _ASSUMPTION,
        "share",
    ),
    "markets_business_units": (
        "business units that can enter new low-carbon regions or segments",
        _ASSUMPTION,
        "str_tuple",
    ),
    "new_market_entry_share": (
        "revenue from new low-carbon segments per unit rise of the region's renewables share "
        "of generation since base_year (share of revenue)",
        _ASSUMPTION,
        "share",
    ),
    "reputation_gap_share": (
        "reputation is material where a business unit's emissions exceed the benchmark "
        "pathway's by at least this share of its emissions",
        "climrisk rule on TPI's carbon-performance alignment test (a company is aligned when its "
        "intensity is at or below the benchmark path)",
        "share",
    ),
    "fx_to_usd": (
        "USD per unit of currency; entries given add to or replace the defaults",
        FX_SOURCE,
        "fx",
    ),
    "score_thresholds": (
        "financial impact / business-unit revenue at which the score becomes 2, 3, 4, 5",
        "climrisk convention (0.1 %, 0.5 %, 1 %, 5 % of revenue)",
        "thresholds",
    ),
    "score_basis": (
        "denominator of the score: 'revenue' (value when a unit has no revenue) or 'value'",
        "climrisk convention",
        "score_basis",
    ),
    "material_min_score": (
        "a row is material when its score is at least this",
        "climrisk convention",
        "score",
    ),
    "material_min_impact": (
        "... and its financial impact at least this [report currency/yr]",
        "climrisk convention",
        "nonneg",
    ),
    "country_regions": (
        "country (ISO alpha-2/3) -> pathway region overrides",
        "company input",
        "str_map",
    ),
    "country_regions_file": (
        "CSV (country, region) replacing the embedded country map (path relative to the run file)",
        "company input",
        "path",
    ),
}


@dataclass(frozen=True)
class TransitionSettings:
    """Company-level inputs and assumptions of the transition assessment.

    Build from the ``[transition]`` table of the run file with :meth:`from_mapping`; every key
    is optional. Fields hold documented defaults (see ``docs/transition.md``); shares are
    fractions in [0, 1], money is in :attr:`currency` per year unless stated.
    """

    base_year: int = 2025
    currency: str = "USD"
    revenue_by_business_unit: dict[str, float] = field(default_factory=dict)
    business_unit_by_asset_type: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE)
    )
    clean_power_targets: dict[str, tuple[tuple[int, float], ...]] = field(
        default_factory=lambda: {"cloud": ((2030, 1.0),)}
    )
    scope2_basis: str = "market"
    scope1_coverage: PerScenario = 1.0
    scope2_pass_through: PerScenario = 1.0
    grid_intensity_by_country: bool = True
    compliance_cost_per_asset: PerScenario = field(
        default_factory=lambda: {"steps": 10_000.0, "nze": 25_000.0, "default": 10_000.0}
    )
    retrofit_cost_per_mw_per_0_1_pue: float = 250_000.0
    max_pue_reduction: float = 0.3
    impairment_share: float = 0.2
    annuity_rate: float = 0.08
    annuity_years: int = 15
    price_volatility: PerScenario = 0.10
    at_risk_confidence: float = 0.9
    certificate_price: float | None = None
    ppa_share_of_clean: float = 0.3
    ppa_discount_to_grid: PerScenario = 0.1
    efficiency_gain_per_year: PerScenario = 0.013
    max_efficiency_gain: float = 0.3
    reputation_benchmark: str = "nze"
    debt_share_of_value: float = 0.4
    financing_premium: PerScenario = field(
        default_factory=lambda: {"steps": 0.001, "nze": 0.0025, "default": 0.001}
    )
    customer_loss_share: PerScenario = field(
        default_factory=lambda: {"steps": 0.0, "nze": 0.005, "default": 0.0}
    )
    products_business_units: tuple[str, ...] = ("cloud",)
    low_carbon_capture_share: float = 0.5
    opportunity_margin: float = 0.2
    markets_business_units: tuple[str, ...] = ("cloud", "logistics", "ecommerce")
    new_market_entry_share: float = 0.05
    reputation_gap_share: float = 0.1
    fx_to_usd: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FX_TO_USD))
    score_thresholds: tuple[float, float, float, float] = (0.001, 0.005, 0.01, 0.05)
    score_basis: str = "revenue"
    material_min_score: int = 3
    material_min_impact: float = 0.0
    country_regions: dict[str, str] = field(default_factory=dict)
    country_regions_file: str | None = None

    # -- helpers -------------------------------------------------------------------------------
    def value_for(self, name: str, scenario: str) -> float:
        """A per-scenario field's value for one pathway id."""
        return per_scenario(getattr(self, name), scenario)

    def assumptions(self) -> list[dict[str, object]]:
        """Every field with its value, meaning and source (for the manifest)."""
        out = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = {str(k): (list(v) if isinstance(v, tuple) else v) for k, v in value.items()}
            elif isinstance(value, tuple):
                value = list(value)
            out.append(
                {
                    "name": f"transition.{f.name}",
                    "value": value,
                    "meaning": _FIELD_INFO[f.name][0],
                    "source": _FIELD_INFO[f.name][1],
                }
            )
        return out

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], path: str | Path = "run.toml"
    ) -> TransitionSettings:
        """Build settings from the ``[transition]`` table of a run file.

        Parameters
        ----------
        mapping
            Parsed TOML table; every key optional.
        path
            The run file, for error messages and to resolve ``country_regions_file``.

        Raises
        ------
        climrisk.errors.InputError
            For an unknown key (naming it and listing the known ones) or a value of the wrong
            type or range.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in mapping.items():
            if key not in fields:
                raise InputError(
                    path,
                    f"unknown key {key!r} in [transition]; known keys: {', '.join(fields)}",
                    column=f"transition.{key}",
                )
            kind = _FIELD_INFO[key][2]
            kwargs[key] = _PARSERS[kind](raw, f"transition.{key}", path)
        if "fx_to_usd" in kwargs:
            kwargs["fx_to_usd"] = {**DEFAULT_FX_TO_USD, **kwargs["fx_to_usd"]}
        if "business_unit_by_asset_type" in kwargs:
            kwargs["business_unit_by_asset_type"] = {
                **DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE,
                **kwargs["business_unit_by_asset_type"],
            }
        if kwargs.get("country_regions_file"):
            file = Path(kwargs["country_regions_file"])
            if not file.is_absolute():
                file = Path(path).parent / file
            kwargs["country_regions_file"] = str(file)
        return cls(**kwargs)


def per_scenario(value: PerScenario, scenario: str) -> float:
    """Resolve a per-scenario figure: a number, or a table with ``scenario`` or ``default``."""
    if isinstance(value, Mapping):
        if scenario in value:
            return float(value[scenario])
        if "default" in value:
            return float(value["default"])
        raise KeyError(f"no value for scenario {scenario!r} and no 'default'")
    return float(value)


# ---------------------------------------------------------------------------------------------
# Parsers for from_mapping (one per kind)
# ---------------------------------------------------------------------------------------------
def _err(path: str | Path, key: str, message: str) -> InputError:
    return InputError(path, f"{key}: {message}", column=key)


def _number(raw: Any, key: str, path: str | Path) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise _err(path, key, f"{raw!r} is not a number")
    return float(raw)


def _nonneg(raw: Any, key: str, path: str | Path) -> float:
    value = _number(raw, key, path)
    if value < 0:
        raise _err(path, key, f"{raw!r} must be >= 0")
    return value


def _share(raw: Any, key: str, path: str | Path) -> float:
    value = _number(raw, key, path)
    if not 0.0 <= value <= 1.0:
        raise _err(path, key, f"{raw!r} must be between 0 and 1")
    return value


def _int(raw: Any, key: str, path: str | Path) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _err(path, key, f"{raw!r} is not a whole number")
    return int(raw)


def _posint(raw: Any, key: str, path: str | Path) -> int:
    value = _int(raw, key, path)
    if value < 1:
        raise _err(path, key, f"{raw!r} must be at least 1")
    return value


def _score(raw: Any, key: str, path: str | Path) -> int:
    value = _int(raw, key, path)
    if not 1 <= value <= 5:
        raise _err(path, key, f"{raw!r} must be between 1 and 5")
    return value


def _text(raw: Any, key: str, path: str | Path) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _err(path, key, f"{raw!r} is not a non-empty text")
    return raw.strip()


def _choice(*choices: str):  # type: ignore[no-untyped-def]
    def parse(raw: Any, key: str, path: str | Path) -> str:
        text = _text(raw, key, path).casefold()
        if text not in choices:
            raise _err(path, key, f"{raw!r} is not one of {', '.join(choices)}")
        return text

    return parse


def _currency(raw: Any, key: str, path: str | Path) -> str:
    text = _text(raw, key, path).upper()
    if len(text) != 3 or not text.isalpha():
        raise _err(path, key, f"{raw!r} is not an ISO 4217 code")
    return text


def _table(raw: Any, key: str, path: str | Path) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise _err(path, key, "expected a table, e.g. {steps = 0.1, nze = 0.2}")
    return raw


def _scenario_with(inner):  # type: ignore[no-untyped-def]
    def parse(raw: Any, key: str, path: str | Path) -> PerScenario:
        if isinstance(raw, Mapping):
            return {str(k).strip().casefold(): inner(v, f"{key}.{k}", path) for k, v in raw.items()}
        return inner(raw, key, path)

    return parse


def _money_map(raw: Any, key: str, path: str | Path) -> dict[str, float]:
    return {str(k): _nonneg(v, f"{key}.{k}", path) for k, v in _table(raw, key, path).items()}


def _fx(raw: Any, key: str, path: str | Path) -> dict[str, float]:
    out = {}
    for k, v in _table(raw, key, path).items():
        code = _currency(k, f"{key}.{k}", path)
        value = _number(v, f"{key}.{k}", path)
        if value <= 0:
            raise _err(path, f"{key}.{k}", f"{v!r} must be > 0")
        out[code] = value
    return out


def _str_map(raw: Any, key: str, path: str | Path) -> dict[str, str]:
    return {str(k): _text(v, f"{key}.{k}", path) for k, v in _table(raw, key, path).items()}


def _str_tuple(raw: Any, key: str, path: str | Path) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise _err(path, key, 'expected a list of names, e.g. ["cloud"]')
    return tuple(_text(v, key, path) for v in raw)


def _thresholds(raw: Any, key: str, path: str | Path) -> tuple[float, float, float, float]:
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)) or len(raw) != 4:
        raise _err(path, key, "expected four increasing numbers (scores 2, 3, 4, 5)")
    values = tuple(_nonneg(v, key, path) for v in raw)
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise _err(path, key, f"{list(raw)!r} must be strictly increasing")
    return values  # type: ignore[return-value]


def _targets(raw: Any, key: str, path: str | Path) -> dict[str, tuple[tuple[int, float], ...]]:
    """``cloud = {year = 2030, share = 1.0}``, a list of such tables, or ``[[2030, 1.0]]``."""
    out: dict[str, tuple[tuple[int, float], ...]] = {}
    for unit, spec in _table(raw, key, path).items():
        sub = f"{key}.{unit}"
        items = spec if isinstance(spec, (list, tuple)) else [spec]
        if (
            isinstance(spec, (list, tuple))
            and len(spec) == 2
            and not isinstance(spec[0], (list, tuple, Mapping))
        ):
            items = [spec]
        points = []
        for item in items:
            if isinstance(item, Mapping):
                unknown = set(item) - {"year", "share"}
                if unknown or "year" not in item or "share" not in item:
                    raise _err(path, sub, "each target needs exactly 'year' and 'share'")
                year, share = item["year"], item["share"]
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                year, share = item
            else:
                raise _err(path, sub, "expected {year = 2030, share = 1.0} or [2030, 1.0]")
            points.append((_int(year, sub, path), _share(share, sub, path)))
        out[str(unit)] = tuple(sorted(points))
    return out


def _confidence(raw: Any, key: str, path: str | Path) -> float:
    value = _number(raw, key, path)
    if not 0.5 <= value < 1.0:
        raise _err(path, key, f"{raw!r} must be at least 0.5 and below 1")
    return value


def _optional_money(raw: Any, key: str, path: str | Path) -> float | None:
    return _nonneg(raw, key, path)


def _path(raw: Any, key: str, path: str | Path) -> str | None:
    if raw is None:
        return None
    return _text(raw, key, path)


def _scenario_name(raw: Any, key: str, path: str | Path) -> str:
    from climrisk.transition.pathway import normalise_scenario

    return normalise_scenario(_text(raw, key, path))


def _bool(raw: Any, key: str, path: str | Path) -> bool:
    if not isinstance(raw, bool):
        raise _err(path, key, f"{raw!r} is not true or false")
    return raw


_PARSERS = {
    "int": _int,
    "posint": _posint,
    "score": _score,
    "currency": _currency,
    "money_map": _money_map,
    "str_map": _str_map,
    "targets": _targets,
    "basis": _choice("market", "location"),
    "score_basis": _choice("revenue", "value"),
    "scenario_share": _scenario_with(_share),
    "scenario_money": _scenario_with(_nonneg),
    "money": _nonneg,
    "optional_money": _optional_money,
    "confidence": _confidence,
    "nonneg": _nonneg,
    "share": _share,
    "bool": _bool,
    "str": _text,
    "scenario_name": _scenario_name,
    "str_tuple": _str_tuple,
    "fx": _fx,
    "thresholds": _thresholds,
    "path": _path,
}
