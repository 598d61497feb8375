"""Read a saved results folder (the output of ``climrisk assess``) and summarise it for the report.

The report is built from these files only (contracts.md, "Results"):

* ``asset_results.parquet``: one row per asset x hazard x scenario x horizon;
* ``physical_matrix.csv``: one row per category x hazard x asset type x scenario x horizon;
* ``transition_matrix.csv``: one row per kind x category x driver x business unit x pathway x
  horizon (optional when the run had no transition assessment);
* ``transition_assets.parquet``: per-asset transition rows (optional);
* ``manifest.json``: inputs, data versions, configuration, assumptions, scoring, warnings.

The summaries here are sums and maxima of those tables; no risk is computed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from climrisk.errors import ClimriskError, InputError
from climrisk.transition.drivers import CHANNELS
from climrisk.vocabulary import VOCABULARY

__all__ = [
    "ASSET_RESULT_COLUMNS",
    "HAZARD_ORDER",
    "PHYSICAL_MATRIX_COLUMNS",
    "TRANSITION_MATRIX_COLUMNS",
    "ResultsFolder",
    "read_results",
]

HAZARD_ORDER: tuple[str, ...] = VOCABULARY.hazards
_HAZARD_CATEGORY = VOCABULARY.hazard_category
ASSET_TYPE_ORDER: tuple[str, ...] = VOCABULARY.asset_type_names
RISK_CATEGORIES = ("policy_and_legal", "technology", "market", "reputation")
OPPORTUNITY_CATEGORIES = (
    "resource_efficiency", "energy_source", "products_and_services", "markets",
)

ASSET_RESULT_COLUMNS: tuple[str, ...] = (
    "asset_id", "asset_type", "hazard", "scenario", "horizon", "year", "indicator", "units",
    "intensity", "baseline_intensity", "damage_ratio", "ead", "bi_loss", "opex_delta", "score",
    "score_label", "status",
)
# Per-asset attributes: in assets.parquet (older runs repeated them in asset_results).
_ASSET_ATTRIBUTES = ("business_unit", "country", "value")
PHYSICAL_MATRIX_COLUMNS: tuple[str, ...] = (
    "category", "hazard", "asset_type", "scenario", "horizon", "year", "asset_count",
    "value_weighted_score", "max_score", "material", "opex_up", "capex_up", "revenue_down",
    "asset_value_down",
)
TRANSITION_MATRIX_COLUMNS: tuple[str, ...] = (
    "kind", "category", "driver", "business_unit", "scenario", "horizon", "year",
    "financial_impact", "score", "material",
)
_MONEY = ("ead", "bi_loss", "opex_delta")
TRANSITION_CHANNELS = CHANNELS


def _ordered(values: pd.Series | list[str], preferred: tuple[str, ...] | list[str]) -> list[str]:
    present = sorted({str(v) for v in values if isinstance(v, str) and v})
    first = [v for v in preferred if v in present]
    return first + [v for v in present if v not in first]


def _as_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    text = series.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "yes"]).fillna(False).astype(bool)


def _require(path: Path) -> Path:
    if not path.exists():
        raise InputError(path, f"missing from the results folder {path.parent}")
    return path


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", column=missing[0])


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # a damaged or foreign file is a user input problem
        raise InputError(path, f"cannot be read as Parquet: {exc}") from None


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=True)
    except Exception as exc:
        raise InputError(path, f"cannot be read as CSV: {exc}") from None


@dataclass
class ResultsFolder:
    """The tables and manifest of one run, with the orderings the report uses.

    Attributes
    ----------
    asset_results, physical_matrix, transition_matrix, transition_assets
        The result tables (``transition_*`` may be ``None``). ``asset_results`` gains
        ``impact``, ``impact_low`` and ``impact_high``: annual ``ead + bi_loss + opex_delta``
        (central, and with each part at its low / high model quantile where there is one).
    manifest
        The run manifest as a dict.
    assets
        One row per asset (index ``asset_id``): ``asset_type``, ``business_unit``, ``country``,
        ``value`` and, where known, ``name``, ``latitude``, ``longitude``.
    scenarios, pathways, hazards, asset_types
        Present identifiers in report order.
    horizons
        ``[(horizon, year), ...]`` ordered by year.
    """

    folder: Path
    asset_results: pd.DataFrame
    physical_matrix: pd.DataFrame
    transition_matrix: pd.DataFrame | None
    transition_assets: pd.DataFrame | None
    manifest: dict[str, Any]
    assets: pd.DataFrame
    scenarios: list[str]
    pathways: list[str]
    hazards: list[str]
    asset_types: list[str]
    horizons: list[tuple[str, int]]
    currency: str | None
    company: str
    coordinates_source: str | None = None
    notes: list[str] = field(default_factory=list)

    # -- simple facts --------------------------------------------------------------------------

    @property
    def horizon_names(self) -> list[str]:
        """Horizon identifiers ordered by year."""
        return [h for h, _ in self.horizons]

    @property
    def long_horizon(self) -> str:
        """The last horizon (``long``)."""
        return self.horizons[-1][0]

    def year_of(self, horizon: str) -> int | None:
        """The calendar year of a horizon."""
        return dict(self.horizons).get(horizon)

    @property
    def total_value(self) -> float:
        """Sum of asset values [report currency]."""
        return float(self.assets["value"].sum(skipna=True))

    @property
    def high_scenario(self) -> str:
        """The scenario with the largest long-term physical impact (the stress case)."""
        totals = self.physical_totals()
        long = totals[totals["horizon"] == self.long_horizon]
        if long.empty:
            return self.scenarios[-1]
        ranked = long.sort_values(["total", "scenario"], ascending=[False, True])
        return str(ranked.iloc[0]["scenario"])

    def hazard_category(self, hazard: str) -> str:
        """``acute`` or ``chronic`` (from the physical matrix, else the default split)."""
        rows = self.physical_matrix.loc[self.physical_matrix["hazard"] == hazard, "category"]
        return str(rows.iloc[0]) if len(rows) else _HAZARD_CATEGORY.get(hazard, "acute")

    # -- physical summaries --------------------------------------------------------------------

    def physical_totals(self) -> pd.DataFrame:
        """Annual physical impact per scenario and horizon: parts, total, low and high."""
        frame = self.asset_results
        grouped = frame.groupby(["scenario", "horizon"], sort=False, observed=True)
        out = grouped[[*_MONEY, "impact", "impact_low", "impact_high"]].sum(min_count=1)
        spread = grouped["has_spread"].any()
        out = out.join(spread).reset_index()
        out["year"] = out["horizon"].map(dict(self.horizons))
        out = out.rename(columns={"impact": "total", "impact_low": "low", "impact_high": "high"})
        return self._sort(out)

    def _sort(self, frame: pd.DataFrame, scenario_column: str = "scenario",
              order: list[str] | None = None) -> pd.DataFrame:
        order = order or self.scenarios
        rank_s = {s: i for i, s in enumerate(order)}
        rank_h = {h: i for i, (h, _) in enumerate(self.horizons)}
        key = frame[scenario_column].map(rank_s).fillna(99) * 100 + frame["horizon"].map(
            rank_h
        ).fillna(99)
        return frame.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k").reset_index(
            drop=True
        )

    def asset_scores(self) -> pd.DataFrame:
        """Highest score and annual impact per asset, scenario and horizon (+ the top hazard)."""
        frame = self.asset_results
        score = frame["score"].astype("float64")
        work = frame[["asset_id", "scenario", "horizon", "hazard", "impact"]].assign(score=score)
        grouped = work.groupby(["asset_id", "scenario", "horizon"], sort=True, observed=True)
        out = grouped.agg(max_score=("score", "max"),
                          impact=("impact", lambda s: s.sum(min_count=1)))
        ranked = work.sort_values(["score", "impact", "hazard"], ascending=[False, False, True],
                                  na_position="last", kind="stable")
        top = ranked.drop_duplicates(["asset_id", "scenario", "horizon"]).set_index(
            ["asset_id", "scenario", "horizon"]
        )["hazard"]
        out["top_hazard"] = top
        return out.reset_index()

    def value_share_high(self, threshold: int = 4) -> pd.DataFrame:
        """Share of portfolio value at assets whose highest score reaches ``threshold``."""
        scores = self.asset_scores().merge(
            self.assets[["value"]], left_on="asset_id", right_index=True, how="left"
        )
        total = self.total_value
        scores["high_value"] = scores["value"].where(scores["max_score"] >= threshold, 0.0)
        scores["high_count"] = (scores["max_score"] >= threshold).astype(int)
        out = scores.groupby(["scenario", "horizon"], sort=False).agg(
            value=("high_value", "sum"), assets=("high_count", "sum")
        ).reset_index()
        out["share"] = out["value"] / total if total > 0 else np.nan
        return self._sort(out)

    def hazard_impacts(self) -> pd.DataFrame:
        """Annual impact, value-weighted score and materiality per hazard, scenario, horizon."""
        grouped = self.asset_results.groupby(["hazard", "scenario", "horizon"], sort=False,
                                             observed=True)
        impact = grouped[["impact", "impact_low", "impact_high"]].sum(min_count=1).reset_index()
        matrix = self.physical_matrix
        weight = matrix["value"].astype(float) if "value" in matrix else matrix["asset_count"]
        work = matrix.assign(_w=weight, _ws=weight * matrix["value_weighted_score"].astype(float))
        agg = work.groupby(["hazard", "scenario", "horizon"], sort=False).agg(
            material=("material", "any"), _w=("_w", "sum"), _ws=("_ws", "sum"),
            max_score=("max_score", "max"),
        ).reset_index()
        agg["weighted_score"] = agg["_ws"] / agg["_w"].where(agg["_w"] > 0)
        out = impact.merge(agg.drop(columns=["_w", "_ws"]), on=["hazard", "scenario", "horizon"],
                           how="outer")
        out["material"] = out["material"].fillna(False).astype(bool)
        return self._sort(out)

    def top_assets(self, n: int = 20) -> pd.DataFrame:
        """The ``n`` assets with the largest annual impact at the long horizon (worst scenario).

        Returns one row per asset with ``impact_<scenario>`` columns, ``max_score``, ``value``
        and ``drivers``: a list of ``(hazard, impact share)`` for the worst scenario, largest first.
        """
        long = self.long_horizon
        frame = self.asset_results[self.asset_results["horizon"] == long]
        per = frame.groupby(["asset_id", "scenario"], sort=True)["impact"].sum(min_count=1)
        per = per.unstack()
        per = per.reindex(columns=self.scenarios)
        worst = per.max(axis=1, skipna=True).fillna(0.0)
        worst_scenario = per.fillna(-np.inf).idxmax(axis=1)
        order = pd.DataFrame({"worst": worst.to_numpy(), "asset_id": worst.index.to_numpy()})
        order = order.sort_values(["worst", "asset_id"], ascending=[False, True])
        chosen = order[order["worst"] > 0].head(n)["asset_id"].tolist()
        scores = self.asset_scores()
        scores = scores[scores["horizon"] == long].groupby("asset_id")["max_score"].max()
        rows = []
        for asset_id in chosen:
            scenario = worst_scenario[asset_id]
            parts = frame[(frame["asset_id"] == asset_id) & (frame["scenario"] == scenario)]
            parts = parts[["hazard", "impact"]].dropna()
            parts = parts[parts["impact"] > 0].sort_values(["impact", "hazard"],
                                                            ascending=[False, True])
            total = parts["impact"].sum()
            drivers = [(h, float(v) / total) for h, v in zip(parts["hazard"], parts["impact"],
                                                            strict=True)] if total > 0 else []
            info = self.assets.loc[asset_id]
            row = {
                "asset_id": asset_id,
                "name": info.get("name"),
                "asset_type": info["asset_type"],
                "country": info["country"],
                "business_unit": info["business_unit"],
                "value": info["value"],
                "max_score": scores.get(asset_id, np.nan),
                "worst_scenario": scenario,
                "drivers": drivers,
            }
            for s in self.scenarios:
                row[f"impact_{s}"] = per.loc[asset_id, s]
            rows.append(row)
        return pd.DataFrame(rows)

    # -- transition summaries ------------------------------------------------------------------

    def transition_totals(self) -> pd.DataFrame:
        """Annual transition cost (risks) and benefit (opportunities) per pathway and horizon."""
        if self.transition_matrix is None or self.transition_matrix.empty:
            return pd.DataFrame(columns=["scenario", "horizon", "year", "risk", "opportunity"])
        frame = self.transition_matrix
        out = frame.pivot_table(index=["scenario", "horizon"], columns="kind",
                                values="financial_impact", aggfunc="sum", fill_value=0.0,
                                observed=True)
        out = out.reindex(columns=["risk", "opportunity"], fill_value=0.0).reset_index()
        out.columns.name = None
        out["year"] = out["horizon"].map(dict(self.horizons))
        return self._sort(out, order=self.pathways)

    def transition_by_category(self) -> pd.DataFrame:
        """Annual financial impact per kind, category, pathway and horizon."""
        if self.transition_matrix is None or self.transition_matrix.empty:
            return pd.DataFrame(columns=["kind", "category", "scenario", "horizon",
                                         "financial_impact"])
        out = self.transition_matrix.groupby(
            ["kind", "category", "scenario", "horizon"], sort=False, observed=True
        )["financial_impact"].sum().reset_index()
        return self._sort(out, order=self.pathways)

    def transition_drivers(self) -> pd.DataFrame:
        """Per driver and pathway x horizon: impact, materiality, business units and channels."""
        if self.transition_matrix is None or self.transition_matrix.empty:
            return pd.DataFrame()
        frame = self.transition_matrix
        channels = [c for c in TRANSITION_CHANNELS if c in frame.columns]
        agg = {"financial_impact": ("financial_impact", "sum"), "material": ("material", "any"),
               "score": ("score", "max")}
        agg.update({c: (c, "sum") for c in channels})
        out = frame.groupby(["kind", "category", "driver", "scenario", "horizon"], sort=False,
                            observed=True).agg(**agg).reset_index()
        return self._sort(out, order=self.pathways)


def _impact_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``impact``, ``impact_low``, ``impact_high`` and ``has_spread`` (whole-array)."""
    money = frame[list(_MONEY)].astype("float64")
    central = money.sum(axis=1, min_count=1)
    lows, highs, spread = [], [], np.zeros(len(frame), dtype=bool)
    for name in _MONEY:
        value = money[name]
        low = frame.get(f"{name}_low")
        high = frame.get(f"{name}_high")
        low = value if low is None else low.astype("float64")
        high = value if high is None else high.astype("float64")
        spread |= (low.notna() | high.notna()).to_numpy()
        lows.append(low.fillna(value))
        highs.append(high.fillna(value))
    low_sum = pd.concat(lows, axis=1).sum(axis=1, min_count=1)
    high_sum = pd.concat(highs, axis=1).sum(axis=1, min_count=1)
    return frame.assign(
        impact=central,
        impact_low=np.fmin(low_sum, central.fillna(low_sum)),
        impact_high=np.fmax(high_sum, central.fillna(high_sum)),
        has_spread=spread,
    )


_SAVED_COLUMNS = ("name", "latitude", "longitude", *_ASSET_ATTRIBUTES)


def _portfolio_coordinates(manifest: dict[str, Any], folder: Path) -> pd.DataFrame | None:
    """Names, coordinates, business units, countries and values of the assets.

    From the run's ``assets.parquet``, else from its asset file if unchanged.
    """
    from climrisk.io.manifest import file_sha256

    saved = folder / "assets.parquet"
    if saved.is_file():
        table = pd.read_parquet(saved)
        columns = [c for c in _SAVED_COLUMNS if c in table.columns]
        out = table.set_index("asset_id")[columns].copy()
        out.index = out.index.astype(str)
        return out

    for item in manifest.get("inputs") or []:
        if item.get("role") != "portfolio" or not item.get("path"):
            continue
        candidates = [Path(item["path"]), folder / Path(item["path"]).name]
        for path in candidates:
            if not path.is_file():
                continue
            if item.get("sha256") and file_sha256(path) != item["sha256"]:
                continue
            try:
                from climrisk.portfolio import read_portfolio

                assets = read_portfolio(path, allow_multiple_currencies=True).assets
            except (ClimriskError, ImportError, OSError, ValueError):
                return None
            columns = [c for c in _SAVED_COLUMNS if c in assets.columns]
            out = pd.DataFrame(assets[columns]).copy()
            out.index = out.index.astype(str)
            return out
    return None


def _company(manifest: dict[str, Any]) -> str:
    config = manifest.get("configuration") or {}
    if config.get("company"):
        return str(config["company"])
    for item in manifest.get("inputs") or []:
        if item.get("role") == "portfolio" and item.get("path"):
            return Path(str(item["path"])).stem
    portfolios = config.get("portfolios") or []
    return Path(str(portfolios[0])).stem if portfolios else ""


def _currency(manifest: dict[str, Any], transition: pd.DataFrame | None) -> str | None:
    config = manifest.get("configuration") or {}
    for key in ("report_currency", "currency"):
        if config.get(key):
            return str(config[key])
    if manifest.get("currency"):
        return str(manifest["currency"])
    if transition is not None and "metric_units" in transition and "metric" in transition:
        units = transition.loc[
            transition["metric"].isin(["value_at_risk", "additional_revenue"]), "metric_units"
        ].dropna().astype(str)
        units = units[units.str.fullmatch(r"[A-Z]{3}")]
        if len(units):
            return str(units.iloc[0])
    return None


def read_results(folder: Path, manifest: dict[str, Any] | None = None) -> ResultsFolder:
    """Read a results folder written by ``climrisk assess``.

    Parameters
    ----------
    folder
        The run's output folder.
    manifest
        The run manifest when it is not (yet) in the folder as ``manifest.json``.

    Raises
    ------
    climrisk.errors.InputError
        Naming the missing or unreadable file, or the missing column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "results folder not found")
    if manifest is None:
        path = _require(folder / "manifest.json")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(path, f"cannot be read as JSON: {exc}") from None
    elif not isinstance(manifest, dict):
        as_dict = getattr(manifest, "as_dict", None)
        manifest = as_dict() if callable(as_dict) else dict(manifest)
    if not isinstance(manifest, dict):
        raise InputError(folder / "manifest.json", "expected a JSON object")

    results_path = _require(folder / "asset_results.parquet")
    results = _read_parquet(results_path)
    _check_columns(results, ASSET_RESULT_COLUMNS, results_path)
    matrix_path = _require(folder / "physical_matrix.csv")
    matrix = _read_csv(matrix_path)
    _check_columns(matrix, PHYSICAL_MATRIX_COLUMNS, matrix_path)
    matrix["material"] = _as_bool(matrix["material"])

    transition_path = folder / "transition_matrix.csv"
    outputs = manifest.get("outputs") or []
    transition = None
    if transition_path.exists() or "transition_matrix.csv" in outputs:
        transition = _read_csv(_require(transition_path))
        _check_columns(transition, TRANSITION_MATRIX_COLUMNS, transition_path)
        transition["material"] = _as_bool(transition["material"])
        for column in ("kind", "category", "driver", "business_unit", "scenario", "horizon"):
            transition[column] = transition[column].astype(str)
    transition_assets = None
    if (folder / "transition_assets.parquet").exists():
        transition_assets = _read_parquet(folder / "transition_assets.parquet")

    for column in ("asset_id", "asset_type", "hazard", "scenario", "horizon", "status"):
        results[column] = results[column].astype(str)
    results["score"] = pd.to_numeric(results["score"], errors="coerce").astype("Int64")
    results = _impact_columns(results)

    config = manifest.get("configuration") or {}
    horizon_years = dict(
        results.groupby("horizon", sort=False)["year"].first().astype(int).items()
    )
    for name, year in (config.get("horizons") or {}).items():
        horizon_years.setdefault(str(name), int(year))
    horizons = sorted(horizon_years.items(), key=lambda item: (item[1], item[0]))
    scenarios = _ordered(results["scenario"], list(config.get("scenarios") or ["ssp126", "ssp370"]))
    pathways = (
        _ordered(transition["scenario"], list(config.get("pathway_scenarios") or ["steps", "nze"]))
        if transition is not None else []
    )
    hazards = _ordered(results["hazard"], HAZARD_ORDER)
    asset_types = _ordered(results["asset_type"], ASSET_TYPE_ORDER)

    first = results.drop_duplicates("asset_id").set_index("asset_id")
    saved = _portfolio_coordinates(manifest, folder)
    assets = pd.DataFrame({"asset_type": first["asset_type"]})
    for column in _ASSET_ATTRIBUTES:
        if column in first.columns:
            values = first[column]
        elif saved is not None and column in saved.columns:
            values = saved[column].reindex(assets.index)
        else:
            values = pd.Series(pd.NA, index=assets.index)
        assets[column] = (
            pd.to_numeric(values, errors="coerce") if column == "value"
            else values.astype("string")
        )
    if "name" in first.columns:
        assets["name"] = first["name"]
    coordinates_source = None
    if {"latitude", "longitude"} <= set(first.columns):
        assets["latitude"] = pd.to_numeric(first["latitude"], errors="coerce")
        assets["longitude"] = pd.to_numeric(first["longitude"], errors="coerce")
        coordinates_source = "asset_results"
    elif saved is not None:
        extra = [c for c in ("name", "latitude", "longitude") if c in saved.columns]
        assets = assets.join(saved[[c for c in extra if c not in assets.columns]])
        coordinates_source = "portfolio"
    assets = assets.sort_index()

    return ResultsFolder(
        folder=folder,
        asset_results=results,
        physical_matrix=matrix,
        transition_matrix=transition,
        transition_assets=transition_assets,
        manifest=manifest,
        assets=assets,
        scenarios=scenarios,
        pathways=pathways,
        hazards=hazards,
        asset_types=asset_types,
        horizons=horizons,
        currency=_currency(manifest, transition),
        company=_company(manifest),
        coordinates_source=coordinates_source,
    )
