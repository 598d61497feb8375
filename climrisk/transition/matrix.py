"""Asset rows and the transition matrix: aggregation per business unit, scores and materiality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from climrisk.errors import ClimriskError
from climrisk.transition.drivers import (
    CHANNELS,
    CURRENCY_UNITS,
    DRIVER_BY_NAME,
    DRIVERS,
    EXTRA_COLUMNS,
    MATRIX_COLUMNS,
    OPPORTUNITY_CATEGORIES,
    RISK_CATEGORIES,
)
from climrisk.transition.evaluate import DriverEvaluator
from climrisk.transition.pathway import DEFAULT_PATHWAY_FILE, TransitionPathway
from climrisk.transition.settings import TransitionSettings

__all__ = ["RowCollector", "transition_sources"]


class RowCollector:
    """Aggregates per-asset driver values block by block; optionally keeps the asset rows.

    A block is one driver x scenario x horizon. Each block is summed per business unit as it
    arrives (``numpy.bincount`` over business-unit codes), so the matrix needs memory in
    proportion to the assets, not to assets x blocks. With ``keep_rows`` the block's rows are
    kept as well (integer codes and numbers only; text columns are built once at the end as
    categoricals) for :meth:`asset_rows`. The matrix is the same either way: both come from the
    same per-block sums.

    Parameters
    ----------
    evaluator
        The run's driver evaluator (asset arrays, masks, business-unit codes, notes).
    currency
        Report currency (ISO 4217), the units of currency metrics.
    keep_rows
        Keep one row per asset x block for :meth:`asset_rows`.
    """

    def __init__(self, evaluator: DriverEvaluator, currency: str, keep_rows: bool = True) -> None:
        self.ev = evaluator
        self.currency = currency
        self.keep_rows = keep_rows
        self.blocks: list[tuple[str, str, str, int]] = []  # driver, scenario, horizon, year
        self._n_units = len(evaluator.units)
        self._bins: dict[str, np.ndarray] = {}  # mask -> unit code, or n_units outside the mask
        self._counts: dict[str, np.ndarray] = {}  # mask -> assets per unit
        self._index: dict[str, np.ndarray | None] = {}  # mask -> asset positions (None: all)
        self._sums: list[dict[str, np.ndarray]] = []  # per block: sums per unit
        self._rows: list[tuple[str, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []

    # -- blocks --------------------------------------------------------------------------------
    def _bin(self, applies_to: str) -> tuple[np.ndarray, np.ndarray]:
        """Aggregation bin per asset and the asset count per unit of one mask."""
        if applies_to not in self._bins:
            mask = self.ev.masks[applies_to]
            codes = self.ev.unit_index
            bins = codes if mask.all() else np.where(mask, codes, self._n_units)
            self._bins[applies_to] = bins
            self._counts[applies_to] = np.bincount(bins, minlength=self._n_units + 1)[
                : self._n_units
            ]
        return self._bins[applies_to], self._counts[applies_to]

    def add(
        self, driver: str, values: dict[str, np.ndarray], scenario: str, horizon: str, year: int
    ) -> None:
        """Add one driver's values (every asset; only those it applies to count) for one block.

        ``values`` holds finite per-asset arrays: ``metric``, optionally ``weight``, and any of
        the channels; they are not modified.
        """
        spec = DRIVER_BY_NAME[driver]
        bins, count = self._bin(spec.applies_to)
        if not count.any():
            return
        self.blocks.append((driver, scenario, horizon, int(year)))
        present = [c for c in CHANNELS if c in values]
        impact = _impact([values[c] for c in present])
        self._sums.append(_block_sums(spec.aggregate, bins, count, values, present, impact))
        if self.keep_rows:
            self._keep(spec.applies_to, values, present, impact)

    def _keep(
        self,
        applies_to: str,
        values: dict[str, np.ndarray],
        present: list[str],
        impact: np.ndarray | None,
    ) -> None:
        mask = self.ev.masks[applies_to]
        if applies_to not in self._index:
            self._index[applies_to] = None if mask.all() else np.flatnonzero(mask)
        idx = self._index[applies_to]

        def take(v: np.ndarray) -> np.ndarray:
            return v if idx is None else v[idx]

        channels = {c: take(values[c]) for c in present}
        if impact is None:
            impact_rows = np.zeros(mask.size if idx is None else idx.size)
        elif len(present) == 1:
            impact_rows = channels[present[0]]
        else:
            impact_rows = take(impact)
        self._rows.append((applies_to, take(values["metric"]), impact_rows, channels))

    # -- tables --------------------------------------------------------------------------------
    def _block_columns(self) -> dict[str, list[object]]:
        cols: dict[str, list[object]] = {
            k: []
            for k in (
                "kind",
                "category",
                "driver",
                "scenario",
                "horizon",
                "year",
                "metric",
                "metric_units",
            )
        }
        for driver, scenario, horizon, year in self.blocks:
            spec = DRIVER_BY_NAME[driver]
            cols["kind"].append(spec.kind)
            cols["category"].append(spec.category)
            cols["driver"].append(driver)
            cols["scenario"].append(scenario)
            cols["horizon"].append(horizon)
            cols["year"].append(year)
            cols["metric"].append(spec.metric)
            cols["metric_units"].append(
                self.currency if spec.units == CURRENCY_UNITS else spec.units
            )
        return cols

    def asset_rows(self) -> pd.DataFrame:
        """One row per asset x driver x scenario x horizon (where the driver applies).

        Raises
        ------
        climrisk.errors.ClimriskError
            The collector was made with ``keep_rows=False``.
        """
        if not self.keep_rows:
            raise ClimriskError("asset rows were not kept (keep_rows=False)")
        ordered = [*_ASSET_ID_COLUMNS, *_ROW_COLUMNS, *CHANNELS]
        if not self.blocks:
            return pd.DataFrame(columns=ordered)
        n_assets = self.ev.masks["all"].size
        sizes = np.array(
            [n_assets if self._index[w] is None else self._index[w].size for w, *_ in self._rows],
            dtype=np.int64,
        )
        ends = np.cumsum(sizes)
        starts = ends - sizes
        total = int(ends[-1])
        asset = np.empty(total, dtype=np.intp)
        for (where, *_), a, b in zip(self._rows, starts, ends, strict=True):
            idx = self._index[where]
            asset[a:b] = np.arange(n_assets) if idx is None else idx

        frame: dict[str, object] = {}
        for name in _ASSET_ID_COLUMNS:
            codes, categories = _text_codes(self.ev.a[name])
            frame[name] = pd.Categorical.from_codes(
                codes[asset], categories=categories, validate=False
            )
        for name, values in self._block_columns().items():
            if name == "year":
                frame[name] = np.repeat(np.asarray(values, dtype=np.int64), sizes)
            else:
                codes, categories = _text_codes(pd.Series(values, dtype=object))
                frame[name] = pd.Categorical.from_codes(
                    np.repeat(codes, sizes), categories=categories, validate=False
                )
        metric = np.empty(total)
        impact = np.empty(total)
        channels = {c: np.zeros(total) for c in CHANNELS}
        for (_, m, f, amounts), a, b in zip(self._rows, starts, ends, strict=True):
            metric[a:b] = m
            impact[a:b] = f
            for c, v in amounts.items():
                channels[c][a:b] = v
        frame["metric_value"] = metric
        frame["financial_impact"] = impact
        frame.update(channels)
        return pd.DataFrame({name: frame[name] for name in ordered}, copy=False)

    def matrix(
        self, scenarios: list[str], horizons: list[str], settings: TransitionSettings
    ) -> pd.DataFrame:
        """Aggregate per business unit, then score and flag materiality.

        Sums amounts and ``sum`` metrics; ``mean`` metrics are weighted by the driver's weight
        (IT load, energy). The score is 1 + the number of ``settings.score_thresholds`` that
        max(financial_impact, 0) / business-unit revenue (or value, see ``score_basis``)
        reaches; ``material`` is score >= ``material_min_score`` and impact >=
        ``material_min_impact``.
        """
        if not self.blocks:
            return pd.DataFrame(columns=[*MATRIX_COLUMNS, *CHANNELS, *EXTRA_COLUMNS])
        # one row per block x business unit with assets in the block, block-major
        stacked = {k: np.stack([b[k] for b in self._sums]) for k in self._sums[0]}
        block, unit_code = np.nonzero(stacked["count"] > 0)
        units = np.asarray(self.ev.units, dtype=object)
        unit = units[unit_code]

        def pick(name: str) -> np.ndarray:
            return stacked[name][block, unit_code]

        cols = self._block_columns()
        out = pd.DataFrame(
            {name: np.asarray(values, dtype=object)[block] for name, values in cols.items()}
        )
        out.insert(3, "business_unit", unit)
        out["metric_value"] = pick("metric_value")
        out["financial_impact"] = pick("financial_impact")
        for channel in CHANNELS:
            out[channel] = pick(channel)
        out["basis"] = [DRIVER_BY_NAME[d].basis for d in out["driver"]]
        out["financial_low"] = pick("financial_low")
        out["financial_high"] = pick("financial_high")
        out["year"] = out["year"].astype(np.int64)

        # score denominators per business unit
        a = self.ev.a
        revenue = a["revenue"].groupby(self.ev.unit_index).sum()
        value = a["value"].groupby(self.ev.unit_index).sum()
        revenue.index = units[revenue.index.to_numpy()]
        value.index = units[value.index.to_numpy()]
        first, second = (revenue, value) if settings.score_basis == "revenue" else (value, revenue)
        denom = first.where(first > 0, second)
        denom = denom.where(denom > 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = np.maximum(out["financial_impact"].to_numpy(dtype=float), 0.0) / out[
                "business_unit"
            ].map(denom).to_numpy(dtype=float, na_value=np.nan)
        thresholds = np.asarray(settings.score_thresholds, float)
        ratio = np.where(np.isnan(ratio), -1.0, ratio)
        out["score"] = (1 + (ratio[:, None] >= thresholds[None, :]).sum(axis=1)).astype(np.int64)
        out["material"] = _materiality(out, denom, thresholds, settings)
        no_basis = sorted(set(out["business_unit"]) - set(denom.dropna().index))
        if no_basis:
            self.ev.notes.append(
                {
                    "name": "transition.score_without_basis",
                    "value": ", ".join(no_basis),
                    "source": "business unit with neither revenue nor value: scores set to 1",
                }
            )

        ranks = {
            "kind": {"risk": 0, "opportunity": 1},
            "category": {c: i for i, c in enumerate(RISK_CATEGORIES + OPPORTUNITY_CATEGORIES)},
            "driver": {d.driver: i for i, d in enumerate(DRIVERS)},
            "business_unit": {u: i for i, u in enumerate(sorted(set(out["business_unit"])))},
            "scenario": {sc: i for i, sc in enumerate(scenarios)},
            "horizon": {h: i for i, h in enumerate(horizons)},
        }
        order = np.lexsort([out[c].map(r).to_numpy() for c, r in reversed(ranks.items())])
        matrix = out.iloc[order][[*MATRIX_COLUMNS, *CHANNELS, *EXTRA_COLUMNS]].reset_index(
            drop=True
        )
        for name in (
            "kind",
            "category",
            "driver",
            "business_unit",
            "scenario",
            "horizon",
            "metric",
            "metric_units",
            "basis",
        ):
            matrix[name] = matrix[name].astype(str)
        matrix["material"] = matrix["material"].astype(bool)
        return matrix


_ASSET_ID_COLUMNS = ("asset_id", "asset_type", "business_unit", "country", "region")
_ROW_COLUMNS = (
    "kind",
    "category",
    "driver",
    "scenario",
    "horizon",
    "year",
    "metric",
    "metric_value",
    "metric_units",
    "financial_impact",
)


def _impact(amounts: list[np.ndarray]) -> np.ndarray | None:
    """Financial impact per asset: the channel amounts added in :data:`CHANNELS` order.

    ``None`` when the driver has no channel (impact zero). Channels a driver lacks are zero and
    adding zero changes no sum, so the result equals the sum over all seven channels.
    """
    if not amounts:
        return None
    if len(amounts) == 1:
        return amounts[0]
    total = amounts[0] + amounts[1]
    for amount in amounts[2:]:
        total += amount
    return total


def _block_sums(
    aggregate: str,
    bins: np.ndarray,
    count: np.ndarray,
    values: dict[str, np.ndarray],
    present: list[str],
    impact: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Per business unit: asset count, metric value, financial impact and channel amounts.

    ``bins`` is each asset's business-unit code, or the number of units for assets outside the
    block (summed into a spare bin that is dropped). Sums run in asset order (``bincount``), so
    they do not depend on how many blocks are processed together.
    """
    n_units = count.size

    def total(v: np.ndarray) -> np.ndarray:
        return np.bincount(bins, weights=v, minlength=n_units + 1)[:n_units]

    metric = values["metric"]
    metric_sum = total(metric)
    if aggregate == "mean":
        weight = values.get("weight")
        if weight is None:  # unit weights: the weighted mean is the plain mean
            weight_sum, weighted_sum = count.astype(float), metric_sum
        else:
            weight_sum, weighted_sum = total(weight), total(metric * weight)
        with np.errstate(divide="ignore", invalid="ignore"):
            metric_value = np.where(weight_sum > 0, weighted_sum / weight_sum, metric_sum / count)
    else:
        metric_value = metric_sum
    out = {"count": count, "metric_value": metric_value}
    zeros = np.zeros(n_units)
    for channel in CHANNELS:
        out[channel] = total(values[channel]) if channel in present else zeros
    if impact is None:
        out["financial_impact"] = zeros
    elif len(present) == 1:
        out["financial_impact"] = out[present[0]]
    else:
        out["financial_impact"] = total(impact)
    out["financial_low"] = total(values["low"]) if "low" in values else out["financial_impact"]
    out["financial_high"] = total(values["high"]) if "high" in values else out["financial_impact"]
    return out


def _materiality(
    out: pd.DataFrame, denom: pd.Series, thresholds: np.ndarray, settings: TransitionSettings
) -> np.ndarray:
    """Materiality per category x business unit x scenario x horizon, following the money.

    A category (policy and legal, technology, market, ... ) is material for a business unit in a
    horizon when the sum of its expected costs (risks; cost at risk counts with its high end) or
    benefits (opportunities) scores at least ``material_min_score`` against the unit's revenue
    and reaches ``material_min_impact``. A row is material when its category is and it
    contributes (impact > 0). Reputation is also material where the unit's emissions exceed the
    benchmark pathway's by ``reputation_gap_share`` or more. Sensitivity rows are never material
    (they are what-ifs, shown beside the expected cost).
    """
    counted = out["basis"] != "sensitivity"
    keys = ["kind", "category", "business_unit", "scenario", "horizon"]
    impact = out["financial_impact"].where(counted, 0.0).clip(lower=0.0)
    total = impact.groupby([out[k] for k in keys]).transform("sum").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = total / out["business_unit"].map(denom).to_numpy(dtype=float, na_value=np.nan)
    ratio = np.where(np.isnan(ratio), -1.0, ratio)
    cat_score = 1 + (ratio[:, None] >= thresholds[None, :]).sum(axis=1)
    material = (cat_score >= settings.material_min_score) & (total >= settings.material_min_impact)
    gap = (out["driver"] == "emissions_gap").to_numpy() & (
        out["metric_value"].to_numpy(float) >= settings.reputation_gap_share * 100.0
    )
    return (material & (impact.to_numpy() > 0) | gap) & counted.to_numpy()


def _text_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and sorted categories of a text column; missing and empty text are missing (-1)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, dtype=np.intp)
        labels = list(values.cat.categories)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        labels = list(np.asarray(uniques, dtype=object))
    text = [str(v) for v in labels]
    categories = sorted(set(text) - {""})
    position = {t: i for i, t in enumerate(categories)}
    remap = np.array([position.get(t, -1) for t in text] + [-1], dtype=np.intp)
    return remap[codes], categories


def transition_sources(
    pathway: TransitionPathway, default_used: bool, settings: TransitionSettings
) -> list[dict[str, object]]:
    """Pathway and reference-data sources with their licences, for the manifest."""
    out: list[dict[str, object]] = []
    default = {
        "name": "climrisk default transition pathways (IEA STEPS / NZE, 2025-2050)",
        "file": DEFAULT_PATHWAY_FILE.name,
        "licence": "CC BY-SA 4.0 (contains adapted Ember data); see "
        "climrisk/data/pathways/SOURCES.md",
        "sources": [
            {
                "name": "IEA (2023), World Energy Outlook 2023, Free Dataset (Annex A)",
                "licence": "IEA terms (free dataset, attribution)",
                "used_for": "STEPS grid-intensity trajectory and renewables share",
            },
            {
                "name": "IEA World Energy Outlook 2022/2023 CO2 prices (NZE, by country group)",
                "licence": "IEA terms; headline figures cited",
                "used_for": "NZE carbon prices",
            },
            {
                "name": "IEA (2025), Energy and AI",
                "licence": "IEA terms; headline figures cited",
                "used_for": "data-centre electricity demand",
            },
            {
                "name": "Ember, Yearly Electricity Data (via thegreenwebfoundation/co2.js)",
                "licence": "CC BY-SA 4.0",
                "used_for": "2024 grid-intensity levels",
            },
            {
                "name": "Transition Pathway Initiative, Electricity Utilities benchmark (via "
                "os-climate/ITR)",
                "licence": "TPI terms (cite TPI); ITR code Apache-2.0",
                "used_for": "NZE grid-intensity decline",
            },
            {
                "name": "NDRC/CAC/MIIT/NEA data-centre policies; NEA green certificate prices",
                "licence": "public policy documents",
                "used_for": "China PUE limits, GEC premium",
            },
            {
                "name": "climrisk assumptions",
                "licence": "Apache-2.0",
                "used_for": "STEPS carbon prices, electricity prices, green premium, PUE "
                "trajectories",
            },
        ],
    }
    if default_used:
        default["sha256"] = pathway.sha256
        out.append(default)
    else:
        out.append(
            {
                "name": pathway.label,
                "file": str(pathway.path) if pathway.path is not None else None,
                "sha256": pathway.sha256,
                "licence": "as licensed to the user",
                "sources": pathway.sources(),
            }
        )
        if pathway.supplemented:
            default["used_for"] = ", ".join(f"{s}/{v}" for s, v in pathway.supplemented)
            out.append(default)
    if settings.grid_intensity_by_country:
        out.append(
            {
                "name": "Ember grid CO2 intensity by country (latest year), via co2.js",
                "file": "country_grid_intensity.csv",
                "licence": "CC BY-SA 4.0",
            }
        )
    return out
