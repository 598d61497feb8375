"""From sampled hazard values to per-asset money and scores, one hazard at a time.

Whole-array throughout: every model is evaluated once per asset type on an array shaped
``(asset, scenario, horizon, quantile[, return_period])``. The contract's conventions are
applied here: expected annual damage by the trapezoid rule over exceedance probabilities,
protection standards for floods, flood depth above the critical floor, money channels kept
separate (``ead``, ``bi_loss``, ``opex_delta``, ``capex``). ``bi_loss`` is lost gross profit
(downtime days / 365 x ``annual_revenue`` x ``gross_margin``), the basis of business
interruption cover. ``ead``, ``bi_loss`` and ``capex`` are
levels at the horizon's climate; ``opex_delta`` is the change in annual operating cost from the
baseline (1985-2014) climate, so a warming that lowers heating costs gives a negative value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import xarray as xr

from climrisk.hazard.layer import EPOCH_CENTRE_YEARS
from climrisk.hazard.time import blend_epochs, epoch_centre_year
from climrisk.risk.acute_kernel import acute_expected_losses, intensity_at_return_period
from climrisk.risk.chunk import AssetChunk, Coded
from climrisk.risk.row_kernels import score_rows
from climrisk.risk.scoring import SCORE_LABELS, ScoringTable
from climrisk.vocabulary import VOCABULARY
from climrisk.vulnerability import Prices, expected_annual_damage, loss_at_return_period

__all__ = [
    "FLOOD_HAZARDS",
    "HAZARD_CATEGORY",
    "PRIMARY_INDICATOR",
    "REPORT_RETURN_PERIOD",
    "RESULT_COLUMNS",
    "RESULT_FILTER_COLUMNS",
    "RESULT_SCHEMA",
    "LayerInput",
    "ResultBlock",
    "arrow_to_frame",
    "as_frame",
    "assess_hazard",
    "block_to_arrow",
]

# Acute and chronic as in the seed report's scenario set-up (IFRS S2 / TCFD usage); the
# indicator reported in `intensity` and scored when a hazard has several layers; the floods.
# All from the vocabulary table (climrisk/data/vocabulary/indicators.toml).
HAZARD_CATEGORY: dict[str, str] = VOCABULARY.hazard_category
PRIMARY_INDICATOR: dict[str, str] = VOCABULARY.primary_indicator
FLOOD_HAZARDS = VOCABULARY.floor_depth_hazards
REPORT_RETURN_PERIOD = 100.0
_SPREAD = ("intensity", "ead", "bi_loss", "opex_delta")

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
)
# Per-asset attributes (business unit, country, value) are in assets.parquet, not repeated on
# every row. Indicator levels and ratios are stored as float32 (the hazard data's own
# precision); money stays float64.
_FLOAT32_COLUMNS = frozenset(
    {"intensity", "intensity_low", "intensity_high", "baseline_intensity", "damage_ratio",
     "downtime_days"}
)

_STATUS = {0: "ok", 1: "filled_from_neighbour", 2: "no_data"}
# One hazard's rows as columns: numpy arrays (NaN for missing) and Coded text columns.
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
        return blend_epochs(self.values, self.epoch_years, years)


def _evaluate(
    model: object, intensity: np.ndarray, assets: pd.DataFrame, prices: Prices
) -> dict[str, np.ndarray]:
    """Run one vulnerability model and return its channels as float arrays."""
    produced = model.evaluate(intensity, assets, prices)  # type: ignore[attr-defined]
    return {name: np.asarray(produced[name], dtype=float) for name in produced}


_MONEY = ("damage_ratio", "ead", "bi_loss", "opex_delta", "capex", "loss_100yr", "downtime_days")


class _Channels(dict):
    """Channel arrays (asset, scenario, horizon, quantile), allocated when first needed.

    Each is stored quantile-major, so one quantile's values are contiguous in row order (asset,
    scenario, horizon): a result column is then a view, handed to Arrow without a copy, and
    arithmetic on the channels keeps that layout.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = shape

    def array(self, name: str) -> np.ndarray:
        if name not in self:
            n_asset, n_scen, n_hor, n_q = self.shape
            stored = np.full((n_q, n_asset, n_scen, n_hor), np.nan)
            self[name] = stored.transpose(1, 2, 3, 0)
        return self[name]

    def put(self, name: str, rows: np.ndarray, values: np.ndarray) -> None:
        self.array(name)[rows] = values


def _layer_money(
    hazard: str,
    layer: LayerInput,
    raw: _Raw,
    years: np.ndarray,
    chunk: AssetChunk,
    prices: Prices,
) -> tuple[_Channels, np.ndarray]:
    """Money channels of one layer (asset, scenario, horizon, quantile); assets with a model.

    Return-period layers whose model gives :class:`~climrisk.vulnerability.EventCurves` run in
    the fused kernel (:mod:`climrisk.risk.acute_kernel`), which fills the ratio arrays in
    place; every other model is evaluated on the layer at the horizons, with the return-period
    axis last. Money follows from the ratios over all assets at once. ``opex_delta`` is the
    change in annual operating cost from the baseline climate. Channels no model produced are
    absent.
    """
    ratios = _Channels((chunk.n, raw.values.shape[1], len(years), raw.values.shape[-1]))
    has_model = np.zeros(chunk.n, dtype=bool)
    acute = raw.return_periods is not None
    at_years: np.ndarray | None = None
    at_baseline: np.ndarray | None = None
    for asset_type, index in chunk.type_groups:
        model = layer.models.get(asset_type)
        if model is None:
            continue
        has_model[index] = True
        subset = chunk.subset(asset_type, index)
        floor = chunk.protection(hazard)[index] if hazard in FLOOD_HAZARDS else None
        make_curves = getattr(model, "event_curves", None) if acute else None
        curves = None
        if make_curves is not None:
            key = getattr(model, "curve_key", None)
            curves = (
                chunk.memo((key, asset_type, id(prices)), partial(make_curves, subset, prices))
                if key is not None
                else make_curves(subset, prices)
            )
        if curves is not None:
            names = ("damage_ratio", "downtime_days", "loss_ratio")
            acute_expected_losses(
                raw.values, raw.epoch_years, years, raw.return_periods, curves,
                protection_rp=floor, target_rp=REPORT_RETURN_PERIOD, rows=index,
                out={name: ratios.array(name) for name in names},
            )
            continue
        if at_years is None:
            at_years = raw.at_years(years)
            if acute:
                at_years = np.moveaxis(at_years, 3, -1)  # return periods last
        out = _evaluate(model, at_years[index], subset, prices)
        if acute:
            rps = raw.return_periods
            if "damage_ratio" in out:
                loss = loss_at_return_period(
                    rps, out["damage_ratio"], REPORT_RETURN_PERIOD, protection_rp=floor
                )
                ratios.put("loss_ratio", index, loss)
            for name in ("damage_ratio", "downtime_days"):
                if name in out:
                    out[name] = expected_annual_damage(rps, out[name], protection_rp=floor)
        for name in ("damage_ratio", "downtime_days", "capex"):
            if name in out:
                ratios.put(name, index, out[name])
        if "opex_delta" in out:
            if at_baseline is None:
                at_baseline = raw.at_years(np.array([EPOCH_CENTRE_YEARS["baseline"]]))
                if acute:
                    at_baseline = np.moveaxis(at_baseline, 3, -1)
            base = _evaluate(model, at_baseline[index], subset, prices)
            ratios.put("opex_delta", index, out["opex_delta"] - base["opex_delta"])
    expand = (slice(None), None, None, None)
    money = _Channels(ratios.shape)
    for name in ("damage_ratio", "downtime_days", "opex_delta", "capex"):
        if name in ratios:
            money[name] = ratios[name]
    if "damage_ratio" in ratios:
        money["ead"] = ratios["damage_ratio"] * chunk.value[expand]
    if "loss_ratio" in ratios:
        money["loss_100yr"] = ratios["loss_ratio"] * chunk.value[expand]
    if "downtime_days" in ratios:
        money["bi_loss"] = ratios["downtime_days"] / 365.0 * chunk.gross_profit[expand]
    return money, has_model


def assess_hazard(
    hazard: str,
    layers: list[LayerInput],
    assets: pd.DataFrame | AssetChunk,
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
        The portfolio's assets, in the same order as the sampled ``asset`` dimension (or an
        :class:`~climrisk.risk.chunk.AssetChunk` of them, shared by the hazards of a chunk).
    horizons
        Horizon name -> year.
    scoring
        Thresholds used for the scores.
    prices
        Unit prices in the portfolio currency (defaults: :class:`Prices` in USD).
    """
    if not horizons:
        raise ValueError("no horizons given")
    chunk = assets if isinstance(assets, AssetChunk) else AssetChunk(assets)
    prices = prices or Prices()
    names = [str(k) for k in horizons]
    years = np.asarray([int(v) for v in horizons.values()], dtype=np.int64)
    primary_name = PRIMARY_INDICATOR.get(hazard, layers[0].indicator)
    primary = next((layer for layer in layers if layer.indicator == primary_name), layers[0])
    totals: dict[str, np.ndarray] = {}
    any_model = np.zeros(chunk.n, dtype=bool)
    reported: dict[str, np.ndarray] = {}
    for layer in layers:
        raw = _Raw.of(layer.values)
        money, has_model = _layer_money(hazard, layer, raw, years, chunk, prices)
        any_model |= has_model
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
    return _rows(hazard, primary, reported, totals, any_model, chunk, scoring)


def _rows(
    hazard: str,
    primary: LayerInput,
    reported: dict[str, np.ndarray],
    totals: dict[str, np.ndarray],
    has_model: np.ndarray,
    chunk: AssetChunk,
    scoring: ScoringTable,
) -> ResultBlock:
    quantiles = reported["quantiles"]
    central = int(np.argmin(np.abs(quantiles - 0.5)))
    low, high = int(np.argmin(quantiles)), int(np.argmax(quantiles))
    spread = len(quantiles) > 1
    scenarios, horizons, years = reported["scenarios"], reported["horizons"], reported["years"]
    n_assets, n_scen, n_hor = chunk.n, len(scenarios), len(horizons)
    n_rows = n_assets * n_scen * n_hor
    missing = np.full(n_rows, np.nan)

    def pick(name: str, q: int) -> np.ndarray:  # (asset, scenario, horizon) -> rows
        source = reported["intensity"] if name == "intensity" else totals.get(name)
        return missing if source is None else source[..., q].reshape(n_rows)

    repeat_asset = chunk.repeat(n_scen * n_hor)
    baseline = reported["baseline"][..., central]  # (asset, scenario)
    indicator = primary.indicator + (
        f" ({REPORT_RETURN_PERIOD:g}-year return period)"
        if primary.kind.startswith("acute")
        else ""
    )

    def constant(text: str) -> Coded:
        return Coded(np.zeros(n_rows, dtype=np.int32), pa.array([text], pa.string()))

    def per_asset(column: str) -> Coded:
        codes = chunk.text(column)
        return Coded(codes.codes[repeat_asset], codes.categories)

    frame: dict[str, object] = {
        "asset_id": Coded(repeat_asset, chunk.ids.categories),
        "asset_type": per_asset("asset_type"),
        "hazard": constant(hazard),
        "scenario": Coded(
            np.tile(np.repeat(np.arange(n_scen, dtype=np.int32), n_hor), n_assets),
            pa.array(list(scenarios), pa.string()),
        ),
        "horizon": Coded(
            np.tile(np.arange(n_hor, dtype=np.int32), n_assets * n_scen),
            pa.array(list(horizons), pa.string()),
        ),
        "year": np.tile(years, n_assets * n_scen),
        "indicator": constant(indicator),
        "units": constant(primary.units),
        "intensity": pick("intensity", central),
        "baseline_intensity": np.repeat(baseline.reshape(-1), n_hor),
    }
    for name in ("damage_ratio", "ead", "bi_loss", "opex_delta"):
        frame[name] = pick(name, central)
    boundaries = scoring.hazard.get((hazard, primary.indicator))
    level = frame["intensity"]
    if hazard in FLOOD_HAZARDS and primary.kind.startswith("acute"):
        # the hazard class reads the 100-year depth the asset faces: none behind defences that
        # hold the 100-year event (the reported intensity stays the undefended depth)
        defended = chunk.protection(hazard)[repeat_asset] >= REPORT_RETURN_PERIOD
        level = np.where(defended, np.minimum(level, 0.0), level)
    scores = score_rows(
        frame["ead"], frame["bi_loss"], frame["opex_delta"], level,
        chunk.value, chunk.revenue, primary.flags, has_model,
        boundaries.values if boundaries else None, scoring.financial,
    )
    frame["score"] = scores["score"]
    frame["score_label"] = Coded(scores["label"], _SCORE_LABELS)
    for name in _SPREAD:
        frame[f"{name}_low"] = pick(name, low) if spread else missing
        frame[f"{name}_high"] = pick(name, high) if spread else missing
    for name in ("loss_100yr", "capex", "downtime_days"):
        frame[name] = pick(name, central)
    frame["hazard_score"] = scores["hazard_score"]
    frame["financial_score"] = scores["financial_score"]
    frame["status"] = Coded(scores["status"], _STATUS_LABELS)
    frame["value"] = chunk.value[repeat_asset]  # for the matrix sums; not a result column
    return frame


_SCORE_LABELS = pa.array(["", *SCORE_LABELS.values(), "no data"], pa.string())
_STATUS_LABELS = pa.array([*_STATUS.values(), "no_model"], pa.string())
_SCORE_COLUMNS = frozenset({"score", "hazard_score", "financial_score"})
_TEXT_COLUMNS = frozenset(
    {"asset_id", "asset_type", "hazard", "scenario", "horizon", "indicator", "units",
     "score_label", "status"}
)


def _result_field(name: str) -> pa.Field:
    """Numbers carry NaN and text is never missing, so only the scores are nullable."""
    if name in _TEXT_COLUMNS:
        return pa.field(name, pa.dictionary(pa.int32(), pa.string()), nullable=False)
    if name in _SCORE_COLUMNS:
        return pa.field(name, pa.int8())
    if name == "year":
        return pa.field(name, pa.int64(), nullable=False)
    if name in _FLOAT32_COLUMNS:
        return pa.field(name, pa.float32(), nullable=False)
    return pa.field(name, pa.float64(), nullable=False)


RESULT_SCHEMA = pa.schema([_result_field(name) for name in RESULT_COLUMNS])
RESULT_FILTER_COLUMNS = ("hazard", "scenario", "horizon")
"""Text columns of ``asset_results.parquet`` with row-group statistics (each row group holds
one hazard), besides the integer columns."""


def block_to_arrow(block: ResultBlock) -> pa.Table:
    """The rows of one hazard as an Arrow table (text as dictionaries, scores int8)."""
    arrays = []
    for name in RESULT_COLUMNS:
        values = block[name]
        if isinstance(values, Coded):
            arrays.append(values.to_arrow())
        elif name in _SCORE_COLUMNS:  # int8, 0 for no score
            arrays.append(pa.array(values.astype(np.int8, copy=False), mask=values == 0))
        elif name == "year":
            arrays.append(pa.array(np.asarray(values, dtype=np.int64)))
        else:
            dtype = np.float32 if name in _FLOAT32_COLUMNS else np.float64
            arrays.append(pa.array(np.asarray(values, dtype=dtype)))
    return pa.Table.from_arrays(arrays, schema=RESULT_SCHEMA)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """Result rows as pandas: dictionaries as categoricals, scores as nullable Int8."""
    return table.to_pandas(types_mapper={pa.int8(): pd.Int8Dtype()}.get)


def as_frame(block: ResultBlock) -> pd.DataFrame:
    """The rows of one hazard as a DataFrame (for tests and small portfolios)."""
    return arrow_to_frame(block_to_arrow(block))
