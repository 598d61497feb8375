"""What the web app adds to a finished run: key numbers, a map image and an Excel workbook.

Everything here reads the run's own outputs (the contract files and the in-memory
:class:`~climrisk.engine.Assessment`); no risk number is computed again.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from climrisk.engine import Assessment
from climrisk.risk.scoring import SCORE_LABELS
from climrisk.web.safety import neutralise_cell

__all__ = [
    "WORKBOOK_ASSET_ROWS",
    "key_numbers",
    "score_colours",
    "write_map_png",
    "write_workbook",
]

WORKBOOK_ASSET_ROWS = 1_048_575  # Excel's row limit (1,048,576) less the header row
_BATCH_ROWS = 50_000
_ASSET_COLUMNS = (
    "asset_id", "asset_type", "business_unit", "country", "hazard", "scenario", "horizon", "year",
    "indicator", "units", "intensity", "baseline_intensity", "damage_ratio", "ead", "bi_loss",
    "opex_delta", "score", "score_label", "value",
)
_LAND = "#e3e3e0"
_SEA = "#f3f6f9"
_NO_SCORE = "#b0b0b0"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _bools(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype(str).str.strip().str.lower().isin(("true", "1", "yes"))


def key_numbers(result: Assessment) -> dict[str, Any]:
    """Headline numbers of a run for the results page and the API (plain JSON values)."""
    assets = result.portfolio.assets
    physical = result.physical_matrix
    out: dict[str, Any] = {
        "assets": len(assets),
        "total_value": _number(assets["value"].sum(skipna=True)),
        "currency": result.portfolio.currency,
        "physical": [
            {key: (_number(v) if key in ("ead", "bi_loss", "opex_delta") else
                   (int(v) if key == "year" else str(v))) for key, v in row.items()}
            for row in result.summary.get("physical", [])  # type: ignore[union-attr]
        ],
        "matrix_cells": len(physical),
        "material_cells": int(_bools(physical["material"]).sum()) if len(physical) else 0,
        "transition": [],
        "missing_hazards": list(result.missing_hazards),
        "warnings": [str(w) for w in result.manifest.as_dict().get("warnings", [])],
    }
    transition = result.transition_matrix
    if transition is not None and len(transition):
        frame = transition.assign(material=_bools(transition["material"]))
        grouped = frame.groupby(["kind", "scenario", "horizon", "year"], sort=False, observed=True)
        totals = grouped.agg(financial_impact=("financial_impact", "sum"),
                             material_rows=("material", "sum")).reset_index()
        totals = totals.sort_values(["kind", "scenario", "year"], kind="stable")
        out["transition"] = [
            {
                "kind": str(row.kind), "scenario": str(row.scenario),
                "horizon": str(row.horizon), "year": int(row.year),
                "financial_impact": _number(row.financial_impact),
                "material_rows": int(row.material_rows),
            }
            for row in totals.itertuples(index=False)
        ]
    return out


def score_colours() -> dict[int, str]:
    """Hex colour per score 1-5: viridis from light (1) to dark (5), as in the PDF report.

    References
    ----------
    S. van der Walt, N. Smith, "A better default colormap for Matplotlib", SciPy 2015.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    viridis = colormaps["viridis"]
    return {s: to_hex(viridis(1.0 - (s - 1) / 4.0)) for s in range(1, 6)}


def _window(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    if lon.size == 0:
        return -180.0, 180.0, -60.0, 80.0
    lon0, lon1, lat0, lat1 = lon.min(), lon.max(), lat.min(), lat.max()
    pad = max(4.0, 0.1 * max(lon1 - lon0, lat1 - lat0))
    lon0, lon1, lat0, lat1 = lon0 - pad, lon1 + pad, lat0 - pad, lat1 + pad
    if lon1 - lon0 < 24:
        mid = (lon0 + lon1) / 2
        lon0, lon1 = mid - 12, mid + 12
    if lat1 - lat0 < 14:
        mid = (lat0 + lat1) / 2
        lat0, lat1 = mid - 7, mid + 7
    return max(lon0, -180.0), min(lon1, 180.0), max(lat0, -85.0), min(lat1, 85.0)


def write_map_png(
    longitude: np.ndarray, latitude: np.ndarray, max_score: np.ndarray, path: Path
) -> Path:
    """Draw the assets over country outlines, coloured by their highest score, as a PNG.

    Parameters
    ----------
    longitude, latitude
        Asset points. [degrees, WGS84]
    max_score
        Highest score of each asset over hazards, scenarios and horizons (NaN: no data). [1-5]
    path
        The PNG to write.

    References
    ----------
    Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1 (public domain), through
    :func:`climrisk.portfolio.countries.load_boundaries`.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from climrisk.portfolio.countries import load_boundaries

    lon = np.asarray(longitude, dtype=float)
    lat = np.asarray(latitude, dtype=float)
    scores = np.asarray(max_score, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat, scores = lon[ok], lat[ok], scores[ok]
    lon0, lon1, lat0, lat1 = _window(lon, lat)
    stretch = 1.0 / max(0.2, math.cos(math.radians((lat0 + lat1) / 2)))
    height = min(6.0, max(2.6, 8.0 * (lat1 - lat0) * stretch / (lon1 - lon0)))
    figure = Figure(figsize=(8.0, height), dpi=110)
    axes = figure.add_axes((0.005, 0.005, 0.99, 0.99))
    axes.set_facecolor(_SEA)
    countries = load_boundaries().cx[lon0:lon1, lat0:lat1]
    if len(countries):
        tolerance = max(lon1 - lon0, lat1 - lat0) / 1500
        countries = countries.set_geometry(countries.geometry.simplify(tolerance))
        countries.plot(ax=axes, facecolor=_LAND, edgecolor="#9aa5ad", linewidth=0.35)
    colours = score_colours()
    rounded = np.where(np.isfinite(scores), np.clip(np.round(scores), 1, 5), 0).astype(int)
    fill = np.array([colours.get(int(s), _NO_SCORE) for s in range(6)])[rounded]
    order = np.argsort(rounded, kind="stable")  # highest scores drawn last, on top
    axes.scatter(lon[order], lat[order], c=fill[order], s=28, edgecolors="#222222",
                 linewidths=0.5, zorder=3)
    axes.set_xlim(lon0, lon1)
    axes.set_ylim(lat0, lat1)
    axes.set_aspect(stretch, adjustable="box")
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_xlabel("")
    axes.set_ylabel("")
    handles = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor=colours[s],
               markeredgecolor="#222222", markersize=6, label=f"{s} {SCORE_LABELS[s]}")
        for s in range(5, 0, -1)
    ]
    if (rounded == 0).any():
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=_NO_SCORE,
                              markeredgecolor="#222222", markersize=6, label="no data"))
    axes.legend(handles=handles, title="highest score", loc="lower left", fontsize=7,
                title_fontsize=7, framealpha=0.9)
    figure.savefig(path, format="png")
    return path


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet(book: Any, title: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    sheet.append([_cell(str(c)) for c in frame.columns])
    _append(sheet, frame)


def _append(sheet: Any, frame: pd.DataFrame) -> None:
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])


def _asset_attributes(folder: Path, present: set[str]) -> pd.DataFrame | None:
    """Business unit, country and value per asset id from ``assets.parquet`` (None: nothing)."""
    wanted = [c for c in ("business_unit", "country", "value") if c not in present]
    saved = folder / "assets.parquet"
    if not wanted or not saved.is_file() or "asset_id" not in present:
        return None
    table = pd.read_parquet(saved)
    attributes = table[[c for c in wanted if c in table.columns]]
    attributes.index = table["asset_id"].astype(str)
    attributes = attributes[~attributes.index.duplicated()]
    return attributes if len(attributes.columns) else None


def _with_attributes(rows: pd.DataFrame, attributes: pd.DataFrame | None,
                     order: list[str]) -> pd.DataFrame:
    """Result rows with the asset attributes looked up by id, columns in ``order``."""
    if attributes is not None:
        keys = rows["asset_id"].astype(str)
        rows = rows.assign(**{c: keys.map(attributes[c]).to_numpy() for c in attributes.columns})
    return rows[order]


def _asset_sheet(book: Any, folder: Path, results: Path) -> None:
    """The "Asset results" sheet: every row up to Excel's limit, and a note sheet beyond it."""
    import pyarrow.parquet as pq

    table = pq.ParquetFile(results)
    names = set(table.schema_arrow.names)
    columns = [c for c in _ASSET_COLUMNS if c in names]
    attributes = _asset_attributes(folder, set(columns))
    present = set(columns) | (set(attributes.columns) if attributes is not None else set())
    order = [c for c in _ASSET_COLUMNS if c in present]
    sheet = book.create_sheet("Asset results")
    sheet.append(order)
    total = table.metadata.num_rows
    written = 0
    for batch in table.iter_batches(batch_size=_BATCH_ROWS, columns=columns):
        take = min(batch.num_rows, WORKBOOK_ASSET_ROWS - written)
        if take <= 0:
            break
        frame = batch.slice(0, take).to_pandas()
        _append(sheet, _with_attributes(frame, attributes, order))
        written += take
    if written < total:
        note = book.create_sheet("Note")
        note.append([f"The Asset results sheet holds {written:,} of {total:,} rows "
                     f"({total - written:,} left out: Excel's sheet limit); every row is in "
                     "asset_results.parquet and asset_results.csv."])


def write_workbook(folder: Path, path: Path, summary: dict[str, Any]) -> Path:
    """Write an Excel workbook with the key numbers, both matrices and the asset results.

    Every text cell that a spreadsheet would run as a formula is neutralised. The asset results
    sheet holds every row up to :data:`WORKBOOK_ASSET_ROWS` (Excel's limit); beyond it a "Note"
    sheet says how many rows were left out (the full table is in ``asset_results.parquet``).
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    rows = [["item", "value"], ["assets", summary.get("assets")],
            ["total value", summary.get("total_value")], ["currency", summary.get("currency")],
            ["material physical matrix cells", summary.get("material_cells")],
            ["physical matrix cells", summary.get("matrix_cells")]]
    sheet = book.create_sheet("Summary")
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.append([])
    sheet.append(["scenario", "horizon", "year", "ead", "bi_loss", "opex_delta"])
    for row in summary.get("physical", []):
        sheet.append([_cell(row.get(k)) for k in
                      ("scenario", "horizon", "year", "ead", "bi_loss", "opex_delta")])
    _sheet(book, "Physical matrix", pd.read_csv(folder / "physical_matrix.csv"))
    transition = folder / "transition_matrix.csv"
    if transition.exists():
        _sheet(book, "Transition matrix", pd.read_csv(transition, keep_default_na=False,
                                                      na_values=[""]))
    results = folder / "asset_results.parquet"
    if results.exists():
        _asset_sheet(book, folder, results)
    book.save(path)
    return path
