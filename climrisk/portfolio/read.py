"""Read an asset file (CSV, Parquet, GeoJSON, GeoPackage, XLSX) into a validated :class:`Portfolio`.

CSV is accepted in UTF-8, UTF-8 with BOM or GB18030, with comma, semicolon or tab delimiters and
any line ending. The file is parsed with pyarrow (fast, C++), every cell read as text, and then
validated as a whole by :mod:`climrisk.portfolio.validate`, so that every problem is reported in
one run, not only the first.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from climrisk.errors import InputError, InputErrors, Issue
from climrisk.io import suffixes
from climrisk.portfolio.model import Portfolio
from climrisk.portfolio.validate import validate_assets

__all__ = ["read_asset_table", "read_portfolio"]

_CSV_SUFFIXES = suffixes.CSV_SUFFIXES
_VECTOR_SUFFIXES = suffixes.VECTOR_SUFFIXES
_PARQUET_SUFFIXES = suffixes.PARQUET_SUFFIXES
_EXCEL_SUFFIXES = suffixes.EXCEL_SUFFIXES
_DELIMITERS = (",", ";", "\t")
# Line breaks of str.splitlines beyond CR and LF: VT, FF, FS, GS, RS (single bytes in UTF-8),
# NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (multi-byte).
_UNICODE_LINE_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_NON_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() keeps


def read_portfolio(path: str | Path, *, allow_multiple_currencies: bool = False) -> Portfolio:
    """Read and validate an asset file.

    Parameters
    ----------
    path
        The asset file: CSV, Parquet, GeoJSON, GeoPackage or XLSX with the contract's columns.
    allow_multiple_currencies
        Accept more than one ISO 4217 currency (only when an FX table is configured).

    Returns
    -------
    Portfolio
        A valid portfolio with defaults applied and recorded as assumptions.

    Raises
    ------
    InputErrors
        Every problem found, each naming the file, the 1-based data row and the column.
    """
    path = Path(path)
    frame, rows = read_asset_table(path)
    return validate_assets(
        frame, path, rows=rows, allow_multiple_currencies=allow_multiple_currencies
    )


def read_asset_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Read the raw table of an asset file, without validation.

    Returns
    -------
    frame
        The columns as the user named them (CSV cells as text; other formats keep their types;
        vector formats carry a ``geometry`` column of shapely objects).
    rows
        The 1-based data row number of each frame row in the file (header excluded).
    """
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not an asset file")
    suffix = path.suffix.lower()
    if suffix in _PARQUET_SUFFIXES or _starts_with(path, b"PAR1"):
        frame = _read_parquet(path)
    elif suffix in _VECTOR_SUFFIXES:
        frame = _read_vector(path)
    elif suffix in _EXCEL_SUFFIXES:
        frame = _read_excel(path)
    else:
        return _read_csv(path)
    return frame, np.arange(1, len(frame) + 1)


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
        if b"geo" in metadata:  # GeoParquet: geometry column as WKB
            import geopandas as gpd

            frame = pd.DataFrame(gpd.read_parquet(path))
        else:
            frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(path, f"cannot read as Parquet: {_first_line(exc)}") from None
    return _empty_check(path, frame)


def _read_vector(path: Path) -> pd.DataFrame:
    import geopandas as gpd

    warnings: list[Issue] = []
    layer = None
    try:
        import pyogrio

        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception:  # listing is a courtesy; reading reports real problems
        layers = []
    if len(layers) > 1:
        layer = layers[0]
        warnings.append(Issue(str(path), f"the file has {len(layers)} layers "
                              f"({', '.join(layers[:5])}); read the first, {layer!r}"))
    try:
        frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(path, f"cannot read as a vector file: {_first_line(exc)}") from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        bounds = frame.total_bounds if len(frame) else None
        projected = bool(getattr(frame.crs, "is_projected", False))
        if projected and bounds is not None and np.all(np.abs(bounds) <= 180):
            warnings.append(Issue(str(path), f"the file declares the projected CRS "
                                  f"{frame.crs.to_string()}, but its coordinates look like "
                                  "degrees; check the CRS (WGS84 is EPSG:4326)"))
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:
            raise InputError(path, f"cannot convert CRS {frame.crs} to WGS84: {exc}") from None
    elif frame.crs is not None and len(frame):
        bounds = frame.total_bounds
        if np.any(np.abs(bounds[[0, 2]]) > 360) or np.any(np.abs(bounds[[1, 3]]) > 90):
            warnings.append(Issue(str(path), "the file declares WGS84 degrees (EPSG:4326), but "
                                  "its coordinates look projected (beyond +-180 / +-90); "
                                  "check the CRS"))
    frame = _empty_check(path, pd.DataFrame(frame))
    frame.attrs["climrisk_warnings"] = warnings
    return frame


def _read_excel(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
    except ImportError:
        raise InputError(path, "reading XLSX needs the 'openpyxl' package") from None
    except Exception as exc:
        raise InputError(path, f"cannot read as an Excel workbook: {_first_line(exc)}") from None
    frame = _empty_check(path, frame)
    frame.attrs["climrisk_warnings"] = _excel_warnings(path)
    return frame


def _excel_warnings(path: Path) -> list[Issue]:
    """Which sheet was read, and formulas saved without their values (read as blank)."""
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # pandas read it; these notes are a courtesy
        return []
    warnings: list[Issue] = []
    names = book.sheetnames
    if len(names) > 1:
        warnings.append(Issue(str(path), f"the workbook has {len(names)} sheets "
                              f"({', '.join(names[:5])}); read the first, {names[0]!r}"))
    uncached: list[tuple[int, str]] = []
    formulas = values_rows = None
    try:
        formulas = book[names[0]].iter_rows(values_only=True)
        values_rows = values[names[0]].iter_rows(values_only=True)
        header: list[str] = []
        for number, (raw, cached) in enumerate(zip(formulas, values_rows, strict=False)):
            if number == 0:
                header = ["" if v is None else str(v) for v in raw]
                continue
            for position, (cell, value) in enumerate(zip(raw, cached, strict=False)):
                if isinstance(cell, str) and cell.startswith("=") and value is None:
                    uncached.append((number, header[position] if position < len(header)
                                     else f"#{position + 1}"))
    finally:
        book.close()
        values.close()
    for row, column in uncached[:20]:
        warnings.append(Issue(str(path), "a formula saved without its value (written by a "
                              "script, never opened in Excel) is read as blank; open and save "
                              "the workbook in Excel, or write values", row=row, column=column))
    if len(uncached) > 20:
        warnings.append(Issue(str(path), f"... and {len(uncached) - 20} more formulas without "
                              "values, read as blank"))
    return warnings


def _empty_check(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    if frame.shape[1] == 0:
        raise InputError(path, "the file has no columns")
    if len(frame) == 0:
        raise InputError(path, "the file has a header but no data rows")
    return frame


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _encoding(path: Path, raw: bytes) -> str:
    """Return the codec of CSV bytes: UTF-8 (with or without BOM), else GB18030.

    Refuses UTF-16 and binary content.
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, "the file is UTF-16 encoded; save it as UTF-8 CSV")
    if b"\x00" in raw[:65536]:
        raise InputError(path, "binary content, not a CSV text file")
    encoding = "utf-8-sig"
    if not raw.isascii():  # ASCII is UTF-8 as it is
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            encoding = "gb18030"
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    path, f"not UTF-8 or GB18030 text (undecodable byte at offset {exc.start})"
                ) from None
    # The first 65,536 characters: at most 4 bytes each, and the file decodes, so only a
    # character cut at the end of the slice can fail.
    sample = raw[: 4 * 65536 + 3].decode(encoding, errors="ignore")[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(8, len(sample) // 200):
        raise InputError(path, "binary content, not a CSV text file")
    return encoding


def _sniff_delimiter(header_line: str) -> str:
    """Pick the delimiter that splits the header into the most fields (outside quotes)."""
    best, best_count = ",", -1
    for delimiter in _DELIMITERS:
        fields = next(csv.reader([header_line], delimiter=delimiter))
        if len(fields) > best_count:
            best, best_count = delimiter, len(fields)
    return best


def _split_header(path: Path, raw: bytes) -> tuple[str, pa.Buffer | bytes]:
    """Return the first non-blank line (the header) and the UTF-8 bytes of the lines below it.

    Lines are split as ``str.splitlines`` splits them.
    """
    encoding = _encoding(path, raw)
    if encoding == "utf-8-sig" and _newline_breaks_only(raw):
        # The common case: the bytes below the header are already the body; no copy of the text.
        if b"\r" in raw:
            raw = raw.replace(b"\r\n", b"\n")
        start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        end = raw.find(b"\n", start)
        while end >= 0 and not raw[start:end].decode("utf-8").strip():
            start = end + 1
            end = raw.find(b"\n", start)
        line = raw[start : len(raw) if end < 0 else end].decode("utf-8")
        if not line.strip():
            raise InputError(path, "the file is empty")
        if end < 0:
            return line, b""
        # Without the file's final line break, as joining the split lines would give: it
        # matters to a quoted value left open at the end of the file.
        stop = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
        return line, pa.py_buffer(raw)[end + 1 : stop]
    lines = raw.decode(encoding).splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise InputError(path, "the file is empty")
    return lines[header_index], "\n".join(lines[header_index + 1 :]).encode("utf-8")


def _newline_breaks_only(raw: bytes) -> bool:
    """Whether the UTF-8 ``raw`` breaks lines only at LF and CRLF.

    ``str.splitlines`` also breaks at a lone CR, VT, FF, FS, GS, RS, NEL, LINE SEPARATOR and
    PARAGRAPH SEPARATOR; files with any of those take the slower, general path.
    """
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return False
    if any(byte in raw for byte in (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")):
        return False
    return raw.isascii() or not any(seq in raw for seq in _UNICODE_LINE_BREAKS)


def _is_blank(data: pa.Buffer | bytes) -> bool:
    """Whether ``data`` holds only ASCII white space (what ``bytes.strip`` removes)."""
    return _NON_SPACE.search(memoryview(data)) is None


def _read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    raw = path.read_bytes()
    if not raw or raw.isspace():
        raise InputError(path, "the file is empty")
    header_line, body = _split_header(path, raw)
    delimiter = _sniff_delimiter(header_line)
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter))]
    if len(header) < 2:
        raise InputError(
            path,
            "the header has a single column; expected comma-, semicolon- or tab-separated "
            "columns such as asset_id,asset_type,latitude,longitude",
            column=header[0] if header else None,
        )
    issues: list[Issue] = []
    for position, name in enumerate(header, start=1):
        if not name:
            issues.append(
                Issue(str(path), f"header cell {position} is empty", column=f"#{position}")
            )
    internal = [f"c{i}" for i in range(len(header))]
    ragged: list[tuple[int, int]] = []
    if _is_blank(body):
        raise InputError(path, "the file has a header but no data rows")

    def on_invalid_row(row: pa_csv.InvalidRow) -> str:
        ragged.append((int(row.number or 0), int(row.actual_columns)))
        return "skip"

    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(
                column_names=internal, use_threads=False, block_size=1 << 24
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(internal, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(path, f"cannot parse as CSV: {_first_line(exc)}") from None
    # pyarrow numbers rows from 1 within the body (blank lines not counted): data row numbers.
    skipped = sorted(number for number, _ in ragged)
    for number, actual in sorted(ragged):
        issues.append(
            Issue(
                str(path),
                f"has {actual} fields but the header has {len(header)}"
                + (" (a delimiter inside an unquoted value?)" if actual > len(header) else ""),
                row=number,
            )
        )
    if len(table) == 0 and not ragged:
        raise InputError(path, "the file has a header but no data rows")
    all_rows = np.arange(1, len(table) + len(skipped) + 1)
    rows = np.setdiff1d(all_rows, np.asarray(skipped, dtype=int)) if skipped else all_rows
    frame = table.to_pandas()
    frame.columns = pd.Index(header)
    if issues:
        # Structural problems: report them together with every cell problem we can still see.
        try:
            validate_assets(frame, path, rows=rows)
        except InputErrors as more:
            issues.extend(more.issues)
        raise InputErrors(sorted(issues, key=_issue_order))
    return frame, rows


def _issue_order(issue: Issue) -> tuple[int, str]:
    return (issue.row or 0, issue.column or "")
