"""Adaptation measures assessed by the engine: re-run the affected assets with each measure.

For every planned measure the engine is run twice on the assets it covers, as they are and with
the measure applied (:func:`climrisk.adaptation.apply.apply_measure`); the difference in annual
loss (``ead + bi_loss + opex_delta``, all hazards) per scenario and horizon is the benefit. It is
interpolated between the horizon years over the appraisal period, discounted, and set against
capex plus discounted opex.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from climrisk.adaptation.apply import applies_to, apply_measure, shifted_wind_curve
from climrisk.adaptation.catalogue import Measure, load_catalogue
from climrisk.adaptation.economics import DEFAULT_DISCOUNT_RATE, annual_path, present_value
from climrisk.config import RunConfig
from climrisk.errors import InputError

__all__ = [
    "ADAPTATION_COLUMNS",
    "AdaptationSettings",
    "Plan",
    "assess_adaptation",
    "default_plans",
    "plans_from_settings",
    "settings_from_mapping",
]

DEFAULT_TOP_SITES = 5
_MONEY = ("ead", "bi_loss", "opex_delta")
_SETTING_KEYS = ("discount_rate", "top_sites", "measures")
_MEASURE_KEYS = ("measure", "assets", "capex", "opex", "lifetime_years", "standard_rp",
                 "offset_m", "wind_factor", "cooling")

#: Columns of ``adaptation.csv``, in order.
ADAPTATION_COLUMNS: tuple[str, ...] = (
    "asset_id", "asset_type", "measure", "effect", "parameter", "scenario", "rank",
    "capex", "opex_per_year", "appraisal_start", "appraisal_end", "discount_rate",
    "pv_cost", "pv_benefit", "npv", "bcr",
    "loss_before_long", "loss_after_long", "residual_share", "effect_source", "cost_source",
)


@dataclass(frozen=True)
class Plan:
    """A measure for some assets; ``capex`` / ``opex`` per asset override the catalogue's shares."""

    measure: Measure
    asset_ids: tuple[str, ...]
    capex: float | None = None
    opex: float | None = None
    lifetime_years: int | None = None


@dataclass(frozen=True)
class AdaptationSettings:
    """``[adaptation]`` of the run file: discount rate, default sites, planned measures."""

    discount_rate: float = DEFAULT_DISCOUNT_RATE
    top_sites: int = DEFAULT_TOP_SITES
    measures: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def settings_from_mapping(raw: Mapping[str, Any] | None, where: str) -> AdaptationSettings:
    """Check ``[adaptation]`` and its ``[[adaptation.measures]]`` entries (table and key named)."""
    raw = dict(raw or {})
    for key in raw:
        if key not in _SETTING_KEYS:
            raise InputError(where, f"unknown key 'adaptation.{key}'; known: "
                             f"{', '.join(_SETTING_KEYS)}", column=f"adaptation.{key}")
    rate = raw.get("discount_rate", DEFAULT_DISCOUNT_RATE)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
        raise InputError(where, "adaptation.discount_rate must be a number in [0, 1), "
                         "e.g. 0.035", column="adaptation.discount_rate")
    top = raw.get("top_sites", DEFAULT_TOP_SITES)
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise InputError(where, "adaptation.top_sites must be a whole number >= 0",
                         column="adaptation.top_sites")
    entries = raw.get("measures", [])
    if not isinstance(entries, list):
        raise InputError(where, "[[adaptation.measures]] must be an array of tables",
                         column="adaptation.measures")
    catalogue = load_catalogue()
    for number, entry in enumerate(entries, start=1):
        table = f"[[adaptation.measures]] entry {number}"
        if not isinstance(entry, dict):
            raise InputError(where, f"{table}: must be a table", column="adaptation.measures")
        for key in entry:
            if key not in _MEASURE_KEYS:
                raise InputError(where, f"{table}: unknown key '{key}'; known: "
                                 f"{', '.join(_MEASURE_KEYS)}", column=key)
        if entry.get("measure") not in catalogue:
            raise InputError(where, f"{table}, key 'measure': unknown measure "
                             f"{entry.get('measure')!r}; one of {', '.join(catalogue)}",
                             column="measure")
        assets = entry.get("assets")
        if assets is not None and not (
            isinstance(assets, list) and assets and all(isinstance(a, str) for a in assets)
        ):
            raise InputError(where, f"{table}, key 'assets': must be a non-empty list of "
                             "asset ids", column="assets")
        for key in ("capex", "opex", "standard_rp", "offset_m", "wind_factor"):
            value = entry.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                      or value < 0):
                raise InputError(where, f"{table}, key '{key}': must be a number >= 0",
                                 column=key)
        life = entry.get("lifetime_years")
        if life is not None and (isinstance(life, bool) or not isinstance(life, int) or life < 1):
            raise InputError(where, f"{table}, key 'lifetime_years': must be a whole number "
                             ">= 1", column="lifetime_years")
    return AdaptationSettings(float(rate), int(top), tuple(dict(e) for e in entries))


def _annual_impact(results: pd.DataFrame) -> pd.DataFrame:
    money = results[[c for c in _MONEY if c in results.columns]].astype("float64").fillna(0.0)
    return results[["asset_id", "hazard", "scenario", "horizon"]].assign(
        impact=money.sum(axis=1).to_numpy()
    )


def default_plans(
    results: pd.DataFrame, assets: pd.DataFrame, long_horizon: str, top_sites: int
) -> list[Plan]:
    """Every catalogue measure that fits, for the ``top_sites`` assets of largest annual impact.

    The impact is the worst scenario's at the long horizon; a measure fits an asset when the
    asset type is one it applies to and one of its hazards has a positive impact at the asset.
    """
    if top_sites == 0 or results.empty:
        return []
    impact = _annual_impact(results)
    long = impact[impact["horizon"].astype(str) == long_horizon]
    per = long.groupby(["asset_id", "scenario"], observed=True)["impact"].sum()
    worst = per.groupby(level="asset_id", observed=True).max()
    worst = worst[worst > 0]
    order = pd.DataFrame({"asset_id": worst.index.astype(str), "worst": worst.to_numpy()})
    top = order.sort_values(["worst", "asset_id"], ascending=[False, True]).head(top_sites)
    exposed = long[long["impact"] > 0].groupby("asset_id", observed=True)["hazard"].agg(
        lambda h: set(map(str, h)))
    plans = []
    for measure in load_catalogue().values():
        ids = top["asset_id"][applies_to(measure, assets.loc[top["asset_id"]])].tolist()
        ids = [a for a in ids if exposed.get(a, set()) & set(measure.hazards)]
        if ids:
            plans.append(Plan(measure, tuple(ids)))
    return plans


def plans_from_settings(settings: AdaptationSettings, assets: pd.DataFrame,
                        where: str) -> list[Plan]:
    """The ``[[adaptation.measures]]`` entries as plans (asset ids checked)."""
    catalogue = load_catalogue()
    plans = []
    for number, entry in enumerate(settings.measures, start=1):
        measure = catalogue[entry["measure"]]
        from climrisk.adaptation.catalogue import EFFECTS

        parameter = entry.get(EFFECTS[measure.effect])
        if parameter is not None:
            measure = measure.with_parameter(parameter)
        ids = entry.get("assets")
        if ids is None:
            ids = assets.index[applies_to(measure, assets)].astype(str).tolist()
        unknown = [a for a in ids if a not in assets.index]
        if unknown:
            raise InputError(where, f"[[adaptation.measures]] entry {number}, key 'assets': "
                             f"no asset '{unknown[0]}' in the portfolio", column="assets")
        plans.append(Plan(measure, tuple(ids), entry.get("capex"), entry.get("opex"),
                          entry.get("lifetime_years")))
    return plans


def _run(portfolio: Any, frame: pd.DataFrame, config: RunConfig, catalog: Any) -> pd.DataFrame:
    """Annual impact per asset, scenario and horizon of an engine run on ``frame``'s assets."""
    from climrisk.engine import assess
    from climrisk.portfolio import Portfolio

    subset = Portfolio(assets=frame, source=portfolio.source, assumptions=(),
                       currency=portfolio.currency)
    result = assess(subset, config, catalog=catalog, keep_results=True)
    impact = _annual_impact(result.asset_results)
    return impact.groupby(["asset_id", "scenario", "horizon"], observed=True)["impact"].sum()


def _adapted(plan: Plan, portfolio: Any, config: RunConfig, catalog: Any) -> pd.Series:
    frame = portfolio.assets.loc[list(plan.asset_ids)]
    if plan.measure.effect != "wind_shift":
        return _run(portfolio, apply_measure(frame, plan.measure), config, catalog)
    from climrisk.engine import _prices
    from climrisk.vulnerability import models_for_layer

    models = models_for_layer("tropical_cyclone", "max_wind_speed")
    prices = _prices(portfolio, config)
    parts = []
    for asset_id in plan.asset_ids:  # one curve per asset: the region sets its calibration
        one = frame.loc[[asset_id]]
        model = models.get(str(one["asset_type"].iloc[0]))
        curves = list(config.vulnerability_curves)
        kind = one["asset_type"].iloc[0]
        if model is not None:
            curves = [c for c in curves if not (c.get("hazard") == "tropical_cyclone"
                                                and c.get("asset_type") == kind)]
            curves.append(shifted_wind_curve(one, float(plan.measure.parameter), model, prices))
        parts.append(_run(portfolio, one, replace(config, vulnerability_curves=tuple(curves)),
                          catalog))
    return pd.concat(parts)


def assess_adaptation(
    portfolio: Any,
    config: RunConfig,
    plans: Sequence[Plan],
    *,
    catalog: Any = None,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
) -> pd.DataFrame:
    """Benefit-cost ratio and residual risk of each planned measure, per asset and scenario.

    Parameters
    ----------
    portfolio
        The portfolio of the run (:func:`climrisk.read_portfolio`).
    config
        The run's configuration (scenarios, horizons, hazards, curves).
    plans
        Measures and the assets they cover.
    catalog
        An open hazard catalogue (opened from ``config.hazards`` when ``None``).
    discount_rate
        Real rate for benefits and running costs.

    Returns
    -------
    pandas.DataFrame
        :data:`ADAPTATION_COLUMNS`, ranked by ``bcr`` within asset and scenario.
    """
    if not plans:
        return pd.DataFrame(columns=list(ADAPTATION_COLUMNS))
    from climrisk.hazard import open_catalog

    config = replace(config, pdf=False, cache=config.cache)
    catalog = catalog if catalog is not None else open_catalog(config.hazards)
    ids = sorted({a for p in plans for a in p.asset_ids})
    base = _run(portfolio, portfolio.assets.loc[ids], config, catalog)
    horizons = sorted(config.horizons.items(), key=lambda kv: kv[1])
    names = [h for h, _ in horizons]
    years = np.array([y for _, y in horizons], dtype=float)
    start, end = int(years[0]), int(years[-1])
    scenarios = list(config.scenarios)
    values = pd.to_numeric(portfolio.assets["value"], errors="coerce")
    rows = []
    for plan in plans:
        after = _adapted(plan, portfolio, config, catalog)
        index = pd.MultiIndex.from_product([plan.asset_ids, scenarios, names],
                                           names=["asset_id", "scenario", "horizon"])
        b = base.reindex(index).fillna(0.0).to_numpy().reshape(-1, len(names))
        a = after.reindex(index).fillna(0.0).to_numpy().reshape(-1, len(names))
        life = plan.lifetime_years or plan.measure.lifetime_years
        span = np.arange(start, min(end, start + life - 1) + 1, dtype=float)
        pv_benefit = present_value(annual_path(span, years, b - a), discount_rate)
        asset_of = np.repeat(np.array(plan.asset_ids, dtype=object), len(scenarios))
        value = values.reindex(asset_of).to_numpy(dtype=float)
        capex = np.full(len(asset_of), np.nan) if plan.capex is None else np.full(
            len(asset_of), float(plan.capex))
        capex = np.where(np.isnan(capex), plan.measure.capex_share * value, capex)
        opex = capex * plan.measure.opex_share if plan.opex is None else np.full(
            len(asset_of), float(plan.opex))
        pv_cost = capex + present_value(np.repeat(opex[:, None], len(span), axis=1),
                                        discount_rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            bcr = np.where(pv_cost > 0, pv_benefit / pv_cost, np.nan)
            residual = np.where(b[:, -1] > 0, a[:, -1] / b[:, -1], np.nan)
        rows.append(pd.DataFrame({
            "asset_id": asset_of,
            "asset_type": portfolio.assets["asset_type"].reindex(asset_of).astype(str).to_numpy(),
            "measure": plan.measure.id,
            "effect": plan.measure.effect,
            "parameter": str(plan.measure.parameter),
            "scenario": np.tile(np.array(scenarios, dtype=object), len(plan.asset_ids)),
            "capex": capex,
            "opex_per_year": opex,
            "appraisal_start": start,
            "appraisal_end": int(span[-1]),
            "discount_rate": discount_rate,
            "pv_cost": pv_cost,
            "pv_benefit": pv_benefit,
            "npv": pv_benefit - pv_cost,
            "bcr": bcr,
            "loss_before_long": b[:, -1],
            "loss_after_long": a[:, -1],
            "residual_share": residual,
            "effect_source": plan.measure.effect_source,
            "cost_source": plan.measure.cost_source,
        }))
    out = pd.concat(rows, ignore_index=True)
    out = out.sort_values(["asset_id", "scenario", "bcr", "measure"],
                          ascending=[True, True, False, True], na_position="last")
    out["rank"] = out.groupby(["asset_id", "scenario"]).cumcount() + 1
    return out[list(ADAPTATION_COLUMNS)].reset_index(drop=True)
