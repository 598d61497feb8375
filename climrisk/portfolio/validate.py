"""Validate a raw asset table against the schema and build a :class:`Portfolio`.

Every check is whole-column (pandas / shapely vectorised); Python only loops over the cells that
are wrong, to word their messages. All problems are collected and raised together.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import shapely

from climrisk.errors import InputErrors, Issue
from climrisk.portfolio import schema
from climrisk.portfolio.model import Assumption, Portfolio

__all__ = ["FOOTPRINT_MAX_OFFSET_KM", "MISSING_TOKENS", "validate_assets"]

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "#n/a"})
# A footprint further than this from its latitude/longitude is almost always a coordinate-order
# mistake (WKT is "longitude latitude").
FOOTPRINT_MAX_OFFSET_KM = 10.0
_EARTH_RADIUS_KM = 6371.0088
_TEXT_KINDS = {"text", "asset_type", "cooling", "country", "currency", "wkt"}
_DEFAULT_BUSINESS_UNIT = {
    "data_center": "cloud",
    "warehouse": "logistics",
    "retail": "retail",
    "office": "corporate",
    "campus": "corporate",
    "other": "corporate",
}


class _Collector:
    """Collects issues for one file, with the data-row numbers of the frame rows."""

    def __init__(self, path: Path, rows: np.ndarray) -> None:
        self.path = str(path)
        self.rows = rows
        self.issues: list[Issue] = []

    def file(self, message: str, column: str | None = None) -> None:
        self.issues.append(Issue(self.path, message, None, column))

    def cells(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        values: pd.Series,
        message: Callable[[str], str],
    ) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for position in positions:
            raw = values.iloc[position]
            text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
            self.issues.append(
                Issue(self.path, message(text), int(self.rows[position]), column, text)
            )


def _text(series: pd.Series, missing_tokens: frozenset[str] = MISSING_TOKENS) -> pd.Series:
    """Cells as stripped text, with the usual spellings of 'missing' turned into <NA>."""
    text = series.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(missing_tokens)
    return text.mask(missing)


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column as float; returns (values, not-a-number mask for non-missing cells)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        return values, pd.Series(False, index=series.index)
    text = _text(series)
    values = pd.to_numeric(text.str.replace(r"^\+", "", regex=True), errors="coerce")
    values = values.astype("float64")
    bad = text.notna() & values.isna()
    return values, bad


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
    found = _map_headers(frame, out)
    if not {"asset_id", "asset_type"} <= found.keys() or (
        not ({"latitude", "longitude"} <= found.keys()) and "geometry" not in found
    ):
        raise InputErrors(out.issues)
    frame = frame.reset_index(drop=True)
    clean = pd.DataFrame(index=frame.index)

    _check_ids(frame[found["asset_id"]], _column_name(found, "asset_id"), out, clean)
    _check_asset_types(frame[found["asset_type"]], _column_name(found, "asset_type"), out, clean)
    for column in schema.COLUMNS:
        if column.kind == "number" and column.name not in ("latitude", "longitude"):
            _check_number(frame, found, column, out, clean)
    _check_location(frame, found, out, clean)
    _check_enum(frame, found, "cooling", schema.COOLING_ALIASES, out, clean)
    for name in ("name", "business_unit"):
        clean[name] = (
            _text(frame[found[name]])
            if name in found
            else pd.Series(pd.NA, index=frame.index, dtype="string")
        )
    if "business_unit" in found:
        clean["business_unit"] = clean["business_unit"].str.lower()
    _check_country(frame, found, out, clean)
    currency = _check_currency(frame, found, out, clean, allow_multiple_currencies)

    if out.issues:
        raise InputErrors(sorted(out.issues, key=lambda i: (i.row or 0, i.column or "")))
    return _build_portfolio(clean, path, rows, currency)


def _check_ids(values: pd.Series, column: str, out: _Collector, clean: pd.DataFrame) -> None:
    ids = values.astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    out.cells(blank, column, values, lambda _: "asset_id is blank; every asset needs a unique id")
    duplicated = ids.duplicated(keep=False) & ~blank
    if duplicated.any():
        groups = pd.Series(out.rows[duplicated.to_numpy()], index=ids[duplicated]).groupby(level=0)
        first_rows = {key: list(group) for key, group in groups}
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
    text = _text(values)
    folded = text.map(schema.normalise_token, na_action="ignore")
    mapped = folded.map(schema.ASSET_TYPE_ALIASES)
    choices = list(schema.ASSET_TYPE_ALIASES)

    def message(raw: str) -> str:
        if not raw.strip():
            return "asset_type is blank; use one of " + ", ".join(schema.ASSET_TYPES)
        guess = _closest(raw, choices)
        hint = f" (did you mean '{schema.ASSET_TYPE_ALIASES[guess]}'?)" if guess else ""
        return f"unknown asset_type '{raw}'{hint}; use one of " + ", ".join(schema.ASSET_TYPES)

    out.cells(mapped.isna(), column, values, message)
    clean["asset_type"] = mapped.astype("string")


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
    values, not_number = _numbers(raw)
    out.cells(not_number, name, raw, lambda text: f"'{text}' is not a number")
    infinite = np.isinf(values.to_numpy())
    out.cells(infinite, name, raw, lambda text: f"{text} is not a finite number")
    finite = values.where(~np.isinf(values))
    _check_range(finite, column, name, raw, out)
    clean[column.name] = finite.where(~not_number)


def _check_range(
    values: pd.Series, column: schema.Column, name: str, raw: pd.Series, out: _Collector
) -> None:
    low, high = column.minimum, column.maximum
    too_low = values < low if low is not None else pd.Series(False, index=values.index)
    too_high = values > high if high is not None else pd.Series(False, index=values.index)
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
    lat = pd.Series(np.nan, index=frame.index)
    lon = pd.Series(np.nan, index=frame.index)
    lat_raw = frame[found["latitude"]] if "latitude" in found else None
    lon_raw = frame[found["longitude"]] if "longitude" in found else None
    lat_name, lon_name = _column_name(found, "latitude"), _column_name(found, "longitude")
    if lat_raw is not None and lon_raw is not None:
        lat, lat_bad = _numbers(lat_raw)
        lon, lon_bad = _numbers(lon_raw)
        out.cells(lat_bad, lat_name, lat_raw, lambda t: f"'{t}' is not a number")
        out.cells(lon_bad, lon_name, lon_raw, lambda t: f"'{t}' is not a number")
        for values, raw, name in ((lat, lat_raw, lat_name), (lon, lon_raw, lon_name)):
            out.cells(np.isinf(values.to_numpy()), name, raw, lambda t: f"{t} is not finite")
        lat_out = (lat.abs() > 90) & np.isfinite(lat)
        swapped = lat_out & (lon.abs() <= 90) & (lat.abs() <= 180)
        out.cells(lat_out & ~swapped, lat_name, lat_raw, lambda t: f"{t} is outside [-90, 90]")
        out.cells(
            swapped,
            lat_name,
            lat_raw,
            lambda t: f"{t} is outside [-90, 90]; latitude and longitude look swapped",
        )
        lon_out = ((lon < -180) | (lon > 360)) & np.isfinite(lon)
        out.cells(lon_out, lon_name, lon_raw, lambda t: f"{t} is outside [-180, 360]")
        lon = lon.where(lon <= 180, lon - 360)  # (180, 360] -> (-180, 0]
        lat = lat.where(np.isfinite(lat) & ~lat_bad)
        lon = lon.where(np.isfinite(lon) & ~lon_bad)

    geometry = pd.Series([None] * n, index=frame.index, dtype=object)
    has_footprint = np.zeros(n, dtype=bool)
    if "geometry" in found:
        geometry, has_footprint = _check_geometry(frame[found["geometry"]], found, out, lat, lon)
    point_missing = lat.isna() | lon.isna()
    no_location = point_missing & ~has_footprint
    if "latitude" in found:
        lat_blank = _text(frame[found["latitude"]]).isna() if lat_raw is not None else None
        if lat_blank is not None:
            out.cells(
                no_location & lat_blank,
                lat_name,
                frame[found["latitude"]],
                lambda _: "latitude is blank and no footprint geometry is given",
            )
        lon_blank = _text(frame[found["longitude"]]).isna() if lon_raw is not None else None
        if lon_blank is not None:
            out.cells(
                no_location & lon_blank & ~(lat_blank if lat_blank is not None else False),
                lon_name,
                frame[found["longitude"]],
                lambda _: "longitude is blank and no footprint geometry is given",
            )
    elif "geometry" in found:
        out.cells(
            no_location,
            _column_name(found, "geometry"),
            frame[found["geometry"]],
            lambda _: "no location: give a footprint geometry or latitude/longitude columns",
        )
    footprint_points = shapely.point_on_surface(geometry.where(has_footprint, None).to_numpy())
    fill = point_missing & has_footprint
    if fill.any():
        lon = lon.where(~fill, shapely.get_x(footprint_points))
        lat = lat.where(~fill, shapely.get_y(footprint_points))
    clean["latitude"] = lat
    clean["longitude"] = lon
    clean["has_footprint"] = has_footprint
    clean["footprint"] = geometry.where(has_footprint, None)


def _check_geometry(
    raw: pd.Series,
    found: dict[str, object],
    out: _Collector,
    lat: pd.Series,
    lon: pd.Series,
) -> tuple[pd.Series, np.ndarray]:
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
        fill = good_point & (lat.isna() | lon.isna()).to_numpy()
        lon.loc[fill] = shapely.get_x(geoms[fill])
        lat.loc[fill] = shapely.get_y(geoms[fill])
    check = good_polygon & lat.notna().to_numpy() & lon.notna().to_numpy()
    if check.any():
        points = shapely.points(lon.to_numpy()[check], lat.to_numpy()[check])
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
    text = _text(raw)
    mapped = text.map(schema.normalise_token, na_action="ignore").map(aliases)
    valid = sorted(set(aliases.values()))

    def message(value: str) -> str:
        guess = _closest(value, list(aliases))
        hint = f" (did you mean '{aliases[guess]}'?)" if guess else ""
        return f"unknown {name} '{value}'{hint}; use one of {', '.join(valid)}"

    out.cells(text.notna() & mapped.isna(), _column_name(found, name), raw, message)
    clean[name] = mapped.astype("string")


def _check_country(
    frame: pd.DataFrame, found: dict[str, object], out: _Collector, clean: pd.DataFrame
) -> None:
    from climrisk.portfolio import countries

    if "country" in found:
        raw = frame[found["country"]]
        # "NA" is Namibia in this column, not a missing value.
        alpha2, invalid = countries.normalise_country_codes(
            _text(raw, MISSING_TOKENS - {"na"})
        )

        def message(value: str) -> str:
            guess = countries.suggest_country(value)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            return f"'{value}' is not an ISO 3166-1 alpha-2 or alpha-3 country code{hint}"

        out.cells(invalid, _column_name(found, "country"), raw, message)
        clean["country"] = alpha2.astype("string")
        clean["country_derived"] = False
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
    codes = _text(raw).str.upper()
    unique = [c for c in codes.dropna().unique()]
    valid = {c for c in unique if pycountry.currencies.get(alpha_3=c) is not None}
    out.cells(
        codes.notna() & ~codes.isin(valid),
        name,
        raw,
        lambda t: f"'{t}' is not an ISO 4217 currency code",
    )
    clean["currency"] = codes.where(codes.isin(valid)).astype("string")
    counts = codes[codes.isin(valid)].value_counts()
    if len(counts) > 1 and not allow_multiple:
        main = str(counts.index[0])
        out.cells(
            codes.isin(valid) & (codes != main),
            name,
            raw,
            lambda t: (
                f"currency {t} differs from the portfolio's {main}; use one currency per "
                "portfolio or configure an FX table"
            ),
        )
    return str(counts.index[0]) if len(counts) else None


def _build_portfolio(
    clean: pd.DataFrame, path: Path, rows: np.ndarray, currency: str | None
) -> Portfolio:
    from climrisk.portfolio import countries

    assumptions: list[Assumption] = []
    missing_country = clean["country"].isna()
    if missing_country.any():
        derived = countries.countries_at(
            clean.loc[missing_country, "longitude"].to_numpy(),
            clean.loc[missing_country, "latitude"].to_numpy(),
        )
        clean.loc[missing_country, "country"] = pd.array(derived, dtype="string")
        clean.loc[missing_country, "country_derived"] = True
        found = int(pd.notna(derived).sum())
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
    geometry = gpd.GeoSeries(
        np.where(
            clean["has_footprint"].to_numpy(),
            clean["footprint"].to_numpy(dtype=object),
            shapely.points(clean["longitude"].to_numpy(), clean["latitude"].to_numpy()),
        ),
        index=clean.index,
        crs="EPSG:4326",
    )
    columns = [c.name for c in schema.COLUMNS if c.name != "geometry"]
    assets = gpd.GeoDataFrame(
        clean[[*columns, "has_footprint", "country_derived"]].assign(row=rows),
        geometry=geometry,
        crs="EPSG:4326",
    )
    assets["currency"] = assets["currency"].fillna(currency) if currency else assets["currency"]
    assets = assets.set_index("asset_id")
    return Portfolio(assets=assets, source=path, assumptions=tuple(assumptions), currency=currency)


def _apply_defaults(clean: pd.DataFrame, assumptions: list[Assumption]) -> None:
    """Fill missing optional values from the one defaults table and record each as an assumption."""
    asset_type = clean["asset_type"]
    for default in schema.DEFAULTS:
        mask = (asset_type == default.asset_type) & clean[default.column].isna()
        count = int(mask.sum())
        if count:
            clean.loc[mask, default.column] = default.value
            assumptions.append(
                Assumption(
                    default.column, default.asset_type, str(default.value), count, default.source
                )
            )
    is_dc = asset_type == "data_center"
    derive_energy = is_dc & clean["annual_energy_mwh"].isna() & clean["it_load_mw"].notna()
    if derive_energy.any():
        clean.loc[derive_energy, "annual_energy_mwh"] = (
            clean.loc[derive_energy, "it_load_mw"]
            * clean.loc[derive_energy, "pue"]
            * 8760.0
            * schema.DATA_CENTER_IT_UTILISATION
        )
        assumptions.append(
            Assumption(
                "annual_energy_mwh",
                "data_center",
                f"it_load_mw x pue x 8760 h x {schema.DATA_CENTER_IT_UTILISATION:g}",
                int(derive_energy.sum()),
                schema.DATA_CENTER_UTILISATION_SOURCE,
            )
        )
    missing_bu = clean["business_unit"].isna()
    if missing_bu.any():
        clean.loc[missing_bu, "business_unit"] = asset_type[missing_bu].map(_DEFAULT_BUSINESS_UNIT)
        for asset_kind, count in asset_type[missing_bu].value_counts().items():
            assumptions.append(
                Assumption(
                    "business_unit",
                    str(asset_kind),
                    _DEFAULT_BUSINESS_UNIT[str(asset_kind)],
                    int(count),
                    "assumption: business unit by asset type when not given",
                )
            )
    missing_value = clean["value"].isna()
    for asset_kind, count in asset_type[missing_value].value_counts().items():
        assumptions.append(
            Assumption(
                "value",
                str(asset_kind),
                "not estimated",
                int(count),
                "no replacement value given: damage in money (ead) is not computed for "
                "these assets; hazard scores still are",
            )
        )
