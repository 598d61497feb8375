"""The physical and transition matrices of a finished job as rows for the HTML tables.

The shape follows Tables 1-3 of the reference ESG report (category, risk, what is affected,
financial channels, ● per horizon where material), as the PDF report does; everything is read
from the job's ``physical_matrix.csv`` and ``transition_matrix.csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from climrisk.portfolio.schema import ASSET_TYPES
from climrisk.risk.matrix import PHYSICAL_CHANNELS
from climrisk.transition.drivers import CHANNELS as TRANSITION_CHANNELS
from climrisk.transition.drivers import OPPORTUNITY_CATEGORIES, RISK_CATEGORIES
from climrisk.vocabulary import HAZARDS

__all__ = [
    "MARK",
    "label",
    "physical_tables",
    "transition_tables",
    "transition_totals",
]

MARK = "●"
_HAZARDS = HAZARDS
_LABELS = {
    "ssp126": "SSP1-2.6", "ssp245": "SSP2-4.5", "ssp370": "SSP3-7.0", "ssp585": "SSP5-8.5",
    "steps": "STEPS", "nze": "NZE", "aps": "APS", "data_center": "Data centres",
    "opex_up": "Opex up", "capex_up": "Capex up", "revenue_down": "Revenue down",
    "revenue_up": "Revenue up", "opex_down": "Opex down", "asset_value_down": "Asset value down",
    "financing_cost_up": "Financing cost up", "policy_and_legal": "Policy and legal",
    "pue_retrofit": "PUE retrofit", "ppa_and_onsite_solar": "PPA and on-site solar",
    "risk": "Risks", "opportunity": "Opportunities",
}


def label(value: object) -> str:
    """Readable English label of a contract identifier (``extreme_heat`` -> ``Extreme heat``)."""
    text = str(value)
    if text in _LABELS:
        return _LABELS[text]
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else text


def _ordered(values: pd.Series, preferred: tuple[str, ...]) -> list[str]:
    present = [str(v) for v in pd.unique(values.astype(str))]
    return [v for v in preferred if v in present] + sorted(v for v in present
                                                           if v not in preferred)


def _as_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype(str).str.strip().str.lower().isin(("true", "1", "yes"))


def _horizons(frame: pd.DataFrame) -> list[tuple[str, int]]:
    pairs = frame[["horizon", "year"]].drop_duplicates()
    pairs = pairs.assign(year=pd.to_numeric(pairs["year"], errors="coerce")).sort_values("year")
    seen: dict[str, int] = {}
    for row in pairs.itertuples(index=False):
        seen.setdefault(str(row.horizon), int(row.year) if row.year == row.year else 0)
    return list(seen.items())


def _channels(frame: pd.DataFrame, names: tuple[str, ...]) -> list[str]:
    return [label(c) for c in names
            if c in frame and pd.to_numeric(frame[c], errors="coerce").fillna(0).abs().sum() > 0]


def physical_tables(folder: Path) -> list[dict[str, Any]]:
    """Table 1 per climate scenario: hazard rows with affected asset types, channels and ●.

    An asset type is listed where its cell is material; when no cell of the hazard is, the
    types with an asset at score 3 or more are listed instead.
    """
    path = folder / "physical_matrix.csv"
    if not path.exists():
        return []
    matrix = pd.read_csv(path)
    if matrix.empty:
        return []
    matrix["material"] = _as_bool(matrix["material"])
    horizons = _horizons(matrix)
    types_order = _ordered(matrix["asset_type"], ASSET_TYPES)
    tables = []
    for scenario in _ordered(matrix["scenario"], ()):
        part = matrix[matrix["scenario"].astype(str) == scenario]
        rows = []
        hazards = _ordered(part["hazard"], _HAZARDS)
        hazards.sort(key=lambda h: str(part.loc[part["hazard"] == h, "category"].iloc[0]))
        last_category = None
        for hazard in hazards:
            cells = part[part["hazard"] == hazard]
            category = str(cells["category"].iloc[0])
            material_types = set(cells.loc[cells["material"], "asset_type"].astype(str))
            if not material_types and "max_score" in cells:
                high = pd.to_numeric(cells["max_score"], errors="coerce") >= 3
                material_types = set(cells.loc[high, "asset_type"].astype(str))
            flags = [bool(cells.loc[cells["horizon"].astype(str) == h, "material"].any())
                     for h, _ in horizons]
            rows.append({
                "category": label(category) if category != last_category else "",
                "hazard": label(hazard),
                "asset_types": ", ".join(label(t) for t in types_order if t in material_types),
                "channels": _channels(cells[cells["material"]] if cells["material"].any()
                                      else cells, PHYSICAL_CHANNELS),
                "flags": flags,
                "max_score": _max(cells, "max_score"),
            })
            last_category = category
        tables.append({"scenario": scenario, "title": label(scenario),
                       "horizons": horizons, "rows": rows})
    return tables


def _max(frame: pd.DataFrame, column: str) -> int | None:
    if column not in frame:
        return None
    value = pd.to_numeric(frame[column], errors="coerce").max()
    return None if value != value else round(float(value))


def transition_tables(folder: Path) -> dict[str, dict[str, Any]]:
    """Tables 2 (risks) and 3 (opportunities): drivers with business units, channels and ●.

    Markers are given per pathway and horizon; business units listed are those where the
    driver is material (else those with a positive financial impact).
    """
    path = folder / "transition_matrix.csv"
    if not path.exists():
        return {}
    matrix = pd.read_csv(path, keep_default_na=False, na_values=[""])
    if matrix.empty:
        return {}
    matrix["material"] = _as_bool(matrix["material"])
    horizons = _horizons(matrix)
    pathways = _ordered(matrix["scenario"], ("steps", "nze"))
    out = {}
    for kind, categories in (("risk", RISK_CATEGORIES), ("opportunity", OPPORTUNITY_CATEGORIES)):
        part = matrix[matrix["kind"].astype(str) == kind]
        rows = []
        for category in _ordered(part["category"], categories) or []:
            cat_rows = part[part["category"].astype(str) == category]
            impact = pd.to_numeric(cat_rows["financial_impact"], errors="coerce").fillna(0)
            totals = impact.groupby(cat_rows["driver"].astype(str)).sum()
            drivers = sorted(totals.index, key=lambda d: (-totals[d], d))
            for j, driver in enumerate(drivers):
                d = cat_rows[cat_rows["driver"].astype(str) == driver]
                d_impact = pd.to_numeric(d["financial_impact"], errors="coerce").fillna(0)
                units = d.loc[d["material"], "business_unit"] if d["material"].any() else (
                    d.loc[d_impact > 0, "business_unit"])
                flags = [
                    bool(d.loc[(d["scenario"].astype(str) == p)
                               & (d["horizon"].astype(str) == h), "material"].any())
                    for p in pathways for h, _ in horizons
                ]
                rows.append({
                    "category": label(category) if j == 0 else "",
                    "driver": label(driver),
                    "units": ", ".join(label(u) for u in sorted(set(units.astype(str)))),
                    "channels": _channels(d, TRANSITION_CHANNELS),
                    "flags": flags,
                })
        out[kind] = {"pathways": [(p, label(p)) for p in pathways], "horizons": horizons,
                     "rows": rows}
    return out


def transition_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The key numbers' transition rows as a grid: (kind, pathway) rows x horizon columns."""
    horizons: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r["year"]):
        horizons.setdefault(row["horizon"], row["year"])
    kinds = [k for k in ("risk", "opportunity") if any(r["kind"] == k for r in rows)]
    pathways = _ordered(pd.Series([r["scenario"] for r in rows], dtype=object), ("steps", "nze"))
    cells = {(r["kind"], r["scenario"], r["horizon"]): r for r in rows}
    grid = []
    for kind in kinds:
        for pathway in pathways:
            values = [cells.get((kind, pathway, h)) for h in horizons]
            if any(values):
                grid.append({"kind": label(kind), "pathway": label(pathway),
                             "values": [v["financial_impact"] if v else None for v in values],
                             "material": [v["material_rows"] if v else 0 for v in values]})
    return {"horizons": list(horizons.items()), "rows": grid}
