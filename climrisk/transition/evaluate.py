"""Driver formulas evaluated for every asset at once, per pathway scenario and year."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from climrisk.errors import InputError
from climrisk.transition import metrics as m
from climrisk.transition.pathway import (
    CARBON_PRICE,
    DATA_CENTRE_DEMAND,
    DEFAULT_PATHWAY_FILE,
    ELECTRICITY_PRICE,
    GREEN_POWER_PREMIUM,
    GRID_INTENSITY,
    PUE_LIMIT,
    RENEWABLE_SHARE,
    TransitionPathway,
)
from climrisk.transition.regions import read_carbon_price_groups, read_country_grid_intensity
from climrisk.transition.settings import TransitionSettings

__all__ = ["DriverEvaluator"]


class DriverEvaluator:
    """Asset arrays and pathway look-ups of one run; :meth:`drivers` gives every driver.

    Text and numeric asset columns are converted to arrays once here (business units and
    regions as integer codes), so that each scenario and year costs array arithmetic only.

    Parameters
    ----------
    assets
        Output of :func:`climrisk.transition.inputs.prepare_assets`.
    pathway
        The pathway table (already supplemented from the default table where needed).
    settings
        Company-level inputs and assumptions.
    fx
        Conversion factors to the report currency (``usd``, ``portfolio``, ``settings``).
    where
        Name of the pathway source for messages.
    notes
        Assumption records, appended to.
    """

    def __init__(
        self,
        assets: pd.DataFrame,
        pathway: TransitionPathway,
        settings: TransitionSettings,
        fx: dict[str, float],
        where: str,
        notes: list[dict[str, object]],
    ) -> None:
        self.a = assets
        self.p = pathway
        self.s = settings
        self.fx = fx
        self.where = where
        self.notes = notes
        # text columns as integer codes into their (sorted) categories, converted once
        self.units, self.unit_index = _codes(assets["business_unit"])
        regions, self._region_index = _codes(assets["region"])
        self._regions = np.asarray(regions, dtype=str)
        self.fallbacks: dict[tuple[str, str], set[str]] = {}
        self.crf = m.annuity_factor(settings.annuity_rate, settings.annuity_years)
        self.masks = self._masks()
        targets = dict(settings.clean_power_targets)
        company = targets.pop("all", None)
        if company is not None:
            targets = {**{u: company for u in self.units}, **targets}
        self.targets = {u: t for u, t in targets.items() if t}
        self._unit_masks = {
            unit: self.unit_index == self.units.index(unit)
            for unit in self.targets
            if unit in self.units
        }
        self.masks["targets"] = (
            np.isin(np.asarray(self.units, dtype=object), list(self._unit_masks))[self.unit_index]
            if self.units
            else np.zeros(len(assets), dtype=bool)
        )
        self._carbon_groups = self._carbon_group_regions(assets)
        # numeric columns, converted once
        self.s0 = _floats(assets, "s0")
        self.s1 = _floats(assets, "s1")
        self.asset_value = _floats(assets, "value")
        self.revenue = _floats(assets, "revenue")
        self.pue = _floats(assets, "pue")
        self.it_mw = _floats(assets, "it_mw")
        self.s2_given = _floats(assets, "s2_given")
        self._country_int = (
            read_country_grid_intensity() if settings.grid_intensity_by_country else {}
        )
        # observed country grid intensity [t CO2/MWh] (NaN where Ember has no value)
        if self._country_int:
            countries, country_index = _codes(assets["country"])
            per_country = np.array(
                [self._country_int.get(c, np.nan) for c in countries] + [np.nan], dtype=float
            )
            self._country_obs = per_country[country_index] / 1000.0
        else:
            self._country_obs = np.full(len(assets), np.nan)
        self._base_intensity: dict[str, tuple[np.ndarray | None, np.ndarray]] = {}
        self.energy = np.nan_to_num(_floats(assets, "energy"))
        self._infer_energy_from_scope2()

    def _masks(self) -> dict[str, np.ndarray]:
        dc = self.a["is_dc"].to_numpy(dtype=bool)
        units = np.asarray(self.units, dtype=object)
        return {
            "all": np.ones(len(self.a), dtype=bool),
            "data_center": dc,
            "other_than_data_center": ~dc,
            "products": np.isin(units, list(self.s.products_business_units))[self.unit_index],
            "markets": np.isin(units, list(self.s.markets_business_units))[self.unit_index],
        }

    def _carbon_group_regions(self, assets: pd.DataFrame) -> dict[str, np.ndarray]:
        """Per pathway id: each asset's carbon-price group region ('' = its own region)."""
        groups = read_carbon_price_groups()
        countries, index = _codes(assets["country"])
        out = {}
        for scenario, mapping in groups.items():
            per_country = np.array([mapping.get(c, "") for c in countries] + [""], dtype=object)
            out[scenario] = per_country[index].astype(str)
        return out

    # -- pathway look-ups --------------------------------------------------------------------
    def carbon_price(self, scenario: str, year: float) -> np.ndarray:
        """Carbon price per asset [US$/t]: the WEO carbon-price group where the table has it.

        An asset whose country belongs to an IEA carbon-price group of the pathway
        (``carbon_price_groups.csv``) takes the group's series where the pathway table has rows
        for that group; before the group's second point (e.g. 2025-2030 for the NZE groups, whose
        first published year is 2030) the price runs linearly from the asset's own region value
        at the group's first point. Other assets take their region's price.
        """
        own = self.value(scenario, CARBON_PRICE, year)
        groups = self._carbon_groups.get(scenario)
        if groups is None or not self.p.has(scenario, CARBON_PRICE):
            return own
        available = {r.casefold() for r in self.p.regions_of(scenario, CARBON_PRICE)}
        use = np.array([g != "" and g.casefold() in available for g in groups], dtype=bool)
        if not use.any():
            return own
        years = self.p.years_of(scenario, CARBON_PRICE)
        grp, _ = self.p.lookup(scenario, CARBON_PRICE, year, np.where(use, groups, "World"))
        if len(years) > 1 and year < years[1]:
            first, second = float(years[0]), float(years[1])
            w = max(0.0, (second - max(year, first)) / (second - first))
            own_first = self.value(scenario, CARBON_PRICE, first)
            grp_first, _ = self.p.lookup(
                scenario, CARBON_PRICE, first, np.where(use, groups, "World")
            )
            grp = grp + w * (own_first - grp_first)
        return np.where(use, grp, own)

    def value(self, scenario: str, variable: str, year: float) -> np.ndarray:
        """One pathway variable per asset in ``year`` (region, else World); records fallbacks."""
        values, fell = self.p.lookup(scenario, variable, year, self._regions)
        if fell.any():
            self.fallbacks.setdefault((scenario, variable), set()).update(
                str(r) for r in self._regions[fell]
            )
        return values[self._region_index]

    def check_regions(self, scenarios: Sequence[str]) -> None:
        """Every region the assets need is in the pathway (or World is)."""
        needed = [
            CARBON_PRICE,
            GRID_INTENSITY,
            ELECTRICITY_PRICE,
            GREEN_POWER_PREMIUM,
            PUE_LIMIT,
            DATA_CENTRE_DEMAND,
        ]
        for scenario in [*scenarios, self.benchmark(scenarios[0])]:
            for variable in needed:
                if not self.p.has(scenario, variable):
                    raise InputError(
                        self.where,
                        f"scenario {scenario!r} has no {variable!r} rows and the default table has "
                        "no such scenario to take them from",
                        column="variable",
                    )
                values = self.value(scenario, variable, float(self.s.base_year))
                missing = np.isnan(values)
                if missing.any():
                    regions = sorted({str(r) for r in self._regions[self._region_index[missing]]})
                    raise InputError(
                        self.where,
                        f"no {variable!r} for region(s) {', '.join(regions)} in scenario "
                        f"{scenario!r} and no World row; add them or map the countries to "
                        "another region with [transition.country_regions]",
                        column="region",
                    )

    def benchmark(self, scenario: str) -> str:
        """Pathway id of the reputation benchmark (the scenario itself when it is missing)."""
        bench = self.s.reputation_benchmark
        return bench if bench in self.p.scenarios() else scenario

    def intensity(self, scenario: str, year: float) -> tuple[np.ndarray, np.ndarray]:
        """Grid emission factor [t CO2/MWh] per asset in ``year`` and in the base year."""
        ey = self.value(scenario, GRID_INTENSITY, year) / 1000.0
        factor, eb = self._intensity_base(scenario)
        return (ey if factor is None else ey * factor), eb

    def _intensity_base(self, scenario: str) -> tuple[np.ndarray | None, np.ndarray]:
        """Country scaling factor (``None`` without it) and base-year intensity, per scenario."""
        if scenario not in self._base_intensity:
            eb = self.value(scenario, GRID_INTENSITY, float(self.s.base_year)) / 1000.0
            factor = None
            if self._country_int:
                obs = self._country_obs
                with np.errstate(divide="ignore", invalid="ignore"):
                    factor = np.where((eb > 0) & ~np.isnan(obs), obs / eb, 1.0)
                eb = eb * factor
            self._base_intensity[scenario] = (factor, eb)
        return self._base_intensity[scenario]

    def _infer_energy_from_scope2(self) -> None:
        s2, s0 = self.s2_given, self.s0
        missing = np.isnan(_floats(self.a, "energy"))
        unknown = missing & ~np.isnan(s2) & (s2 > 0) & (s0 < 1)
        none = missing & ~unknown
        if none.any():
            self.notes.append(
                {
                    "name": "transition.energy_missing",
                    "value": 0.0,
                    "count": int(none.sum()),
                    "source": "no annual_energy_mwh, IT load or Scope 2: energy-based drivers are "
                    "zero",
                }
            )
        if not unknown.any():
            return
        # base-year intensity of the first pathway scenario present (same in all by construction)
        scenario = self.p.scenarios()[0]
        _, eb = self.intensity(scenario, float(self.s.base_year))
        with np.errstate(divide="ignore", invalid="ignore"):
            inferred = np.where(unknown & (eb > 0), s2 / ((1.0 - s0) * eb), 0.0)
        self.energy = np.where(unknown, np.nan_to_num(inferred), self.energy)
        self.notes.append(
            {
                "name": "transition.energy_from_scope2",
                "value": "scope2_tco2e / ((1 - renewable_share) x grid intensity in the base year)",
                "count": int(unknown.sum()),
                "source": "asset gives emissions but not energy",
            }
        )

    # -- drivers -----------------------------------------------------------------------------
    def evaluate(self, scenario: str, year: float) -> dict[str, dict[str, np.ndarray]]:
        """Every driver's metric, weight and channel amounts per asset (report currency/yr)."""
        return dict(self.drivers(scenario, year))

    def drivers(self, scenario: str, year: float) -> Iterator[tuple[str, dict[str, np.ndarray]]]:
        """Each driver's name and values in :data:`DRIVERS` order, one driver at a time.

        Values are ``metric``, optionally ``weight``, and the channel amounts per asset
        (report currency/yr), all finite. They are read-only: arrays may be shared between
        drivers and with the evaluator. Consuming them one by one keeps only one driver's
        arrays alive beside the shared intermediates.
        """
        s, fx = self.s, self.fx
        base = float(s.base_year)
        energy = self.energy
        s0, s1 = self.s0, self.s1
        value, revenue = self.asset_value, self.revenue
        pue, it_mw = self.pue, self.it_mw
        usd = fx["usd"]

        # clean-power path per business unit
        clean = s0.copy()
        for unit, targets in self.targets.items():
            mask = self._unit_masks.get(unit)
            if mask is not None and mask.any():
                clean[mask] = m.clean_share_path(s0[mask], targets, s.base_year, year)

        ef_y, ef_b = self.intensity(scenario, year)
        s2_given = self.s2_given
        s2_base = np.where(np.isnan(s2_given), energy * (1.0 - s0) * ef_b, s2_given)
        s2_market = m.market_scope2(s2_base, s0, clean, ef_b, ef_y)
        s2_location = energy * ef_y
        s2 = s2_market if s.scope2_basis == "market" else s2_location

        # policy and legal
        price = self.carbon_price(scenario, year) * usd
        cov1 = s.value_for("scope1_coverage", scenario)
        pt2 = s.value_for("scope2_pass_through", scenario)
        cost = m.carbon_cost(s1, price, cov1) + m.carbon_cost(s2, price, pt2)
        yield "carbon_price", _v(s1 * cov1 + s2 * pt2, None, opex_up=cost)
        # what-if: the clean share stays at today's (target not met)
        s2_missed = (
            m.market_scope2(s2_base, s0, s0, ef_b, ef_y) if s.scope2_basis == "market" else s2
        )
        cost_missed = m.carbon_cost(s1, price, cov1) + m.carbon_cost(s2_missed, price, pt2)
        yield (
            "carbon_price_target_missed",
            _v(s1 * cov1 + s2_missed * pt2, None, opex_up=cost_missed),
        )
        del cost, s2, s2_location, s2_missed, cost_missed
        compliance = s.value_for("compliance_cost_per_asset", scenario) * fx["settings"]
        yield "compliance_cost", _v(np.ones_like(s0), None, opex_up=np.full_like(s0, compliance))

        # technology
        limit = self.value(scenario, PUE_LIMIT, year)
        gap, capex, unable = m.pue_retrofit(
            pue,
            limit,
            it_mw,
            s.retrofit_cost_per_mw_per_0_1_pue * fx["settings"],
            s.max_pue_reduction,
        )
        yield "pue_retrofit", _v(gap, it_mw, capex_up=capex * self.crf)
        at_risk = value * unable
        yield (
            "stranded_asset_impairment",
            _v(at_risk, None, asset_value_down=at_risk * s.impairment_share * self.crf),
        )
        del limit, capex, unable, at_risk

        # market: increases are costs; decreases go to the saving opportunity (never netted)
        p_y = self.value(scenario, ELECTRICITY_PRICE, year) * usd
        p_b = self.value(scenario, ELECTRICITY_PRICE, base) * usd
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(p_b > 0, (p_y / p_b - 1.0) * 100.0, 0.0)
        price_delta = energy * (p_y - p_b)
        yield "electricity_price", _v(change, energy, opex_up=np.maximum(price_delta, 0.0))
        if s.certificate_price is not None:
            prem_y = np.full_like(s0, s.certificate_price * fx["settings"])
            prem_b = prem_y
        else:
            prem_y = self.value(scenario, GREEN_POWER_PREMIUM, year) * usd
            prem_b = self.value(scenario, GREEN_POWER_PREMIUM, base) * usd
        phi = s.ppa_share_of_clean
        premium = energy * (1.0 - phi) * (clean * prem_y - s0 * prem_b)
        yield "green_power_premium", _v(energy * clean, None, opex_up=np.maximum(premium, 0.0))
        sigma = s.value_for("price_volatility", scenario)
        z = NormalDist().inv_cdf(0.5 + s.at_risk_confidence / 2.0)
        up, down = np.expm1(z * sigma), np.expm1(-z * sigma)
        at_stake = energy * (p_y + (1.0 - phi) * clean * prem_y)
        vol = _v(np.full_like(s0, up * 100.0), energy, opex_up=up * at_stake)
        vol["low"] = _finite(down * at_stake)
        vol["high"] = vol["opex_up"]
        yield "energy_price_volatility", vol
        del change, prem_b, at_stake, vol

        # reputation
        bench = self.benchmark(scenario)
        bench_ef, _ = self.intensity(bench, year)
        emissions = s1 + s2_market
        excess = np.maximum(emissions - energy * bench_ef, 0.0)
        # misalignment: excess as a share of the unabated footprint (Scope 1 + grid-average
        # Scope 2 in the base year), so that a small residual does not count as fully misaligned
        unabated = s1 + energy * ef_b
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            misaligned = np.clip(np.where(unabated > 0, excess / unabated, 0.0), 0.0, 1.0)
            above = np.where(emissions > 0, excess / emissions, 0.0) * 100.0
        yield (
            "emissions_gap",
            _v(
                above,
                emissions,
                financing_cost_up=value
                * s.debt_share_of_value
                * s.value_for("financing_premium", scenario)
                * misaligned,
                revenue_down=revenue * s.value_for("customer_loss_share", scenario) * misaligned,
            ),
        )
        del bench_ef, excess, unabated, misaligned, above

        # resource efficiency
        fixable = np.minimum(gap, s.max_pue_reduction)
        with np.errstate(divide="ignore", invalid="ignore"):
            it_energy = np.where(pue > 0, energy / pue, 0.0)
        saved_dc = np.nan_to_num(it_energy * fixable)
        yield "pue_improvement", _v(saved_dc, None, opex_down=saved_dc * p_y)
        gain = m.cumulative_efficiency_gain(
            s.value_for("efficiency_gain_per_year", scenario), year - base, s.max_efficiency_gain
        )
        saved_site = energy * gain
        yield "site_efficiency", _v(saved_site, None, opex_down=saved_site * p_y)

        # energy source
        discount = s.value_for("ppa_discount_to_grid", scenario)
        ppa = energy * phi * discount * (clean * p_y - s0 * p_b)
        yield "ppa_and_onsite_solar", _v(energy * phi * clean, None, opex_down=ppa)
        saving = np.maximum(-price_delta, 0.0) + np.maximum(-premium, 0.0)
        yield "electricity_price_saving", _v(saving, None, opex_down=saving)
        del price_delta, premium, saving, prem_y

        # products and services: customers' avoided carbon cost on low-carbon compute
        avoided = np.maximum(energy * ef_y - s2_market, 0.0)
        premium_lc = avoided * price * s.low_carbon_capture_share
        yield "low_carbon_cloud_demand", _v(avoided, None, revenue_up=premium_lc)
        del avoided, premium_lc, price, s2_market, ef_y, emissions

        # markets: new low-carbon segments grow with the renewables share of generation
        r_y = self.value(scenario, RENEWABLE_SHARE, year)
        r_b = self.value(scenario, RENEWABLE_SHARE, base)
        extra_m = revenue * s.new_market_entry_share * np.maximum(np.nan_to_num(r_y - r_b), 0.0)
        yield "new_markets", _v(extra_m, None, revenue_up=extra_m * s.opportunity_margin)

    def pathway_notes(self) -> list[dict[str, object]]:
        """Assumption records about the pathway: interpolation, fallbacks, supplements."""
        notes: list[dict[str, object]] = [
            {
                "name": "transition.pathway_interpolation",
                "value": "linear between the pathway's points, clamped at its first and last year",
                "source": "contracts.md, Calculation conventions",
            },
            {
                "name": "transition.pathway_prices",
                "value": "US$ prices of the pathway (base-year dollars as published) used as "
                "nominal",
                "source": "climrisk convention",
            },
        ]
        notes.extend(
            {
                "name": "transition.region_world_fallback",
                "value": f"{scenario} / {variable}: World values for {', '.join(sorted(regions))}",
                "source": f"{self.where}: region not in the pathway table",
            }
            for (scenario, variable), regions in sorted(self.fallbacks.items())
        )
        notes.extend(
            {
                "name": "transition.pathway_supplemented",
                "value": f"{scenario} / {variable}",
                "source": f"default pathway table ({DEFAULT_PATHWAY_FILE.name}): not in "
                "{self.where}",
            }
            for scenario, variable in self.p.supplemented
        )
        if self.s.reputation_benchmark not in self.p.scenarios():
            notes.append(
                {
                    "name": "transition.reputation_benchmark_missing",
                    "value": self.s.reputation_benchmark,
                    "source": "benchmark pathway not in the table: each scenario is its own "
                    "benchmark",
                }
            )
        if self._country_int:
            notes.append(
                {
                    "name": "transition.country_grid_intensity",
                    "value": "regional grid-intensity path scaled to the country's latest Ember "
                    "value "
                    "in the base year",
                    "source": "Ember yearly electricity data via co2.js, CC BY-SA 4.0",
                }
            )
        return notes


def _v(
    metric: np.ndarray, weight: np.ndarray | None, **channels: np.ndarray
) -> dict[str, np.ndarray]:
    out = {"metric": _finite(metric)}
    if weight is not None:
        out["weight"] = _finite(weight)
    for name, amount in channels.items():
        out[name] = _finite(amount)
    return out


def _finite(values: np.ndarray) -> np.ndarray:
    """``numpy.nan_to_num`` of a float array, without a copy when every value is finite."""
    values = np.asarray(values, float)
    return values if np.isfinite(values).all() else np.nan_to_num(values)


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=float, na_value=np.nan)


def _codes(column: pd.Series) -> tuple[list[str], np.ndarray]:
    """Categories and codes of a text column (code ``len(categories)`` where missing)."""
    cat = pd.Categorical(column)
    categories = [str(c) for c in cat.categories]
    codes = np.asarray(cat.codes, dtype=np.intp)
    return categories, np.where(codes < 0, len(categories), codes)
