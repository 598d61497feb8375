"""From sampled hazard values to per-asset money and scores, one hazard at a time.

Whole-array throughout: every model is evaluated once per asset type on an array shaped
``(asset, scenario, horizon, quantile[, return_period])``. The contract's conventions are
applied here: expected annual damage by the trapezoid rule over exceedance probabilities,
protection standards for floods, flood depth above the critical floor, money channels kept
separate (``ead``, ``bi_loss``, ``opex_delta``, ``capex``). ``ead``, ``bi_loss`` and ``capex`` are
levels at the horizon's climate; ``opex_delta`` is the change in annual operating cost from the
baseline (1985-2014) climate, so a warming that lowers heating costs gives a negative value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import xarray as xr

from climrisk.hazard.layer import EPOCH_CENTRE_YEARS
from climrisk.hazard.time import epoch_centre_year, horizon_weights
from climrisk.risk.acute_kernel import acute_expected_losses, intensity_at_return_period
from climrisk.risk.scoring import SCORE_LABELS, ScoringTable, classify
from climrisk.vulnerability import Prices, expected_annual_damage, loss_at_return_period

__all__ = [
    "FLOOD_HAZARDS",
    "HAZARD_CATEGORY",
    "PRIMARY_INDICATOR",
    "REPORT_RETURN_PERIOD",
    "RESULT_COLUMNS",
    "LayerInput",
    "ResultBlock",
    "arrow_to_frame",
    "as_frame",
    "assess_hazard",
    "block_to_arrow",
]

# Acute and chronic as in the seed report's scenario set-up (IFRS S2 / TCFD usage).
HAZARD_CATEGORY: dict[str, str] = {
    "extreme_heat": "acute",
    "extreme_cold": "acute",
    "riverine_flood": "acute",
    "pluvial_flood": "acute",
    "coastal_flood": "acute",
    "tropical_cyclone": "acute",
    "landslide": "acute",
    "wildfire": "acute",
    "water_stress": "chronic",
    "drought": "chronic",
}
# The indicator reported in `intensity` and scored when a hazard has several layers.
PRIMARY_INDICATOR: dict[str, str] = {
    "extreme_heat": "days_above_35c",
    "extreme_cold": "days_below_minus_10c",
    "riverine_flood": "flood_depth",
    "pluvial_flood": "flood_depth",
    "coastal_flood": "flood_depth",
}
FLOOD_HAZARDS = frozenset({"riverine_flood", "pluvial_flood", "coastal_flood"})
REPORT_RETURN_PERIOD = 100.0
_SPREAD = ("intensity", "damage_ratio", "ead", "bi_loss", "opex_delta")

RESULT_COLUMNS: tuple[str, ...] = (
    "asset_id",
    "asset_type",
    "hazard",
    "scenario",
    "horizon",
    "year",
    "indicator",
    "units",
    "intensity",
    "baseline_intensity",
    "damage_ratio",
    "ead",
    "bi_loss",
    "opex_delta",
    "score",
    "score_label",
    *(f"{name}_{side}" for name in _SPREAD for side in ("low", "high")),
    "loss_100yr",
    "capex",
    "downtime_days",
    "hazard_score",
    "financial_score",
    "status",
    "business_unit",
    "country",
    "value",
)

_STATUS = {0: "ok", 1: "filled_from_neighbour", 2: "no_data"}
# One hazard's rows as columns: numpy arrays (NaN for missing) and categoricals for text.
ResultBlock = dict[str, object]


@dataclass(frozen=True)
class LayerInput:
    """One sampled layer: values with dims (asset, scenario, epoch, [rp], [quantile])."""

    indicator: str
    units: str
    kind: str
    values: xr.DataArray
    flags: np.ndarray
    models: Mapping[str, object]


@dataclass(frozen=True)
class _Raw:
    """A sampled layer as a plain array with the quantile axis always present."""

    values: np.ndarray  # (asset, scenario, epoch, [return_period,] quantile)
    epoch_years: list[int]
    scenarios: np.ndarray
    quantiles: np.ndarray
    return_periods: np.ndarray | None

    @classmethod
    def of(cls, values: xr.DataArray) -> _Raw:
        if "quantile" not in values.dims:
            values = values.expand_dims(quantile=[0.5], axis=-1)
        order = ["asset", "scenario", "epoch"]
        if "return_period" in values.dims:
            order.append("return_period")
        values = values.transpose(*order, "quantile")
        data = values.to_numpy()
        if data.dtype not in (np.float32, np.float64):
            data = data.astype(np.float64)
        rps = values["return_period"].to_numpy().astype(float) if len(order) == 4 else None
        return cls(
            np.ascontiguousarray(data),
            [epoch_centre_year(str(e)) for e in values["epoch"].to_numpy()],
            values["scenario"].to_numpy().astype(str),
            values["quantile"].to_numpy().astype(float),
            rps,
        )

    def at_years(self, years: np.ndarray) -> np.ndarray:
        """The layer at each year (epoch axis -> year axis), float64; as :func:`at_horizons`."""
        lower, upper, t = horizon_weights(self.epoch_years, years)
        v0 = np.take(self.values, lower, axis=2)
        v1 = np.take(self.values, upper, axis=2)
        w = t.astype(self.values.dtype).reshape((1, 1, -1) + (1,) * (self.values.ndim - 3))
        return np.where(w > 0, v0 + w * (v1 - v0), v0).astype(np.float64)


def _evaluate(
    model: object, intensity: np.ndarray, assets: pd.DataFrame, prices: Prices
) -> dict[str, np.ndarray]:
    """Run one vulnerability model and return its channels as float arrays."""
    produced = model.evaluate(intensity, assets, prices)  # type: ignore[attr-defined]
    return {name: np.asarray(produced[name], dtype=float) for name in produced}


_MONEY = ("damage_ratio", "ead", "bi_loss", "opex_delta", "capex", "loss_100yr", "downtime_days")


def _layer_money(
    hazard: str,
    layer: LayerInput,
    raw: _Raw,
    years: np.ndarray,
    assets: pd.DataFrame,
    prices: Prices,
) -> dict[str, np.ndarray]:
    """Money channels for one layer, shaped (asset, scenario, horizon, quantile).

    Return-period layers whose model gives :class:`~climrisk.vulnerability.EventCurves` run in
    the fused kernel (:mod:`climrisk.risk.acute_kernel`); every other model is evaluated on
    the layer at the horizons, with the return-period axis last. ``opex_delta`` is the change
    in annual operating cost from the baseline climate.
    """
    n = len(assets)
    shape = (n, raw.values.shape[1], len(years), raw.values.shape[-1])
    result = {name: np.full(shape, np.nan) for name in _MONEY}
    has_model = np.zeros(n, dtype=bool)
    value = assets["value"].to_numpy(dtype=float)
    revenue = assets["annual_revenue"].to_numpy(dtype=float)
    protection = assets["flood_protection_rp"].to_numpy(dtype=float)
    acute = raw.return_periods is not None
    expand = (slice(None), None, None, None)
    codes, types = pd.factorize(assets["asset_type"], use_na_sentinel=True)
    at_years: np.ndarray | None = None
    at_baseline: np.ndarray | None = None
    for code, asset_type in enumerate(types):
        model = layer.models.get(str(asset_type))
        if model is None:
            continue
        index = np.flatnonzero(codes == code)
        has_model[index] = True
        subset = assets.iloc[index]
        make_curves = getattr(model, "event_curves", None) if acute else None
        curves = make_curves(subset, prices) if make_curves is not None else None
        if curves is not None:
            floor = protection[index] if hazard in FLOOD_HAZARDS else None
            kernel = acute_expected_losses(
                raw.values, raw.epoch_years, years, raw.return_periods, curves,
                protection_rp=floor, target_rp=REPORT_RETURN_PERIOD, rows=index,
            )
            out = {"damage_ratio": kernel["damage_ratio"]}
            if curves.downtime is not None:
                out["downtime_days"] = kernel["downtime_days"]
            loss_ratio = kernel["loss_ratio"]
        else:
            if at_years is None:
                at_years = raw.at_years(years)
                if acute:
                    at_years = np.moveaxis(at_years, 3, -1)  # return periods last
            out = _evaluate(model, at_years[index], subset, prices)
            loss_ratio = None
            if acute:
                floor = protection[index] if hazard in FLOOD_HAZARDS else None
                rps = raw.return_periods
                for name in ("damage_ratio", "downtime_days"):
                    if name in out:
                        if name == "damage_ratio":
                            loss_ratio = loss_at_return_period(
                                rps, out[name], REPORT_RETURN_PERIOD, protection_rp=floor
                            )
                        out[name] = expected_annual_damage(rps, out[name], protection_rp=floor)
        if "damage_ratio" in out:
            result["damage_ratio"][index] = out["damage_ratio"]
            result["ead"][index] = out["damage_ratio"] * value[index][expand]
        if loss_ratio is not None:
            result["loss_100yr"][index] = loss_ratio * value[index][expand]
        if "downtime_days" in out:
            result["downtime_days"][index] = out["downtime_days"]
            result["bi_loss"][index] = out["downtime_days"] / 365.0 * revenue[index][expand]
        if "opex_delta" in out:
            if at_baseline is None:
                at_baseline = raw.at_years(np.array([EPOCH_CENTRE_YEARS["baseline"]]))
                if acute:
                    at_baseline = np.moveaxis(at_baseline, 3, -1)
            base = _evaluate(model, at_baseline[index], subset, prices)
            result["opex_delta"][index] = out["opex_delta"] - base["opex_delta"]
        if "capex" in out:
            result["capex"][index] = out["capex"]
    result["has_model"] = has_model
    return result


def assess_hazard(
    hazard: str,
    layers: list[LayerInput],
    assets: pd.DataFrame,
    horizons: Mapping[str, int],
    scoring: ScoringTable,
    prices: Prices | None = None,
) -> ResultBlock:
    """Rows of ``asset_results`` for one hazard: asset x scenario x horizon, as columns.

    Parameters
    ----------
    hazard
        Hazard id.
    layers
        The sampled layers of this hazard (one per indicator).
    assets
        The portfolio's assets, in the same order as the sampled ``asset`` dimension.
    horizons
        Horizon name -> year.
    scoring
        Thresholds used for the scores.
    prices
        Unit prices in the portfolio currency (defaults: :class:`Prices` in USD).
    """
    if not horizons:
        raise ValueError("no horizons given")
    prices = prices or Prices()
    names = [str(k) for k in horizons]
    years = np.asarray([int(v) for v in horizons.values()], dtype=np.int64)
    primary_name = PRIMARY_INDICATOR.get(hazard, layers[0].indicator)
    primary = next((layer for layer in layers if layer.indicator == primary_name), layers[0])
    totals: dict[str, np.ndarray] = {}
    any_model = np.zeros(len(assets), dtype=bool)
    reported: dict[str, np.ndarray] = {}
    for layer in layers:
        raw = _Raw.of(layer.values)
        money = _layer_money(hazard, layer, raw, years, assets, prices)
        any_model |= money.pop("has_model")
        for name, array in money.items():
            if name not in totals:
                totals[name] = array
            else:
                totals[name] = np.where(
                    np.isnan(totals[name]), array, totals[name] + np.nan_to_num(array)
                )
        if layer is primary:
            baseline_year = [EPOCH_CENTRE_YEARS["baseline"]]
            if raw.return_periods is not None:
                args = (raw.values, raw.epoch_years)
                intensity = intensity_at_return_period(
                    *args, years, raw.return_periods, REPORT_RETURN_PERIOD
                )
                baseline = intensity_at_return_period(
                    *args, baseline_year, raw.return_periods, REPORT_RETURN_PERIOD
                )[:, :, 0]
            else:
                intensity = raw.at_years(years)
                baseline = raw.at_years(np.asarray(baseline_year))[:, :, 0]
            reported = {
                "intensity": intensity,
                "baseline": baseline,
                "quantiles": raw.quantiles,
                "scenarios": raw.scenarios,
                "horizons": np.asarray(names),
                "years": years,
            }
    return _rows(hazard, primary, reported, totals, any_model, assets, scoring)


def _rows(
    hazard: str,
    primary: LayerInput,
    reported: dict[str, np.ndarray],
    totals: dict[str, np.ndarray],
    has_model: np.ndarray,
    assets: pd.DataFrame,
    scoring: ScoringTable,
) -> ResultBlock:
    quantiles = reported["quantiles"]
    central = int(np.argmin(np.abs(quantiles - 0.5)))
    low, high = int(np.argmin(quantiles)), int(np.argmax(quantiles))
    spread = len(quantiles) > 1
    scenarios, horizons, years = reported["scenarios"], reported["horizons"], reported["years"]
    n_assets, n_scen, n_hor = len(assets), len(scenarios), len(horizons)

    def flat(array: np.ndarray) -> np.ndarray:  # (asset, scenario, horizon) -> rows
        return array.reshape(n_assets * n_scen * n_hor)

    def pick(array: np.ndarray, q: int) -> np.ndarray:
        return flat(array[..., q])

    repeat_asset = np.repeat(np.arange(n_assets), n_scen * n_hor)
    n_rows = len(repeat_asset)
    baseline = reported["baseline"][..., central]  # (asset, scenario)
    indicator = primary.indicator + (
        f" ({REPORT_RETURN_PERIOD:g}-year return period)"
        if primary.kind.startswith("acute")
        else ""
    )

    def constant(text: str) -> pd.Categorical:
        return pd.Categorical.from_codes(np.zeros(n_rows, dtype=np.int8), [text])

    def per_asset(column: str) -> pd.Categorical:
        codes, uniques = pd.factorize(assets[column].astype(object), use_na_sentinel=True)
        return pd.Categorical.from_codes(codes[repeat_asset], uniques.astype(str))

    frame: dict[str, object] = {
        "asset_id": pd.Categorical.from_codes(repeat_asset, assets.index.astype(str)),
        "asset_type": per_asset("asset_type"),
        "hazard": constant(hazard),
        "scenario": pd.Categorical.from_codes(
            np.tile(np.repeat(np.arange(n_scen), n_hor), n_assets), scenarios
        ),
        "horizon": pd.Categorical.from_codes(
            np.tile(np.arange(n_hor), n_assets * n_scen), horizons
        ),
        "year": np.tile(years, n_assets * n_scen),
        "indicator": constant(indicator),
        "units": constant(primary.units),
        "intensity": pick(reported["intensity"], central),
        "baseline_intensity": np.repeat(baseline.reshape(-1), n_hor),
    }
    for name in ("damage_ratio", "ead", "bi_loss", "opex_delta"):
        frame[name] = pick(totals[name], central)
    annual = np.nansum(np.stack([frame["ead"], frame["bi_loss"], frame["opex_delta"]]), axis=0)
    all_missing = np.isnan(np.stack([frame["ead"], frame["bi_loss"], frame["opex_delta"]])).all(0)
    value = assets["value"].to_numpy(dtype=float)[repeat_asset]
    revenue = assets["annual_revenue"].to_numpy(dtype=float)[repeat_asset]
    base = np.where(value > 0, value, np.where(revenue > 0, revenue, np.nan))
    share = np.where(all_missing, np.nan, annual / base)
    boundaries = scoring.hazard.get((hazard, primary.indicator))
    hazard_score = (
        classify(frame["intensity"], boundaries.values)
        if boundaries
        else np.full(len(share), np.nan)
    )
    financial_score = classify(share, scoring.financial)
    score = np.fmax(hazard_score, financial_score)
    flags = primary.flags[repeat_asset]
    no_data = flags == 2
    score[no_data] = np.nan
    status_codes = flags.astype(np.int8)
    status_codes = np.where(~has_model[repeat_asset] & ~no_data, 3, status_codes)
    frame["score"] = score
    label_codes = np.where(np.isnan(score), np.where(no_data, 6, 0), np.nan_to_num(score))
    frame["score_label"] = pd.Categorical.from_codes(
        label_codes.astype(np.int8), ["", *SCORE_LABELS.values(), "no data"]
    )
    missing = np.full(n_rows, np.nan)
    for name in _SPREAD:
        source = reported["intensity"] if name == "intensity" else totals[name]
        frame[f"{name}_low"] = pick(source, low) if spread else missing
        frame[f"{name}_high"] = pick(source, high) if spread else missing
    for name in ("loss_100yr", "capex", "downtime_days"):
        frame[name] = pick(totals[name], central)
    frame["hazard_score"] = hazard_score
    frame["financial_score"] = financial_score
    frame["status"] = pd.Categorical.from_codes(status_codes, [*_STATUS.values(), "no_model"])
    frame["business_unit"] = per_asset("business_unit")
    frame["country"] = per_asset("country")
    frame["value"] = value
    return frame


_SCORE_COLUMNS = frozenset({"score", "hazard_score", "financial_score"})


def block_to_arrow(block: ResultBlock) -> pa.Table:
    """The rows of one hazard as an Arrow table (categoricals as dictionaries, scores int8)."""
    arrays = []
    for name in RESULT_COLUMNS:
        values = block[name]
        if isinstance(values, pd.Categorical):
            codes = np.asarray(values.codes, dtype=np.int32)
            indices = pa.array(codes, mask=codes < 0) if (codes < 0).any() else pa.array(codes)
            arrays.append(
                pa.DictionaryArray.from_arrays(
                    indices, pa.array(np.asarray(values.categories, dtype=str), pa.string())
                )
            )
        elif name in _SCORE_COLUMNS:
            arrays.append(pa.array(np.nan_to_num(values).astype(np.int8), mask=np.isnan(values)))
        elif name == "year":
            arrays.append(pa.array(np.asarray(values, dtype=np.int64)))
        else:
            arrays.append(pa.array(np.asarray(values, dtype=np.float64)))
    return pa.Table.from_arrays(arrays, names=list(RESULT_COLUMNS))


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """Result rows as pandas: dictionaries as categoricals, scores as nullable Int8."""
    return table.to_pandas(types_mapper={pa.int8(): pd.Int8Dtype()}.get)


def as_frame(block: ResultBlock) -> pd.DataFrame:
    """The rows of one hazard as a DataFrame (for tests and small portfolios)."""
    return arrow_to_frame(block_to_arrow(block))
