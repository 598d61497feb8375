"""ISO 3166-1 country codes: normalising user text, and the country at a location.

The boundaries are Natural Earth 1:10m admin-0 countries (public domain), packaged by
``tools/boundaries/build.py``; Hong Kong (HK), Macao (MO) and Taiwan (TW) are separate
units. A point inside a country polygon gets that country; a point in no polygon (at sea just off
the coast, or in a sliver between two neighbours) gets the nearest country within
:data:`COUNTRY_SNAP_DISTANCE_KM`, else ``None``.

Distances for that rule are great-circle distances on a sphere of the mean Earth radius, from
the point to the nearest vertex of the country outlines after the outlines are densified to at
most 0.01 degree between vertices. The vertex stands in for the nearest point of the outline, so
the distance is overestimated by at most half a vertex spacing (0.56 km); the sphere differs from
the ellipsoid by at most about 0.5 %.

Ties: where several outline vertices are at the same smallest distance (computed in double
precision as the chord between unit vectors) -- a vertex two countries share where a land border
meets the coast, or two vertices exactly as far -- the point gets the country whose alpha-2 code
sorts first. The rule depends on the distances alone, so the answer does not depend on the
search structure, its layout, the library version or the platform.

For speed, a table of 0.25-degree cells (:mod:`climrisk.data.boundaries.lookup`) gives the
country of the cells that lie inside one polygon or touch none, so most points need no polygon
test; and the nearest vertex is searched among the outline near the points only, when that is a
small part of it. Both give the same answers as the plain rule.

References
----------
Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1, https://www.naturalearthdata.com/
(public domain).
ISO 3166-1:2020, Codes for the representation of names of countries and their subdivisions.
Moritz, H. (2000). Geodetic Reference System 1980. Journal of Geodesy 74, 128-133,
doi:10.1007/s001900050278 (mean Earth radius R1 = 6371.0088 km).
United Nations Convention on the Law of the Sea (1982), Article 3 (12 nautical mile territorial
sea), https://www.un.org/depts/los/convention_agreements/texts/unclos/unclos_e.pdf.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry
import shapely

from climrisk.data.boundaries import boundaries_path, cell_countries_path
from climrisk.data.boundaries.lookup import CELL_DEG, MIXED
from climrisk.errors import ClimriskError
from climrisk.io.hashing import file_sha256

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = [
    "COUNTRY_SNAP_DISTANCE_KM",
    "EARTH_RADIUS_KM",
    "countries_at",
    "country_alpha3",
    "country_codes_at",
    "load_boundaries",
    "normalise_country_codes",
    "suggest_country",
]

COUNTRY_SNAP_DISTANCE_KM: float = 30.0
"""Largest distance [km] from a country at which a point still takes that country's code.

Ports, terminals, piers, reclaimed land and coastal sites are often geocoded a little offshore,
and a 1:10m coastline is generalised by up to a few hundred metres (more in estuaries and
archipelagos). 30 km covers the 12 nautical mile (22.2 km) territorial sea of UNCLOS Article 3,
where coastal-state jurisdiction applies, plus about 8 km for geocoding and coastline error, and
stays well short of mid-ocean: a point farther out gets no country and must be given one.
"""

EARTH_RADIUS_KM: float = 6371.0088
"""Mean Earth radius R1 of GRS80 [km] (Moritz 2000, doi:10.1007/s001900050278)."""

_DENSIFY_DEG = 0.01  # largest spacing [degree] between outline vertices for the snap rule
_CHUNK = 1 << 20  # points per batch in countries_at (bounds the memory of candidate pairs)
_GRID_COLUMNS, _GRID_ROWS = 360, 180  # 1-degree cells that bucket points by bounding box
_FINE_ROWS, _FINE_COLUMNS = round(180 / CELL_DEG), round(360 / CELL_DEG)  # the cell table's grid
# The nearest vertex is searched in the outline near the points while that holds at most this
# share of all vertices; else in all vertices.
_LOCAL_SHARE = 0.3

# Codes ISO 3166 reserves exceptionally for these countries (ISO 3166/MA), plus Kosovo's
# user-assigned code as used by the European Commission and the IMF.
_ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR", "XK": "XK", "XKX": "XK"}
_ALPHA3_EXTRA: dict[str, str] = {"XK": "XKX"}

# Non-ISO codes seen in practice (IOC/FIFA and common abbreviations): hints only, not accepted.
_CODE_HINTS: dict[str, str] = {
    "GER": "DE", "SUI": "CH", "NED": "NL", "DEN": "DK", "POR": "PT", "GRE": "GR", "CRO": "HR",
    "RSA": "ZA", "UAE": "AE", "KSA": "SA", "INA": "ID", "MAS": "MY", "PHI": "PH", "SIN": "SG",
    "TPE": "TW", "BAN": "BD", "VIE": "VN", "ENG": "GB", "PRC": "CN", "ROC": "TW", "ROK": "KR",
}  # fmt: skip

# English names users write that neither pycountry nor Natural Earth lists.
_NAME_HINTS: dict[str, str] = {
    "america": "US", "usa": "US", "us": "US", "united states of america": "US",
    "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "holland": "NL", "the netherlands": "NL", "mainland china": "CN",
    "korea": "KR", "emirates": "AE", "macau": "MO", "hongkong": "HK", "kosovo": "XK",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------------


@functools.cache
def _read_boundaries() -> gpd.GeoDataFrame:
    """Read the packaged boundaries once."""
    resource = boundaries_path()
    try:
        with resource.open("rb") as handle:
            frame = gpd.read_parquet(handle)
        with resource.open("rb") as handle:
            metadata = pq.read_schema(handle).metadata or {}
    except (OSError, ValueError) as exc:
        raise ClimriskError(f"cannot read the packaged country boundaries: {exc}") from exc
    source = metadata.get(b"climrisk:source")
    frame.attrs["source"] = json.loads(source) if source else {}
    return frame


def load_boundaries() -> gpd.GeoDataFrame:
    """Return the country boundaries (Natural Earth 1:10m admin-0, public domain).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per ISO 3166-1 alpha-2 code: ``iso_a2``, ``iso_a3``, ``name`` (English),
        ``name_zh_hans``, ``name_zh_hant`` and a (multi)polygon ``geometry`` in EPSG:4326.
        ``attrs["source"]`` holds the provenance (Natural Earth version, source file, SHA-256).
        The file is read once; each call returns a copy, so callers may change it.

    References
    ----------
    Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1 (public domain).
    """
    frame = _read_boundaries()
    out = frame.copy()
    out.attrs = {"source": dict(frame.attrs.get("source", {}))}
    return out


@dataclass(frozen=True)
class _Index:
    """Polygon parts bucketed by 1-degree grid rows, for point-in-polygon tests.

    Each part's bounding box covers, in each grid row it spans, one run of consecutive cells;
    ``run_part``/``run_first``/``run_last`` list those runs (ordered by part) as cell keys.
    """

    codes: np.ndarray  # object array of alpha-2 codes in sorted order, plus None at the end
    parts: np.ndarray  # shapely polygons (prepared)
    part_country: np.ndarray  # int, row of ``codes`` for each part
    run_part: np.ndarray  # int, the part of each run of cells
    run_first: np.ndarray  # uint16, first cell key of the run
    run_last: np.ndarray  # uint16, last cell key of the run (inclusive)


@dataclass(frozen=True)
class _Segments:
    """The outline segments before densifying, and the fine grid cells of their bounding boxes.

    Segment ``i`` runs from vertex ``first[i]`` to vertex ``first[i] + 1`` of ``xy``; its
    bounding box covers rows ``row0..row1`` and columns ``col0..col1`` of the fine grid.
    """

    xy: np.ndarray  # (n, 2) lon/lat [degree] of the ring vertices, ring after ring
    country: np.ndarray  # int, row of ``_Index.codes`` for each segment
    first: np.ndarray  # int, the segment's first vertex in ``xy``
    row0: np.ndarray  # int, fine grid rows and columns of the bounding box (inclusive)
    row1: np.ndarray
    col0: np.ndarray
    col1: np.ndarray
    weight: np.ndarray  # float, about how many densified vertices the segment gives


@dataclass(frozen=True)
class _Outline:
    """Densified outline vertices as unit vectors in a k-d tree, for the nearest country.

    A vertex that several rings share (a land border) is in the tree once per ring.
    """

    tree: cKDTree
    country: np.ndarray  # int, row of ``_Index.codes`` for each vertex


def _cell_column(lon: np.ndarray) -> np.ndarray:
    """Return the 1-degree grid column [0, 359] of longitudes in [-180, 180]."""
    return np.clip(np.floor(lon + 180.0), 0, _GRID_COLUMNS - 1).astype(np.int32)


def _cell_row(lat: np.ndarray) -> np.ndarray:
    """Return the 1-degree grid row [0, 179] of latitudes in [-90, 90]."""
    return np.clip(np.floor(lat + 90.0), 0, _GRID_ROWS - 1).astype(np.int32)


def _fine_row(lat: np.ndarray) -> np.ndarray:
    """Return the fine grid row of latitudes in [-90, 90] [degree]."""
    return np.clip(np.floor((lat + 90.0) / CELL_DEG), 0, _FINE_ROWS - 1).astype(np.intp)


def _fine_column(lon: np.ndarray) -> np.ndarray:
    """Return the fine grid column of longitudes in [-180, 180] [degree]."""
    return np.clip(np.floor((lon + 180.0) / CELL_DEG), 0, _FINE_COLUMNS - 1).astype(np.intp)


@functools.cache
def _index() -> _Index:
    """Build (once) the polygon parts and their runs of grid cells, countries in code order."""
    frame = _read_boundaries().sort_values("iso_a2", kind="stable")  # so is the packaged file
    parts, country = shapely.get_parts(frame.geometry.to_numpy(), return_index=True)
    shapely.prepare(parts)
    codes = np.array([*frame["iso_a2"].astype(str).tolist(), None], dtype=object)
    bounds = shapely.bounds(parts)
    first_col, last_col = _cell_column(bounds[:, 0]), _cell_column(bounds[:, 2])
    first_row, last_row = _cell_row(bounds[:, 1]), _cell_row(bounds[:, 3])
    n_rows = last_row - first_row + 1
    run_part = np.repeat(np.arange(parts.size), n_rows)
    run_row = np.arange(run_part.size) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    run_row += first_row[run_part]
    return _Index(
        codes,
        parts,
        country.astype(np.intp),
        run_part,
        (run_row * _GRID_COLUMNS + first_col[run_part]).astype(np.uint16),
        (run_row * _GRID_COLUMNS + last_col[run_part]).astype(np.uint16),
    )


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return unit vectors (n, 3) on the sphere for lon/lat [degree]."""
    lam = np.radians(lon)
    phi = np.radians(lat)
    cos_phi = np.cos(phi)
    out = np.empty((lam.size, 3))
    # Each function runs over a whole contiguous array and the products go straight into
    # place: no large temporaries, and the same bits as the plain expression.
    trig = np.cos(lam)
    np.multiply(cos_phi, trig, out=out[:, 0])
    np.sin(lam, out=trig)
    np.multiply(cos_phi, trig, out=out[:, 1])
    np.sin(phi, out=trig)
    out[:, 2] = trig
    return out


@functools.cache
def _cells() -> np.ndarray | None:
    """Return (once) the country row of each fine grid cell, -1 (none) or -2 (mixed), flat int16.

    ``None`` when the packaged table is missing or was made from other boundaries; points are
    then all tested polygon by polygon.
    """
    try:
        with cell_countries_path().open("rb") as handle:
            table = pq.read_table(handle)
        metadata = json.loads((table.schema.metadata or {}).get(b"climrisk:source", b"{}"))
        digest = file_sha256(str(boundaries_path()))
    except (OSError, ValueError):
        return None
    expected = {
        "derived_from_sha256": digest,
        "codes": _index().codes[:-1].tolist(),
        "cell_deg": repr(CELL_DEG),
        "shape": [_FINE_ROWS, _FINE_COLUMNS],
    }
    if any(metadata.get(key) != value for key, value in expected.items()):
        return None
    return table.column("country").to_numpy()


def _ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Return the concatenation of ``arange(f, f + c)`` for each pair (f, c)."""
    ends = np.cumsum(count)
    return np.arange(ends[-1] if ends.size else 0) + np.repeat(first - (ends - count), count)


def _candidates(index: _Index, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (point, part) pairs where the point lies in a grid cell of the part's bounding box.

    Points are sorted by grid cell; each run of cells of a part is then one slice of them. The
    pairs come out ordered by part. (No closer bounding-box test: the prepared polygon makes
    that test itself, faster than sorting the pairs out here.)
    """
    keys = (_cell_row(lat) * _GRID_COLUMNS + _cell_column(lon)).astype(np.uint16)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    start = np.searchsorted(sorted_keys, index.run_first, side="left")
    count = np.searchsorted(sorted_keys, index.run_last, side="right") - start
    return order[_ranges(start, count)], np.repeat(index.run_part, count)


def _inside(index: _Index, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the country row of each point by point-in-polygon, or -1 when in none.

    Points in a fine grid cell that lies inside one part, or touches none, take the cell's
    answer (:func:`_cells`); the others are tested against each part whose bounding box holds
    them.
    """
    cells = _cells()
    if cells is None:
        return _inside_parts(index, lon, lat)
    found = cells[_fine_row(lat) * _FINE_COLUMNS + _fine_column(lon)].astype(np.intp)
    mixed = np.flatnonzero(found == MIXED)
    found[mixed] = _inside_parts(index, lon[mixed], lat[mixed])
    return found


def _inside_parts(index: _Index, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the country row of each point by testing every candidate part, or -1."""
    found = np.full(lon.shape, -1, dtype=np.intp)
    point_i, part_i = _candidates(index, lon, lat)
    if point_i.size == 0:
        return found
    starts = np.flatnonzero(np.r_[True, part_i[1:] != part_i[:-1]])
    stops = np.r_[starts[1:], part_i.size]
    # One vectorised prepared test per polygon part that has candidates (a few thousand at most);
    # where parts overlap, the later part wins.
    for start, stop in zip(starts, stops, strict=True):
        part = part_i[start]
        candidates = point_i[start:stop]
        hit = shapely.contains_xy(index.parts[part], lon[candidates], lat[candidates])
        found[candidates[hit]] = index.part_country[part]
    return found


@functools.cache
def _segments() -> _Segments:
    """Build (once) the outline segments and the fine grid cells of their bounding boxes."""
    index = _index()
    rings, part = shapely.get_rings(index.parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    first = np.flatnonzero(ring[1:] == ring[:-1])
    row, col = _fine_row(xy[:, 1]), _fine_column(xy[:, 0])
    step = xy[first + 1] - xy[first]
    return _Segments(
        xy,
        index.part_country[part[ring[first]]],
        first,
        np.minimum(row[first], row[first + 1]),
        np.maximum(row[first], row[first + 1]),
        np.minimum(col[first], col[first + 1]),
        np.maximum(col[first], col[first + 1]),
        np.maximum(np.ceil(np.hypot(step[:, 0], step[:, 1]) / _DENSIFY_DEG), 1.0),
    )


def _outline_of(chosen: np.ndarray) -> _Outline:
    """Return the k-d tree of the densified vertices of the chosen segments (ascending).

    Runs of consecutive segments of a ring become one line each; densifying works segment by
    segment, so the vertices are exactly those of the densified rings.
    """
    from scipy.spatial import cKDTree  # imported here: it takes a while, and is rarely needed

    segments = _segments()
    first = segments.first[chosen]
    new_run = np.diff(first, prepend=-2) != 1
    count = np.diff(np.r_[np.flatnonzero(new_run), chosen.size]) + 1
    lines = shapely.linestrings(
        segments.xy[_ranges(first[new_run], count)],
        indices=np.repeat(np.arange(count.size), count),
    )
    xy, run = shapely.get_coordinates(shapely.segmentize(lines, _DENSIFY_DEG), return_index=True)
    tree = cKDTree(_unit_vectors(xy[:, 0], xy[:, 1]), copy_data=False)
    return _Outline(tree, segments.country[chosen[new_run]][run])


@functools.cache
def _outline() -> _Outline:
    """Build (once) the k-d tree of all densified outline vertices."""
    return _outline_of(np.arange(_segments().first.size))


@functools.cache
def _reach_columns(angle_deg: float) -> np.ndarray:
    """Return, per fine grid row, how many columns each way a cap of ``angle_deg`` can reach.

    A spherical cap of angular radius ``a`` centred at latitude ``phi`` spans
    ``asin(sin a / cos phi)`` of longitude either side, or all longitudes once it holds a pole;
    the row's edge farthest from the equator bounds it. One more column allows for the rounding
    of cell positions; a whole row is :data:`_FINE_COLUMNS`.
    """
    edge = np.abs(np.arange(_FINE_ROWS + 1) * CELL_DEG - 90.0)
    far = np.maximum(edge[:-1], edge[1:])
    with np.errstate(divide="ignore"):
        ratio = np.sin(np.radians(angle_deg)) / np.cos(np.radians(far))
    half = np.degrees(np.arcsin(np.clip(ratio, 0.0, 1.0)))
    columns = np.ceil(half / CELL_DEG).astype(np.intp) + 1
    whole = (far + angle_deg >= 90.0) | (ratio >= 1.0) | (2 * columns + 1 >= _FINE_COLUMNS)
    return np.where(whole, _FINE_COLUMNS, columns)


def _reach(cells: np.ndarray, angle_deg: float) -> np.ndarray:
    """Return the fine grid cells that hold a point within ``angle_deg`` of a marked cell.

    Conservative: every such cell is marked, and some farther ones. ``cells`` is a boolean
    (rows, columns) grid; longitude wraps around.
    """
    columns = _reach_columns(angle_deg)
    # Along each row, as far as a cap centred in that row reaches in longitude ...
    pad = min(int(columns.max()), _FINE_COLUMNS)
    wrapped = np.concatenate([cells[:, -pad:], cells, cells[:, :pad]], axis=1)
    running = np.zeros((_FINE_ROWS, wrapped.shape[1] + 1), dtype=np.int32)
    np.cumsum(wrapped, axis=1, out=running[:, 1:])
    reach = np.minimum(columns, pad)[:, None]
    centre = np.arange(_FINE_COLUMNS)[None, :] + pad
    rows = np.arange(_FINE_ROWS)[:, None]
    across = running[rows, centre + reach + 1] > running[rows, centre - reach]
    whole = columns >= _FINE_COLUMNS
    across[whole] = cells[whole].any(axis=1)[:, None]
    # ... then along columns, as far as the cap reaches in latitude (plus one row).
    k = int(np.ceil(angle_deg / CELL_DEG)) + 1
    running = np.zeros((_FINE_ROWS + 1, _FINE_COLUMNS), dtype=np.int32)
    np.cumsum(across, axis=0, out=running[1:])
    top = np.minimum(np.arange(_FINE_ROWS) + k + 1, _FINE_ROWS)
    bottom = np.maximum(np.arange(_FINE_ROWS) - k, 0)
    return running[top] > running[bottom]


def _local_outline(lon: np.ndarray, lat: np.ndarray, angle_deg: float) -> _Outline | None:
    """Return the k-d tree of the outline near the points, or ``None`` when that is not small.

    It holds every densified vertex of each segment whose bounding box meets a fine grid cell
    within ``angle_deg`` of a point's cell, so every vertex within that angle of a point, with
    the same coordinates as in the tree of all vertices (:func:`_outline`). ``None`` when it
    would hold more than :data:`_LOCAL_SHARE` of all vertices.
    """
    marked = np.zeros((_FINE_ROWS, _FINE_COLUMNS), dtype=bool)
    marked[_fine_row(lat), _fine_column(lon)] = True
    # Segments whose bounding box meets a cell within reach (by a summed-area table).
    table = np.zeros((_FINE_ROWS + 1, _FINE_COLUMNS + 1), dtype=np.int32)
    np.cumsum(np.cumsum(_reach(marked, angle_deg), axis=0), axis=1, out=table[1:, 1:])
    segments = _segments()
    r0, r1, c0, c1 = segments.row0, segments.row1 + 1, segments.col0, segments.col1 + 1
    chosen = np.flatnonzero(table[r1, c1] - table[r0, c1] - table[r1, c0] + table[r0, c0])
    if segments.weight[chosen].sum() > _LOCAL_SHARE * segments.weight.sum():
        return None
    return _outline_of(chosen)


def _nearest_country(outline: _Outline, vectors: np.ndarray, chord: float) -> np.ndarray:
    """Return the country row of the nearest vertex closer than ``chord``, or -1.

    Of several vertices at the same smallest distance, the lowest country row (the first code)
    wins: the k nearest are asked for, k doubling while all k are tied.
    """
    found = np.full(len(vectors), -1, dtype=np.intp)
    # The tree marks a missing neighbour with the index n; give it a country no row beats.
    country = np.r_[outline.country, np.iinfo(np.intp).max]
    todo, k = np.arange(len(vectors)), 2
    while todo.size:
        distance, vertex = outline.tree.query(vectors[todo], k=k, distance_upper_bound=chord)
        tied = (distance == distance[:, :1]) & np.isfinite(distance)
        best = np.where(tied, country[vertex], country[-1]).min(axis=1)
        found[todo] = np.where(tied[:, 0], best, -1)
        todo, k = todo[tied[:, -1]], 2 * k
    return found


def _nearest(lon: np.ndarray, lat: np.ndarray, snap_km: float) -> np.ndarray:
    """Return the country row of the nearest outline vertex within ``snap_km``, or -1.

    The vertices come from a k-d tree of the outline near the points while that is small and
    the tree of all vertices is not built; the answer is the same from either.
    """
    if lon.size == 0 or snap_km <= 0:
        return np.full(lon.shape, -1, dtype=np.intp)
    angle = min(snap_km / EARTH_RADIUS_KM, np.pi)
    outline = None
    if _outline.cache_info().currsize == 0:
        outline = _local_outline(lon, lat, float(np.degrees(angle)))
    if outline is None:
        outline = _outline()
    return _nearest_country(outline, _unit_vectors(lon, lat), 2.0 * np.sin(angle / 2.0))


def _as_float(values: np.ndarray) -> np.ndarray:
    """Return float64 values; missing values (``None``, ``pd.NA``) and non-numbers become NaN."""
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        values = pd.to_numeric(pd.Series(values), errors="coerce")
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        return array.astype(np.float64, copy=False)
    flat = pd.to_numeric(pd.Series(array.ravel(), dtype=object), errors="coerce")
    return flat.to_numpy(dtype=np.float64, na_value=np.nan).reshape(array.shape)


def countries_at(
    lon: np.ndarray,
    lat: np.ndarray,
    snap_km: float = COUNTRY_SNAP_DISTANCE_KM,
) -> np.ndarray:
    """Return the ISO 3166-1 alpha-2 code of the country at each point.

    A point strictly inside a country polygon gets that country. A point in no polygon (at sea,
    on a border line, or in a gap between neighbours) gets the country whose outline is nearest,
    if it is within ``snap_km``; otherwise ``None``. Non-finite coordinates and latitudes outside
    [-90, 90] give ``None``; longitudes are wrapped to [-180, 180).

    Parameters
    ----------
    lon
        Longitude [degree east], WGS 84. Missing values (``NaN``, ``None``, ``pd.NA``) are
        allowed and give ``None``.
    lat
        Latitude [degree north], WGS 84; same shape as ``lon``.
    snap_km
        Largest distance [km] from a country's outline for a point outside every polygon to
        take that country; 0 turns the rule off. Distance is great-circle on a sphere of radius
        :data:`EARTH_RADIUS_KM` to the nearest outline vertex (outlines densified to 0.01
        degree, so at most 0.56 km too long); of countries equally near, the one whose code
        sorts first.

    Returns
    -------
    numpy.ndarray
        Object array of the input's shape: alpha-2 code (``str``) or ``None``.

    References
    ----------
    Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1 (public domain).
    Moritz, H. (2000). Geodetic Reference System 1980. J. Geodesy 74, 128-133,
    doi:10.1007/s001900050278.
    """
    lon_a = _as_float(lon)
    lat_a = _as_float(lat)
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat differ in shape: {lon_a.shape} and {lat_a.shape}")
    if not np.isfinite(snap_km) or snap_km < 0:
        raise ValueError(f"snap_km must be a finite distance >= 0, got {snap_km}")
    rows = _country_rows(lon_a.ravel(), lat_a.ravel(), snap_km)
    # -1 picks the trailing None of ``codes``.
    return _index().codes[rows].reshape(lon_a.shape)


def country_codes_at(
    lon: np.ndarray, lat: np.ndarray, snap_km: float = COUNTRY_SNAP_DISTANCE_KM
) -> pd.api.extensions.ExtensionArray:
    """Return the same codes as :func:`countries_at`, as a pandas ``string`` array.

    Builds the result from the few distinct codes without a Python object per point, so it is
    the fast form for a long column of one-dimensional coordinates.

    Parameters
    ----------
    lon, lat
        Longitude and latitude [degree], WGS 84, one-dimensional float arrays of equal length.
    snap_km
        As for :func:`countries_at` [km].

    Returns
    -------
    pandas.api.extensions.ExtensionArray
        ``string`` dtype: the alpha-2 code, or ``<NA>`` where :func:`countries_at` gives ``None``.
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if lon_a.ndim != 1 or lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat must be 1-d of one length: {lon_a.shape}, {lat_a.shape}")
    if not np.isfinite(snap_km) or snap_km < 0:
        raise ValueError(f"snap_km must be a finite distance >= 0, got {snap_km}")
    codes = _index().codes
    rows = _country_rows(lon_a, lat_a, snap_km)
    rows[rows < 0] = codes.size - 1  # the trailing None
    names = pa.array(codes.tolist(), type=pa.large_string())
    return pd.array(names.take(pa.array(rows)), dtype="string")


def _country_rows(lon: np.ndarray, lat: np.ndarray, snap_km: float) -> np.ndarray:
    """Return the row of ``_index().codes`` for each point (1-d float arrays), or -1 for none."""
    index = _index()
    row = np.full(lon.shape, -1, dtype=np.intp)
    usable = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0)
    todo = np.flatnonzero(usable)
    for begin in range(0, todo.size, _CHUNK):
        batch = todo[begin : begin + _CHUNK]
        x = lon[batch]
        x = np.where((x >= -180.0) & (x <= 180.0), x, (x + 180.0) % 360.0 - 180.0)
        y = lat[batch]
        found = _inside(index, x, y)
        missing = np.flatnonzero(found < 0)
        if missing.size:
            found[missing] = _nearest(x[missing], y[missing], snap_km)
        row[batch] = found
    return row


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------


@functools.cache
def _code_table() -> dict[str, str]:
    """Return upper-case alpha-2/alpha-3 (and reserved aliases) to canonical alpha-2."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        table[country.alpha_2] = country.alpha_2
        table[country.alpha_3] = country.alpha_2
    table.update(_ALIASES)
    return table


@functools.cache
def _alpha3_table() -> dict[str, str]:
    """Return alpha-2 to alpha-3."""
    table = {country.alpha_2: country.alpha_3 for country in pycountry.countries}
    table.update(_ALPHA3_EXTRA)
    return table


def _lookup(value: object) -> tuple[str | None, bool]:
    """Return (alpha-2 or None, invalid) for one distinct user value."""
    text = str(value).strip()
    if not text:
        return None, False
    code = _code_table().get(text.upper())
    return code, code is None


def normalise_country_codes(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Turn user-written ISO 3166-1 codes into canonical alpha-2.

    Accepts alpha-2 or alpha-3 in any case with surrounding spaces, and the codes ISO 3166
    reserves exceptionally (``UK`` for GB, ``EL`` for GR) and Kosovo's user-assigned ``XK``/
    ``XKX``. Work is done once per distinct value, so a long column with few countries is fast.

    Parameters
    ----------
    codes
        The column as read (text, or anything that converts to text).

    Returns
    -------
    alpha2 : pandas.Series
        ``string`` dtype, same index: the alpha-2 code, or ``<NA>`` when the value is missing,
        blank or invalid.
    invalid : pandas.Series
        ``bool``, same index: ``True`` for non-blank values that are not a valid code.

    References
    ----------
    ISO 3166-1:2020, Codes for the representation of names of countries.
    """
    position, uniques = pd.factorize(codes, use_na_sentinel=True)
    mapped = [_lookup(value) for value in uniques]
    alpha2_u = np.array([m[0] for m in mapped] + [None], dtype=object)
    invalid_u = np.array([m[1] for m in mapped] + [False], dtype=bool)
    alpha2 = pd.Series(
        pd.array(alpha2_u[position], dtype="string"), index=codes.index, name=codes.name
    )
    invalid = pd.Series(invalid_u[position], index=codes.index, name=codes.name, dtype=bool)
    return alpha2, invalid


def country_alpha3(alpha2: pd.Series) -> pd.Series:
    """Return the ISO 3166-1 alpha-3 code for canonical alpha-2 codes.

    Parameters
    ----------
    alpha2
        Canonical alpha-2 codes (as from :func:`normalise_country_codes`); missing allowed.

    Returns
    -------
    pandas.Series
        ``string`` dtype, same index; ``<NA>`` for missing or unknown codes. Kosovo ``XK``
        gives ``XKX``.
    """
    position, uniques = pd.factorize(alpha2, use_na_sentinel=True)
    table = _alpha3_table()
    mapped = np.array([table.get(str(value)) for value in uniques] + [None], dtype=object)
    return pd.Series(
        pd.array(mapped[position], dtype="string"), index=alpha2.index, name=alpha2.name
    )


def _name_key(text: str) -> str:
    """Return a comparison key: accents and punctuation dropped, case folded, spaces single."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[.,'’()\-_/]+", " ", plain.casefold())
    return " ".join(plain.split())


@functools.cache
def _name_table() -> dict[str, str]:
    """Return name key to alpha-2 from pycountry, the packaged boundaries and common names."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                table[_name_key(name)] = country.alpha_2
                if ", " in name:  # "Korea, Republic of" -> "Republic of Korea"
                    head, tail = name.split(", ", 1)
                    table[_name_key(f"{tail} {head}")] = country.alpha_2
    try:
        with boundaries_path().open("rb") as handle:
            names = pq.read_table(
                handle, columns=["iso_a2", "name", "name_zh_hans", "name_zh_hant"]
            ).to_pandas()
    except (OSError, ValueError):  # hints only: go on without the boundary names
        names = pd.DataFrame(columns=["iso_a2", "name", "name_zh_hans", "name_zh_hant"])
    for column in ("name", "name_zh_hans", "name_zh_hant"):
        for code, name in zip(names["iso_a2"], names[column], strict=True):
            if isinstance(name, str) and name:
                table.setdefault(_name_key(name), str(code))
    table.update(_NAME_HINTS)
    return table


def suggest_country(code: str) -> str | None:
    """Return the alpha-2 code the user most likely meant, for an error-message hint.

    Parameters
    ----------
    code
        The value as written, e.g. ``"CHN "``, ``"China"``, ``"Chna"`` or ``"香港"``.

    Returns
    -------
    str or None
        A canonical alpha-2 code: the code itself when it is valid, the country whose name
        matches (exactly, or closely for names of four or more letters), a known non-ISO
        abbreviation (``GER`` -> ``DE``); ``None`` when nothing is close enough.
    """
    text = str(code).strip()
    if not text:
        return None
    exact = _code_table().get(text.upper())
    if exact is not None:
        return exact
    hint = _CODE_HINTS.get(text.upper())
    if hint is not None:
        return hint
    key = _name_key(text)
    names = _name_table()
    if key in names:
        return names[key]
    if len(key) < 4:
        return None
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None
