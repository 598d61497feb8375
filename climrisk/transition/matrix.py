"""Asset rows and the transition matrix: aggregation per business unit, scores and materiality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from climrisk.transition.drivers import (
    CHANNELS,
    CURRENCY_UNITS,
    DRIVER_BY_NAME,
    DRIVERS,
    MATRIX_COLUMNS,
    OPPORTUNITY_CATEGORIES,
    RISK_CATEGORIES,
)
from climrisk.transition.evaluate import DriverEvaluator
from climrisk.transition.pathway import DEFAULT_PATHWAY_FILE, TransitionPathway
from climrisk.transition.settings import TransitionSettings

__all__ = ["RowCollector", "transition_sources"]


class RowCollector:
    """Collects per-asset driver values block by block, then builds the two tables.

    A block is one driver x scenario x horizon. Rows hold integer codes (asset position, block)
    and numbers only; the text columns are built once at the end as categoricals, so that a
    portfolio of 100,000 assets stays fast.
    """

    def __init__(self, evaluator: DriverEvaluator, currency: str) -> None:
        self.ev = evaluator
        self.currency = currency
        self.blocks: list[tuple[str, str, str, int]] = []  # driver, scenario, horizon, year
        self._asset: list[np.ndarray] = []
        self._block: list[np.ndarray] = []
        self._metric: list[np.ndarray] = []
        self._weight: list[np.ndarray] = []
        self._channels: dict[str, list[np.ndarray]] = {c: [] for c in CHANNELS}

    def add(
        self, driver: str, values: dict[str, np.ndarray], scenario: str, horizon: str, year: int
    ) -> None:
        """Add one driver's rows (assets it applies to) for one scenario and horizon."""
        spec = DRIVER_BY_NAME[driver]
        mask = self.ev.masks[spec.applies_to]
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        self._asset.append(idx)
        self._block.append(np.full(idx.size, len(self.blocks), dtype=np.int64))
        self.blocks.append((driver, scenario, horizon, int(year)))
        self._metric.append(values["metric"][idx])
        weight = values.get("weight")
        self._weight.append(weight[idx] if weight is not None else np.ones(idx.size))
        for channel in CHANNELS:
            amount = values.get(channel)
            self._channels[channel].append(
                amount[idx] if amount is not None else np.zeros(idx.size)
            )

    # -- tables --------------------------------------------------------------------------------
    def _arrays(self) -> dict[str, np.ndarray]:
        out = {
            "asset": np.concatenate(self._asset),
            "block": np.concatenate(self._block),
            "metric": np.concatenate(self._metric),
            "weight": np.concatenate(self._weight),
        }
        for channel in CHANNELS:
            out[channel] = np.concatenate(self._channels[channel])
        out["financial_impact"] = np.sum([out[c] for c in CHANNELS], axis=0)
        return out

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
        """One row per asset x driver x scenario x horizon (where the driver applies)."""
        if not self.blocks:
            return pd.DataFrame(columns=[*_ASSET_ID_COLUMNS, *_ROW_COLUMNS, *CHANNELS])
        arr = self._arrays()
        a = self.ev.a
        frame: dict[str, object] = {}
        for name in _ASSET_ID_COLUMNS:
            frame[name] = _take_categorical(a[name].to_numpy(dtype=object), arr["asset"])
        for name, values in self._block_columns().items():
            if name == "year":
                frame[name] = np.asarray(values, dtype=np.int64)[arr["block"]]
            else:
                frame[name] = _take_categorical(np.asarray(values, dtype=object), arr["block"])
        frame["metric_value"] = arr["metric"]
        frame["financial_impact"] = arr["financial_impact"]
        for channel in CHANNELS:
            frame[channel] = arr[channel]
        ordered = [*_ASSET_ID_COLUMNS, *_ROW_COLUMNS, *CHANNELS]
        return pd.DataFrame(frame)[ordered]

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
            return pd.DataFrame(columns=[*MATRIX_COLUMNS, *CHANNELS])
        arr = self._arrays()
        a = self.ev.a
        units, unit_code = np.unique(a["business_unit"].to_numpy(dtype=str), return_inverse=True)
        key = arr["block"] * len(units) + unit_code[arr["asset"]]
        uniq, inv = np.unique(key, return_inverse=True)

        def total(values: np.ndarray) -> np.ndarray:
            return np.bincount(inv, weights=values, minlength=uniq.size)

        count = np.bincount(inv, minlength=uniq.size).astype(float)
        metric_sum = total(arr["metric"])
        weight_sum = total(arr["weight"])
        weighted_sum = total(arr["metric"] * arr["weight"])
        block = uniq // len(units)
        unit = units[uniq % len(units)]
        is_mean = np.array([DRIVER_BY_NAME[self.blocks[b][0]].aggregate == "mean" for b in block])
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(weight_sum > 0, weighted_sum / weight_sum, metric_sum / count)
        cols = self._block_columns()
        out = pd.DataFrame(
            {name: np.asarray(values, dtype=object)[block] for name, values in cols.items()}
        )
        out.insert(3, "business_unit", unit)
        out["metric_value"] = np.where(is_mean, mean, metric_sum)
        out["financial_impact"] = total(arr["financial_impact"])
        for channel in CHANNELS:
            out[channel] = total(arr[channel])
        out["year"] = out["year"].astype(np.int64)

        # score denominators per business unit
        revenue = a.groupby("business_unit")["revenue"].sum()
        value = a.groupby("business_unit")["value"].sum()
        first, second = (revenue, value) if settings.score_basis == "revenue" else (value, revenue)
        denom = first.where(first > 0, second)
        denom = denom.where(denom > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.maximum(out["financial_impact"].to_numpy(dtype=float), 0.0) / out[
                "business_unit"
            ].map(denom).to_numpy(dtype=float, na_value=np.nan)
        thresholds = np.asarray(settings.score_thresholds, float)
        ratio = np.where(np.isnan(ratio), -1.0, ratio)
        out["score"] = (1 + (ratio[:, None] >= thresholds[None, :]).sum(axis=1)).astype(np.int64)
        out["material"] = (out["score"] >= settings.material_min_score) & (
            out["financial_impact"] >= settings.material_min_impact
        )
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
        matrix = out.iloc[order][[*MATRIX_COLUMNS, *CHANNELS]].reset_index(drop=True)
        for name in (
            "kind",
            "category",
            "driver",
            "business_unit",
            "scenario",
            "horizon",
            "metric",
            "metric_units",
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


def _take_categorical(values: np.ndarray, index: np.ndarray) -> pd.Categorical:
    """``values[index]`` as a categorical (missing values stay missing)."""
    text = np.array(
        ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values],
        dtype=object,
    )
    cats, codes = np.unique(text, return_inverse=True)
    codes = codes.astype(np.int64)
    if "" in set(cats.tolist()):
        empty = int(np.flatnonzero(cats == "")[0])
        codes = np.where(codes == empty, -1, codes - (codes > empty))
        cats = cats[cats != ""]
    return pd.Categorical.from_codes(codes[index], categories=list(cats))


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
