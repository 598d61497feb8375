"""Write the contract's result tables: asset results, physical and transition matrices."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from climrisk.engine import Assessment

__all__ = ["CSV_ASSET_LIMIT", "write_tables"]

CSV_ASSET_LIMIT = 100_000
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Quote user text a spreadsheet would run as a formula (OWASP CSV injection)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            text = frame[column]
            risky = text.astype("string").str.startswith(_FORMULA_PREFIXES).fillna(False)
            numeric = pd.to_numeric(text.where(risky), errors="coerce").notna()
            mask = risky & ~numeric
            if mask.any():
                frame.loc[mask, column] = "'" + text[mask].astype(str)
    return frame


def _neutralise_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Formula neutralisation on the categories of categorical columns (cheap: unique values)."""
    frame = frame.copy(deep=False)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            categories = pd.Series(frame[column].cat.categories.astype(str))
            risky = categories.str.startswith(_FORMULA_PREFIXES)
            numeric = pd.to_numeric(categories.where(risky), errors="coerce").notna()
            if (risky & ~numeric).any():
                fixed = categories.where(~(risky & ~numeric), "'" + categories)
                frame[column] = frame[column].cat.rename_categories(list(fixed))
    return frame


def write_csv_fast(frame: pd.DataFrame, path: Path) -> None:
    """Write a large frame as CSV with Arrow's C++ writer (NaN and <NA> as empty cells)."""
    table = pa.Table.from_pandas(_neutralise_categories(frame), preserve_index=False)
    columns = [
        column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
        for column in table.columns
    ]
    pa_csv.write_csv(pa.table(columns, names=table.column_names), path)


_ASSET_COLUMNS = (
    "name",
    "asset_type",
    "business_unit",
    "country",
    "latitude",
    "longitude",
    "value",
    "annual_revenue",
    "has_footprint",
)


def _asset_table(assessment: Assessment) -> pd.DataFrame:
    """One row per asset (names, coordinates, value) for maps and appendices."""
    assets = assessment.portfolio.assets
    table = pd.DataFrame({c: assets[c] for c in _ASSET_COLUMNS if c in assets.columns})
    table.insert(0, "asset_id", assets.index.astype(str))
    return table.reset_index(drop=True)


def write_tables(assessment: Assessment, folder: Path, *, csv: bool | None = None) -> list[str]:
    """Write every result table into ``folder``; return the file names written.

    ``asset_results.csv`` is written for portfolios up to :data:`CSV_ASSET_LIMIT` assets, or
    always / never when ``csv`` is True / False.
    """
    written = []
    results = assessment.asset_results
    parquet = folder / "asset_results.parquet"
    if not parquet.exists():  # not streamed by the engine's sink: write it from memory
        if results is None:
            raise ValueError("asset results were neither kept in memory nor streamed to Parquet")
        results.to_parquet(parquet, index=False)
    written.append("asset_results.parquet")
    n_assets = len(assessment.portfolio)
    if results is None and csv:
        results = pd.read_parquet(parquet)
    if results is not None and (csv or (csv is None and n_assets <= CSV_ASSET_LIMIT)):
        write_csv_fast(results, folder / "asset_results.csv")
        written.append("asset_results.csv")
    _asset_table(assessment).to_parquet(folder / "assets.parquet", index=False)
    written.append("assets.parquet")
    assessment.physical_matrix.to_csv(
        folder / "physical_matrix.csv", index=False, float_format="%.6g"
    )
    written.append("physical_matrix.csv")
    if assessment.transition_matrix is not None:
        _neutralise_formulas(assessment.transition_matrix).to_csv(
            folder / "transition_matrix.csv", index=False, float_format="%.6g"
        )
        written.append("transition_matrix.csv")
    if assessment.transition_assets is not None and len(assessment.transition_assets):
        assessment.transition_assets.to_parquet(folder / "transition_assets.parquet", index=False)
        written.append("transition_assets.parquet")
    return written
