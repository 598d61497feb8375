"""Write the contract's result tables: asset results, physical and transition matrices."""

from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from climrisk.engine import Assessment
from climrisk.io.formula import FORMULA_START
from climrisk.io.formula import formula_cells as _formula_cells

__all__ = ["CSV_ASSET_LIMIT", "write_tables"]

CSV_ASSET_LIMIT = 100_000


def _quoted(values: pd.Series, mask: pd.Series) -> pd.Series:
    """``values`` with the masked ones prefixed by an apostrophe."""
    return values.where(~mask, "'" + values.astype(str))


def _neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Quote user text a spreadsheet would run as a formula (OWASP CSV injection)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            mask = _formula_cells(frame[column])
            if mask.any():
                frame.loc[mask, column] = "'" + frame[column][mask].astype(str)
    return frame


def _neutralise_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Formula neutralisation on the categories of categorical columns (cheap: unique values)."""
    frame = frame.copy(deep=False)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            categories = pd.Series(frame[column].cat.categories.astype(str))
            mask = _formula_cells(categories)
            if mask.any():
                fixed = _quoted(categories, mask)
                frame[column] = frame[column].cat.rename_categories(list(fixed))
    return frame


def write_csv_fast(frame: pd.DataFrame | pa.Table | Iterable[pa.RecordBatch], path: Path) -> None:
    """Write a large table as CSV with Arrow's C++ writer (NaN and nulls as empty cells).

    Text that a spreadsheet would run as a formula is quoted. Slices of rows are formatted a
    few at a time on threads (Arrow releases the GIL) and written in order under one header,
    so memory holds a few slices, not the file. ``frame`` may also be record batches (e.g.
    read from a Parquet file), so the whole table never needs to be in memory.
    """
    if isinstance(frame, pd.DataFrame):
        frame = pa.Table.from_pandas(_neutralise_categories(frame), preserve_index=False)
    batches = frame.to_batches() if isinstance(frame, pa.Table) else frame

    def slices() -> Iterator[pa.Table]:
        for batch in batches:
            table = _neutralise_dictionaries(pa.Table.from_batches([batch]))
            for start in range(0, table.num_rows, _CSV_SLICE_ROWS):
                yield table.slice(start, _CSV_SLICE_ROWS)

    def formatted(position: int, part: pa.Table) -> bytes:
        part = pa.table([_csv_column(c) for c in part.columns], names=part.column_names)
        sink = io.BytesIO()
        pa_csv.write_csv(part, sink, pa_csv.WriteOptions(include_header=position == 0))
        return sink.getvalue()

    wrote_rows = False
    with path.open("wb") as out, ThreadPoolExecutor(max_workers=_CSV_THREADS) as pool:
        pending: deque[Future[bytes]] = deque()
        for position, part in enumerate(slices()):
            pending.append(pool.submit(formatted, position, part))
            wrote_rows = True
            if len(pending) > _CSV_THREADS:
                out.write(pending.popleft().result())
        while pending:
            out.write(pending.popleft().result())
        if not wrote_rows and isinstance(frame, pa.Table):  # no rows: the header alone
            pa_csv.write_csv(frame.schema.empty_table(), out)


_CSV_SLICE_ROWS = 200_000
_CSV_THREADS = max(1, min(os.cpu_count() or 1, 4))
_RISKY = FORMULA_START


def _parquet_rows(path: Path) -> pa.Table | Iterator[pa.RecordBatch]:
    """The rows of a Parquet file batch by batch (an empty file as its empty table)."""
    file = pq.ParquetFile(path)
    if file.metadata.num_rows == 0:
        return file.schema_arrow.empty_table()
    return file.iter_batches(batch_size=_CSV_SLICE_ROWS)


def _csv_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text for dictionaries; NaN as null, so that both are empty cells."""
    if pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    if pa.types.is_floating(column.type):
        return pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
    return column


def _neutralise_dictionaries(table: pa.Table) -> pa.Table:
    """Formula neutralisation on the dictionaries of dictionary columns (unique values only)."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = pa.chunked_array(
                [_neutralise_chunk(chunk) for chunk in column.chunks], type=column.type
            )
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _neutralise_chunk(chunk: pa.DictionaryArray) -> pa.DictionaryArray:
    """One dictionary neutralised; numbers such as ``-5`` are left alone.

    A regular expression finds the candidates in Arrow; only those (rare) go through Python.
    """
    dictionary = chunk.dictionary
    if len(dictionary) == 0 or not pc.any(pc.match_substring_regex(dictionary, _RISKY)).as_py():
        return chunk
    values = pd.Series(dictionary.to_pylist(), dtype="object")
    mask = _formula_cells(values)
    if not mask.any():
        return chunk
    fixed = _quoted(values, mask)
    return pa.DictionaryArray.from_arrays(chunk.indices, pa.array(fixed.tolist(), pa.string()))


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
    results = assessment.asset_table
    parquet = folder / "asset_results.parquet"
    if not parquet.exists():  # not streamed by the engine's sink: write it from memory
        if results is None:
            raise ValueError("asset results were neither kept in memory nor streamed to Parquet")
        pq.write_table(results, parquet, compression="lz4")
    written.append("asset_results.parquet")
    n_assets = len(assessment.portfolio)
    if csv or (csv is None and n_assets <= CSV_ASSET_LIMIT):
        rows = results if results is not None else _parquet_rows(parquet)
        write_csv_fast(rows, folder / "asset_results.csv")
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
