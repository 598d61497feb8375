"""Validate a raw asset table against the schema and build a :class:`Portfolio`.

Every check is whole-column (Arrow, pandas and shapely vectorised; a text column is checked once
per distinct value); Python only loops over the cells that are wrong, to word their messages. All
problems are collected and raised together.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
import shapely

from climrisk.data.protection import protection_assumptions
from climrisk.errors import InputErrors, Issue
from climrisk.portfolio import schema
from climrisk.portfolio.model import Assumption, Portfolio
from climrisk.vocabulary import VOCABULARY

__all__ = ["FOOTPRINT_MAX_OFFSET_KM", "MISSING_TOKENS", "validate_assets"]

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "#n/a"})
# Every upper/lower-case spelling of the tokens: no other character lower-cases to one of
# their letters, so ``x in _MISSING_SPELLINGS`` is ``x.lower() in MISSING_TOKENS``.
_MISSING_SPELLINGS = pa.array(
    sorted(
        {
            "".join(letters)
            for token in MISSING_TOKENS
            for letters in itertools.product(*({c.lower(), c.upper()} for c in token))
        }
    ),
    type=pa.string(),
)
# A footprint further than this from its latitude/longitude is almost always a coordinate-order
# mistake (WKT is "longitude latitude").
FOOTPRINT_MAX_OFFSET_KM = 10.0
_EARTH_RADIUS_KM = 6371.0088
_TEXT_KINDS = {"text", "asset_type", "cooling", "country", "currency", "wkt"}
_DEFAULT_BUSINESS_UNIT = VOCABULARY.business_unit_by_asset_type


class _Collector:
    """Collects issues for one file, with the data-row numbers of the frame rows."""

    def __init__(self, path: Path, rows: np.ndarray) -> None:
        self.path = str(path)
        self.rows = rows
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def file(self, message: str, column: str | None = None) -> None:
        self.issues.append(Issue(self.path, message, None, column))

    def cells(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        values: pd.Series,
        message: Callable[[str], str],
    ) -> None:
        self._cells(self.issues, mask, column, values, message)

    def warn(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        values: pd.Series,
        message: Callable[[str], str],
    ) -> None:
        """Like :meth:`cells`, for problems that do not stop the run."""
        self._cells(self.warnings, mask, column, values, message)

    def _cells(
        self,
        into: list[Issue],
        mask: np.ndarray | pd.Series,
        column: str,
        values: pd.Series,
        message: Callable[[str], str],
    ) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for position in positions:
            raw = values.iloc[position]
            text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
            text = _short(text)
            into.append(Issue(self.path, message(text), int(self.rows[position]), column, text))


def _short(text: str, limit: int = 80) -> str:
    """A cell as quoted in a message: at most ``limit`` characters, on one line."""
    if len(text) > limit:
        text = f"{text[: limit - 20]}...({len(text):,} characters)"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _text(series: pd.Series, missing_tokens: frozenset[str] = MISSING_TOKENS) -> pd.Series:
    """Cells as stripped text, with the usual spellings of 'missing' turned into <NA>."""
    text = series.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(missing_tokens)
    return text.mask(missing)


def _distinct(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Return a column's distinct values, then <NA>, and the position of each cell among them.

    An element-wise function applied to the few distinct values of a long text column and
    spread back with :func:`_spread` gives what it gives on the whole column, at a fraction of
    the cost. Only text columns are reduced: other values that compare equal (``1`` and
    ``1.0``) can still print differently.
    """
    if isinstance(series.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        values = pd.Series(uniques, dtype=series.dtype)
    else:
        codes, values = np.arange(len(series)), series.reset_index(drop=True)
    distinct = pd.concat([values, pd.Series([None], dtype=values.dtype)], ignore_index=True)
    return distinct, np.where(codes < 0, len(distinct) - 1, codes)


def _spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Return ``values`` (one per distinct value) at every cell; undoes :func:`_distinct`."""
    return pd.Series(values.array.take(codes), index=index)


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column as float.

    Returns
    -------
    values
        float64, NaN where a cell is missing or not a number.
    not_number
        Cells that are neither missing nor a number.
    missing
        Cells that are blank or spell 'missing' (see :data:`MISSING_TOKENS`).
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return values, np.zeros(values.size, dtype=bool), series.isna().to_numpy()
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        parsed = _arrow_numbers(pa.array(series.array))
        if parsed is not None:
            return parsed
    text = _text(series)
    values = pd.to_numeric(text.str.replace(r"^\+", "", regex=True), errors="coerce")
    values = values.to_numpy(dtype="float64", na_value=np.nan)
    missing = text.isna().to_numpy()
    return values, ~missing & np.isnan(values), missing


def _arrow_numbers(
    strings: pa.Array | pa.ChunkedArray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Parse Arrow strings as :func:`_numbers` does, in C++; ``None`` when pandas must decide.

    Arrow reads every spelling of a number that ``pandas.to_numeric`` reads, except a leading
    ``+`` followed by another sign and surrounding white space after a ``+`` (it refuses those,
    and the column takes the pandas path), and gives the same correctly rounded value. The one
    difference in value is ``-0``: pandas reads it as an integer, so as ``0.0`` when no cell of
    the column has a fraction or exponent; a column with a negative zero takes the pandas path.
    """
    values = None
    if pc.min(pc.binary_length(strings)).as_py():  # no empty cell (a failed cast is slow)
        try:  # most columns: every cell a plain number (no blanks, no white space)
            values = pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False)
            missing = np.zeros(values.size, dtype=bool)
        except pa.ArrowInvalid:
            pass
    if values is None or np.isnan(values).any():  # NaN: "nan" is missing, "-nan" is not
        text = pc.utf8_trim_whitespace(strings)
        spellings = _MISSING_SPELLINGS.cast(text.type)
        is_missing = pc.or_kleene(pc.is_null(text), pc.is_in(text, value_set=spellings))
        try:
            parsed = pc.cast(pc.if_else(is_missing, pa.scalar(None, text.type), text), pa.float64())
        except pa.ArrowInvalid:  # some cell is not a plain number: pandas words the problems
            return None
        values = parsed.to_numpy(zero_copy_only=False)
        values = np.where(np.isnan(values), np.nan, values)  # "-nan" gives a negative NaN
        missing = is_missing.to_numpy(zero_copy_only=False)
    if np.signbit(values[values == 0.0]).any():
        return None
    return values, ~missing & np.isnan(values), missing


def _closest(value: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(schema.normalise_token(value), choices, n=1, cutoff=0.6)
    return match[0] if match else None


def _map_headers(frame: pd.DataFrame, out: _Collector) -> dict[str, object]:
    """Map canonical column -> the user's column key; report duplicates and missing columns."""
    found: dict[str, object] = {}
    for key in frame.columns:
        if str(key) == "geometry" and "geometry" not in found:
            found["geometry"] = key
            continue
        canonical = schema.canonical_header(str(key))
        if canonical is None:
            continue
        if canonical in found:
            out.file(
                f"columns {found[canonical]!s} and {key!s} both mean '{canonical}'; keep one",
                column=str(key),
            )
            continue
        found[canonical] = key
    for required in ("asset_id", "asset_type"):
        if required not in found:
            aliases = ", ".join(schema.COLUMNS_BY_NAME[required].aliases)
            out.file(f"required column '{required}' is missing (also accepted: {aliases})")
    has_point = "latitude" in found and "longitude" in found
    if not has_point and "geometry" not in found:
        missing = [c for c in ("latitude", "longitude") if c not in found]
        out.file(
            f"required column(s) {', '.join(missing)} missing and no 'geometry' column; "
            "give latitude and longitude (WGS84 degrees) or a WKT footprint"
        )
    return found


def _column_name(found: dict[str, object], canonical: str) -> str:
    return str(found.get(canonical, canonical))


def validate_assets(
    frame: pd.DataFrame,
    path: Path,
    *,
    rows: np.ndarray | None = None,
    allow_multiple_currencies: bool = False,
) -> Portfolio:
    """Check every cell of a raw asset table; return a :class:`Portfolio` or raise all issues.

    Parameters
    ----------
    frame
        The raw table (user's column names; cells as text or native types).
    path
        The file it came from, for messages.
    rows
        1-based data row number of each frame row (defaults to 1..n).
    allow_multiple_currencies
        Accept more than one currency (when an FX table is configured).
    """
    path = Path(path)
    rows = np.arange(1, len(frame) + 1) if rows is None else np.asarray(rows)
    out = _Collector(path, rows)
    warnings = list(frame.attrs.get("climrisk_warnings", ()))
    if not frame.columns.is_unique:  # reported; the first of exactly repeated headers is read
        seen: dict[str, int] = {}
        for position, key in enumerate(map(str, frame.columns), start=1):
            if key in seen:
                out.file(
                    f"column {_short(key)} appears twice (header cells {seen[key]} and "
                    f"{position}); keep one",
                    column=_short(key),
                )
            else:
                seen[key] = position
        frame = frame.loc[:, ~frame.columns.duplicated()]
    found = _map_headers(frame, out)
    frame = frame.reset_index(drop=True)
    clean = pd.DataFrame(index=frame.index)

    # A missing required column is reported with every problem of the columns that are there.
    if "asset_id" in found:
        _check_ids(frame[found["asset_id"]], _column_name(found, "asset_id"), out, clean)
    if "asset_type" in found:
        _check_asset_types(
            frame[found["asset_type"]], _column_name(found, "asset_type"), out, clean
        )
    for column in schema.COLUMNS:
        if column.kind == "number" and column.name not in ("latitude", "longitude"):
            _check_number(frame, found, column, out, clean)
    _check_location(frame, found, out, clean)
    _check_enum(frame, found, "cooling", schema.COOLING_ALIASES, out, clean)
    clean["name"] = (
        _text(frame[found["name"]])
        if "name" in found
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    if "name" in found:
        _check_length(clean["name"], _column_name(found, "name"), schema.MAX_TEXT_LENGTH, out)
    if "business_unit" in found:
        distinct, codes = _distinct(frame[found["business_unit"]])
        clean["business_unit"] = _spread(_text(distinct).str.lower(), codes, frame.index)
    else:
        clean["business_unit"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    _check_country(frame, found, out, clean)
    currency = _check_currency(frame, found, out, clean, allow_multiple_currencies)

    if out.issues:
        raise InputErrors(sorted(out.issues, key=lambda i: (i.row or 0, i.column or "")))
    portfolio = _build_portfolio(clean, path, rows, currency, out)
    warnings.extend(sorted(out.warnings, key=lambda i: (i.row or 0, i.column or "")))
    return dataclasses.replace(portfolio, warnings=tuple(warnings))


def _check_length(values: pd.Series, column: str, limit: int, out: _Collector) -> None:
    too_long = (values.str.len() > limit).fillna(False).to_numpy(dtype=bool)
    if too_long.any():
        out.cells(too_long, column, values, lambda t: f"{t} is longer than {limit:,} characters")


def _check_ids(values: pd.Series, column: str, out: _Collector, clean: pd.DataFrame) -> None:
    ids = values.astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    out.cells(blank, column, values, lambda _: "asset_id is blank; every asset needs a unique id")
    _check_length(ids, column, schema.MAX_ID_LENGTH, out)
    if not pd.Index(ids).is_unique:  # a hash check first: grouping the rows costs more
        duplicated = ids.duplicated(keep=False) & ~blank
        if duplicated.any():
            rows = pd.Series(out.rows[duplicated.to_numpy()], index=ids[duplicated])
            first_rows = {key: list(group) for key, group in rows.groupby(level=0)}
            out.cells(
                duplicated,
                column,
                ids,
                lambda text: "duplicate asset_id '{}' (rows {})".format(
                    text, ", ".join(map(str, first_rows[text][:10]))
                ),
            )
    clean["asset_id"] = ids


def _check_asset_types(
    values: pd.Series, column: str, out: _Collector, clean: pd.DataFrame
) -> None:
    distinct, codes = _distinct(values)
    folded = _text(distinct).map(schema.normalise_token, na_action="ignore")
    mapped = folded.map(schema.ASSET_TYPE_ALIASES).astype("string")
    choices = list(schema.ASSET_TYPE_ALIASES)

    def message(raw: str) -> str:
        if not raw.strip():
            return "asset_type is blank; use one of " + ", ".join(schema.ASSET_TYPES)
        guess = _closest(raw, choices)
        hint = f" (did you mean '{schema.ASSET_TYPE_ALIASES[guess]}'?)" if guess else ""
        return f"unknown asset_type '{raw}'{hint}; use one of " + ", ".join(schema.ASSET_TYPES)

    out.cells(mapped.isna().to_numpy()[codes], column, values, message)
    clean["asset_type"] = _spread(mapped, codes, values.index)


def _check_number(
    frame: pd.DataFrame,
    found: dict[str, object],
    column: schema.Column,
    out: _Collector,
    clean: pd.DataFrame,
) -> None:
    if column.name not in found:
        clean[column.name] = np.nan
        return
    raw = frame[found[column.name]]
    name = _column_name(found, column.name)
    values, not_number, _ = _numbers(raw)
    out.cells(not_number, name, raw, lambda text: f"'{text}' is not a number")
    infinite = np.isinf(values)
    out.cells(infinite, name, raw, lambda text: f"{text} is not a finite number")
    finite = np.where(infinite, np.nan, values)
    _check_range(finite, column, name, raw, out)
    clean[column.name] = finite


def _check_range(
    values: np.ndarray, column: schema.Column, name: str, raw: pd.Series, out: _Collector
) -> None:
    low, high = column.minimum, column.maximum
    too_low = values < low if low is not None else np.zeros(values.size, dtype=bool)
    too_high = values > high if high is not None else np.zeros(values.size, dtype=bool)
    if low is not None and high is not None:
        bounds = f"[{low:g}, {high:g}]"
    elif low is not None:
        bounds = f">= {low:g}"
    else:
        bounds = f"<= {high:g}"
    out.cells(too_low | too_high, name, raw, lambda text: f"{text} is outside {bounds}")


def _check_location(
    frame: pd.DataFrame, found: dict[str, object], out: _Collector, clean: pd.DataFrame
) -> None:
    n = len(frame)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    lat_raw = frame[found["latitude"]] if "latitude" in found else None
    lon_raw = frame[found["longitude"]] if "longitude" in found else None
    lat_name, lon_name = _column_name(found, "latitude"), _column_name(found, "longitude")
    lat_blank = lon_blank = None
    if lat_raw is not None and lon_raw is not None:
        lat, lat_bad, lat_blank = _numbers(lat_raw)
        lon, lon_bad, lon_blank = _numbers(lon_raw)
        out.cells(lat_bad, lat_name, lat_raw, lambda t: f"'{t}' is not a number")
        out.cells(lon_bad, lon_name, lon_raw, lambda t: f"'{t}' is not a number")
        for values, raw, name in ((lat, lat_raw, lat_name), (lon, lon_raw, lon_name)):
            out.cells(np.isinf(values), name, raw, lambda t: f"{t} is not finite")
        lat_out = (np.abs(lat) > 90) & np.isfinite(lat)
        swapped = lat_out & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
        out.cells(lat_out & ~swapped, lat_name, lat_raw, lambda t: f"{t} is outside [-90, 90]")
        out.cells(
            swapped,
            lat_name,
            lat_raw,
            lambda t: f"{t} is outside [-90, 90]; latitude and longitude look swapped",
        )
        lon_out = ((lon < -180) | (lon > 360)) & np.isfinite(lon)
        out.cells(lon_out, lon_name, lon_raw, lambda t: f"{t} is outside [-180, 360]")
        lon = np.where(lon <= 180, lon, lon - 360)  # (180, 360] -> (-180, 0]
        lat = np.where(np.isfinite(lat) & ~lat_bad, lat, np.nan)
        lon = np.where(np.isfinite(lon) & ~lon_bad, lon, np.nan)

    geometry = None
    has_footprint = np.zeros(n, dtype=bool)
    if "geometry" in found:
        geometry, has_footprint = _check_geometry(frame[found["geometry"]], found, out, lat, lon)
    point_missing = np.isnan(lat) | np.isnan(lon)
    no_location = point_missing & ~has_footprint
    if lat_raw is not None:
        if lat_blank is None:
            lat_blank = _text(lat_raw).isna().to_numpy()
        out.cells(
            no_location & lat_blank,
            lat_name,
            lat_raw,
            lambda _: "latitude is blank and no footprint geometry is given",
        )
        if lon_raw is not None:
            if lon_blank is None:
                lon_blank = _text(lon_raw).isna().to_numpy()
            out.cells(
                no_location & lon_blank & ~lat_blank,
                lon_name,
                lon_raw,
                lambda _: "longitude is blank and no footprint geometry is given",
            )
    elif "geometry" in found:
        out.cells(
            no_location,
            _column_name(found, "geometry"),
            frame[found["geometry"]],
            lambda _: "no location: give a footprint geometry or latitude/longitude columns",
        )
    fill = point_missing & has_footprint
    if fill.any():
        inside = shapely.point_on_surface(geometry.to_numpy()[fill])
        lon[fill] = shapely.get_x(inside)
        lat[fill] = shapely.get_y(inside)
    clean["latitude"] = lat
    clean["longitude"] = lon
    clean["has_footprint"] = has_footprint
    if has_footprint.any():
        clean["footprint"] = geometry.where(has_footprint, None)


def _check_geometry(
    raw: pd.Series,
    found: dict[str, object],
    out: _Collector,
    lat: np.ndarray,
    lon: np.ndarray,
) -> tuple[pd.Series, np.ndarray]:
    """Check a footprint column; fill ``lat``/``lon`` in place where a point geometry gives them.

    Returns the valid polygon footprints (``None`` elsewhere) and where there is one.
    """
    name = _column_name(found, "geometry")
    values = raw.to_numpy(dtype=object)
    is_geometry = np.array([isinstance(v, shapely.Geometry) for v in values], dtype=bool)
    geoms = np.empty(len(values), dtype=object)
    geoms[is_geometry] = values[is_geometry]
    text = _text(pd.Series(np.where(is_geometry, None, values), index=raw.index, dtype=object))
    has_text = text.notna().to_numpy()
    if has_text.any():
        parsed = shapely.from_wkt(text[has_text].astype(object).to_numpy(), on_invalid="ignore")
        geoms[has_text] = parsed
        unparsed = np.zeros(len(values), dtype=bool)
        unparsed[has_text] = shapely.is_missing(parsed)
        out.cells(
            unparsed,
            name,
            raw,
            lambda t: f"'{t[:40]}' is not valid WKT (expected POLYGON((lon lat, ...)))",
        )
    present = ~shapely.is_missing(geoms)
    empty = present & shapely.is_empty(geoms)
    out.cells(
        empty, name, raw, lambda _: "geometry is empty; give a footprint or leave the cell blank"
    )
    present &= ~empty
    kinds = shapely.get_type_id(geoms)
    polygonal = present & np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    point = present & (kinds == 0)
    wrong_kind = present & ~polygonal & ~point
    out.cells(
        wrong_kind,
        name,
        raw,
        lambda t: (
            f"geometry must be a POLYGON or MULTIPOLYGON footprint, got {t.split('(')[0][:20]}"
        ),
    )
    invalid = polygonal & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = dict(
            zip(np.flatnonzero(invalid), shapely.is_valid_reason(geoms[invalid]), strict=True)
        )
        positions = iter(np.flatnonzero(invalid))

        def invalid_message(_: str) -> str:
            return f"invalid polygon: {reasons[next(positions)]}"

        out.cells(invalid, name, raw, invalid_message)
    bounds = shapely.bounds(geoms)
    crossing = polygonal & ~invalid & (bounds[:, 2] - bounds[:, 0] > 180)
    if crossing.any():
        split, too_wide = _split_antimeridian(geoms[crossing])
        wide = np.zeros(len(values), dtype=bool)
        wide[np.flatnonzero(crossing)[too_wide]] = True
        out.cells(
            wide,
            name,
            raw,
            lambda _: "footprint spans more than 180 degrees of longitude, even read across "
            "the 180th meridian; check the coordinates (WKT is longitude latitude)",
        )
        geoms[crossing] = split
        invalid |= wide
        bounds = shapely.bounds(geoms)
        bounds[crossing] = np.nan_to_num(bounds[crossing])  # split parts touch +-180 exactly
    outside = present & (
        (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
    )
    out.cells(
        outside & ~wrong_kind,
        name,
        raw,
        lambda _: "coordinates outside WGS84 bounds; WKT order is longitude latitude",
    )
    good_polygon = polygonal & ~invalid & ~outside
    # Points given as geometry fill latitude/longitude where those are blank.
    good_point = point & ~outside
    if good_point.any():
        fill = good_point & (np.isnan(lat) | np.isnan(lon))
        lon[fill] = shapely.get_x(geoms[fill])
        lat[fill] = shapely.get_y(geoms[fill])
    check = good_polygon & ~np.isnan(lat) & ~np.isnan(lon)
    if check.any():
        points = shapely.points(lon[check], lat[check])
        nearest = shapely.shortest_line(geoms[check], points)
        coords = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
        distance = _haversine_km(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
        far = np.zeros(len(values), dtype=bool)
        far[check] = distance > FOOTPRINT_MAX_OFFSET_KM
        km = dict(zip(np.flatnonzero(check), distance, strict=True))
        positions = iter(np.flatnonzero(far))
        out.cells(
            far,
            name,
            raw,
            lambda _: (
                f"footprint is {km[next(positions)]:.0f} km from latitude/longitude; "
                "check the coordinate order (WKT is longitude latitude)"
            ),
        )
    series = pd.Series(np.where(good_polygon, geoms, None), index=raw.index, dtype=object)
    return series, good_polygon


def _split_antimeridian(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Footprints written across the 180th meridian (179.9 ... -179.9) as two parts.

    A polygon wider than 180 degrees of longitude is read as crossing the meridian: its western
    longitudes are moved east by 360 degrees, and the result is cut at 180 into an eastern and a
    western part (a MultiPolygon within [-180, 180]).

    Returns
    -------
    split
        The footprints, each a MultiPolygon (or Polygon) within WGS84 bounds.
    too_wide
        Footprints still wider than 180 degrees after the shift (left as given).
    """

    def east_of_zero(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0]), xy[:, 1]])

    shifted = shapely.transform(geoms, east_of_zero)
    bounds = shapely.bounds(shifted)
    too_wide = (bounds[:, 2] - bounds[:, 0] > 180) | ~shapely.is_valid(shifted)
    east = shapely.intersection(shifted, shapely.box(0.0, -90.0, 180.0, 90.0))
    west = shapely.transform(
        shapely.intersection(shifted, shapely.box(180.0, -90.0, 360.0, 90.0)),
        lambda xy: xy - np.array([360.0, 0.0]),
    )
    parts = shapely.union(east, west)
    split = np.where(too_wide, geoms, parts)
    return split, too_wide


def _haversine_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _check_enum(
    frame: pd.DataFrame,
    found: dict[str, object],
    name: str,
    aliases: dict[str, str],
    out: _Collector,
    clean: pd.DataFrame,
) -> None:
    if name not in found:
        clean[name] = pd.Series(pd.NA, index=frame.index, dtype="string")
        return
    raw = frame[found[name]]
    distinct, codes = _distinct(raw)
    text = _text(distinct)
    mapped = text.map(schema.normalise_token, na_action="ignore").map(aliases).astype("string")
    valid = sorted(set(aliases.values()))

    def message(value: str) -> str:
        guess = _closest(value, list(aliases))
        hint = f" (did you mean '{aliases[guess]}'?)" if guess else ""
        return f"unknown {name} '{value}'{hint}; use one of {', '.join(valid)}"

    unknown = (text.notna() & mapped.isna()).to_numpy()
    out.cells(unknown[codes], _column_name(found, name), raw, message)
    clean[name] = _spread(mapped, codes, frame.index)


def _check_country(
    frame: pd.DataFrame, found: dict[str, object], out: _Collector, clean: pd.DataFrame
) -> None:
    from climrisk.portfolio import countries

    if "country" in found:
        raw = frame[found["country"]]
        distinct, codes = _distinct(raw)
        # "NA" is Namibia in this column, not a missing value.
        alpha2, invalid = countries.normalise_country_codes(
            _text(distinct, MISSING_TOKENS - {"na"})
        )

        def message(value: str) -> str:
            guess = countries.suggest_country(value)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            return f"'{value}' is not an ISO 3166-1 alpha-2 or alpha-3 country code{hint}"

        out.cells(invalid.to_numpy()[codes], _column_name(found, "country"), raw, message)
        clean["country"] = _spread(alpha2.astype("string"), codes, frame.index)
    else:
        clean["country"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    clean["country_derived"] = False


def _check_currency(
    frame: pd.DataFrame,
    found: dict[str, object],
    out: _Collector,
    clean: pd.DataFrame,
    allow_multiple: bool,
) -> str | None:
    if "currency" not in found:
        clean["currency"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        return None
    raw = frame[found["currency"]]
    name = _column_name(found, "currency")
    distinct, codes = _distinct(raw)
    upper = _text(distinct).str.upper()
    valid = {c for c in upper.dropna().unique() if pycountry.currencies.get(alpha_3=c) is not None}
    is_valid = upper.isin(valid).to_numpy()
    out.cells(
        (upper.notna().to_numpy() & ~is_valid)[codes],
        name,
        raw,
        lambda t: f"'{t}' is not an ISO 4217 currency code",
    )
    clean["currency"] = _spread(upper.where(is_valid).astype("string"), codes, frame.index)
    # Cells per currency, most used first (ties: first seen), as value_counts orders them.
    currency_codes, currencies = pd.factorize(upper)
    per_cell = currency_codes[codes]
    counts = pd.Series(per_cell[is_valid[codes]]).value_counts()
    if len(counts) > 1 and not allow_multiple:
        main = str(currencies[counts.index[0]])
        out.cells(
            is_valid[codes] & (per_cell != counts.index[0]),
            name,
            raw,
            lambda t: (
                f"currency {t} differs from the portfolio's {main}; use one currency per "
                "portfolio or configure an FX table"
            ),
        )
    return str(currencies[counts.index[0]]) if len(counts) else None


def _location_warnings(
    clean: pd.DataFrame, located: pd.api.extensions.ExtensionArray, out: _Collector
) -> None:
    """Warn on (0, 0), on points at sea beyond the coastal snap, and on a wrong-looking country.

    A given country disagrees with the location when neither the point nor any point 0.15
    degrees (~15 km) north, south, east or west of it lies in that country.
    """
    from climrisk.portfolio import countries

    lon = clean["longitude"].to_numpy(dtype=float)
    lat = clean["latitude"].to_numpy(dtype=float)

    def place(mask: np.ndarray) -> Callable[[str], str]:
        points = iter(zip(lat[mask], lon[mask], strict=True))
        return lambda _: "({:g}, {:g})".format(*next(points))

    zero = (lat == 0) & (lon == 0)
    at_zero = place(zero)
    out.warn(zero, "latitude", clean["latitude"],
             lambda t: f"the location is {at_zero(t)}, in the Gulf of Guinea; is it missing?")
    at_sea = pd.isna(np.asarray(located, dtype=object)) & ~zero
    snap = countries.COUNTRY_SNAP_DISTANCE_KM
    sea = place(at_sea)
    out.warn(
        at_sea, "latitude", clean["latitude"],
        lambda t: f"{sea(t)} is at sea, more than {snap:g} km from any coast; check the "
        "coordinates (latitude and longitude swapped?)",
    )
    given = pd.Series(clean["country"].array, dtype="string")
    found_at = pd.Series(located, dtype="string")
    differ = (given != found_at).fillna(False).to_numpy(dtype=bool)
    if differ.any():
        near = np.zeros(int(differ.sum()), dtype=bool)
        expected = given[differ].to_numpy(dtype=object)
        for dlon, dlat in ((0.15, 0.0), (-0.15, 0.0), (0.0, 0.15), (0.0, -0.15)):
            nearby = countries.country_codes_at(
                lon[differ] + dlon, np.clip(lat[differ] + dlat, -90.0, 90.0)
            )
            near |= np.asarray(nearby, dtype=object) == expected
        differ[np.flatnonzero(differ)[near]] = False
    found = iter(found_at[differ].tolist())
    out.warn(
        differ, "country", clean["country"],
        lambda t: f"country {t} disagrees with the location, which is in {next(found)}; check "
        "the country or the coordinates",
    )


def _build_portfolio(
    clean: pd.DataFrame,
    path: Path,
    rows: np.ndarray,
    currency: str | None,
    out: _Collector | None = None,
) -> Portfolio:
    from climrisk.portfolio import countries

    assumptions: list[Assumption] = []
    missing_country = clean["country"].isna().to_numpy()
    located = countries.country_codes_at(
        clean["longitude"].to_numpy(dtype=float), clean["latitude"].to_numpy(dtype=float)
    )
    if out is not None:
        _location_warnings(clean, located, out)
    if missing_country.any():
        derived = located[missing_country]
        country = clean["country"].array.copy()
        country[missing_country] = derived
        clean["country"] = country
        clean["country_derived"] = missing_country
        found = int(missing_country.sum() - derived.isna().sum())
        if found:
            assumptions.append(
                Assumption(
                    "country",
                    "all",
                    "derived from location",
                    found,
                    "Natural Earth admin-0 boundaries (public domain), nearest country "
                    f"within {countries.COUNTRY_SNAP_DISTANCE_KM:g} km for points at sea",
                )
            )
    _apply_defaults(clean, assumptions)
    assumptions.extend(Assumption(*item) for item in protection_assumptions(clean))
    points = shapely.points(clean[["longitude", "latitude"]].to_numpy())
    if "footprint" in clean:
        points = np.where(clean["has_footprint"].to_numpy(), clean["footprint"].to_numpy(), points)
    geometry = gpd.GeoSeries(points, index=clean.index, crs="EPSG:4326")
    columns = [c.name for c in schema.COLUMNS if c.name != "geometry"]
    assets = gpd.GeoDataFrame(
        clean[[*columns, "has_footprint", "country_derived"]].assign(row=rows),
        geometry=geometry,
        crs="EPSG:4326",
        copy=False,  # ``clean`` is ours: no need for a second copy of every column
    )
    assets["currency"] = assets["currency"].fillna(currency) if currency else assets["currency"]
    assets = assets.set_index("asset_id")
    return Portfolio(assets=assets, source=path, assumptions=tuple(assumptions), currency=currency)


def _apply_defaults(clean: pd.DataFrame, assumptions: list[Assumption]) -> None:
    """Fill missing optional values from the one defaults table and record each as an assumption."""
    type_codes, kinds = pd.factorize(clean["asset_type"])
    kind_code = {str(kind): code for code, kind in enumerate(kinds)}
    # One pass per column: the default of each asset type (where it has one) fills its gaps.
    filled_by_kind: dict[str, np.ndarray] = {}
    for column in dict.fromkeys(default.column for default in schema.DEFAULTS):
        values = clean[column]
        fill = pd.Series([None] * len(kinds), dtype=values.dtype)
        for default in schema.DEFAULTS:
            if default.column == column and default.asset_type in kind_code:
                fill[kind_code[default.asset_type]] = default.value
        gaps = values.isna().to_numpy() & fill.notna().to_numpy()[type_codes]
        filled_by_kind[column] = np.bincount(type_codes[gaps], minlength=len(kinds))
        if gaps.any():
            clean[column] = values.mask(gaps, _spread(fill, type_codes, clean.index))
    for default in schema.DEFAULTS:
        code = kind_code.get(default.asset_type)
        count = 0 if code is None else int(filled_by_kind[default.column][code])
        if count:
            assumptions.append(
                Assumption(
                    default.column, default.asset_type, str(default.value), count, default.source
                )
            )
    it_load = clean["it_load_mw"].to_numpy()
    energy = clean["annual_energy_mwh"].to_numpy()
    is_dc = type_codes == kind_code.get("data_center", -2)
    derive_energy = is_dc & np.isnan(energy) & ~np.isnan(it_load)
    if derive_energy.any():
        energy = energy.copy()
        energy[derive_energy] = (
            it_load[derive_energy]
            * clean["pue"].to_numpy()[derive_energy]
            * 8760.0
            * schema.DATA_CENTER_IT_UTILISATION
        )
        clean["annual_energy_mwh"] = energy
        assumptions.append(
            Assumption(
                "annual_energy_mwh",
                "data_center",
                f"it_load_mw x pue x 8760 h x {schema.DATA_CENTER_IT_UTILISATION:g}",
                int(derive_energy.sum()),
                schema.DATA_CENTER_UTILISATION_SOURCE,
            )
        )
    missing_bu = clean["business_unit"].isna().to_numpy()
    if missing_bu.any():
        unit = pd.Series([_DEFAULT_BUSINESS_UNIT[str(kind)] for kind in kinds], dtype="string")
        clean["business_unit"] = clean["business_unit"].mask(
            missing_bu, _spread(unit, type_codes, clean.index)
        )
        for code, count in pd.Series(type_codes[missing_bu]).value_counts().items():
            kind = str(kinds[code])
            assumptions.append(
                Assumption(
                    "business_unit",
                    kind,
                    _DEFAULT_BUSINESS_UNIT[kind],
                    int(count),
                    "assumption: business unit by asset type when not given",
                )
            )
    missing_value = clean["value"].isna().to_numpy()
    for code, count in pd.Series(type_codes[missing_value]).value_counts().items():
        assumptions.append(
            Assumption(
                "value",
                str(kinds[code]),
                "not estimated",
                int(count),
                "no replacement value given: damage in money (ead) is not computed for "
                "these assets; hazard scores still are",
            )
        )
