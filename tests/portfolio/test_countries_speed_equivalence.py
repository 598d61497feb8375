"""The fast country lookup (cell table, k-d trees of part of the outline) gives the plain rule.

The plain rule: a point strictly inside a polygon part gets the country of the last such part;
else, of the densified outline vertices whose chord distance is below the snap chord, those at
the smallest distance decide, and of their countries the alpha-2 code that sorts first wins;
else none. The reference here computes it by brute force over all vertices.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from climrisk.data.boundaries import boundaries_path, cell_countries_path, lookup
from climrisk.portfolio import countries
from climrisk.portfolio.countries import EARTH_RADIUS_KM, countries_at
from tools.boundaries import build, cell_countries

_CACHED = ("_outline", "_segments", "_cells", "_reach_columns")


def _clear_caches() -> None:
    for name in _CACHED:
        getattr(countries, name).cache_clear()


@pytest.fixture
def fresh():
    """Start and end with no lookup structure built (the tree of all vertices included)."""
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture(scope="module")
def outline():
    """All densified outline vertices, straight from the boundaries: lon/lat, unit vectors and
    alpha-2 code, sorted by z."""
    frame = countries.load_boundaries()
    lines = shapely.segmentize(shapely.boundary(frame.geometry.to_numpy()), 0.01)
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    vectors = countries._unit_vectors(xy[:, 0], xy[:, 1])
    order = np.argsort(vectors[:, 2], kind="stable")
    codes = frame["iso_a2"].astype(str).to_numpy()
    return xy[order], vectors[order], codes[owner[order]]


def _plain_rule(lon, lat, snap_km, outline):
    """Brute force: the code at each point, and how many countries tie for the nearest vertex."""
    _, vectors, code = outline
    index = countries._index()
    point_i, part_i = shapely.STRtree(index.parts).query(
        shapely.points(lon, lat), predicate="within"
    )
    inside = np.full(lon.size, -1)
    np.maximum.at(inside, point_i, part_i)
    chord = 2.0 * np.sin(min(snap_km / EARTH_RADIUS_KM, np.pi) / 2.0)
    query = countries._unit_vectors(lon, lat)
    out, tied = [], np.zeros(lon.size, dtype=int)
    for i in range(lon.size):
        if inside[i] >= 0:
            out.append(index.codes[index.part_country[inside[i]]])
            continue
        # Only vertices with |dz| < chord can be nearer than the chord.
        lo, hi = np.searchsorted(vectors[:, 2], [query[i, 2] - chord, query[i, 2] + chord])
        near = vectors[lo:hi]
        # The k-d tree's sum, term by term: ((0 + dx^2) + dy^2) + dz^2, and its square root.
        d2 = (near[:, 0] - query[i, 0]) ** 2
        d2 = d2 + (near[:, 1] - query[i, 1]) ** 2
        d2 = d2 + (near[:, 2] - query[i, 2]) ** 2
        if d2.size == 0 or not d2.min() < chord * chord:
            out.append(None)
            continue
        distance = np.sqrt(d2)
        nearest = set(code[lo:hi][distance == distance.min()])
        out.append(min(nearest))
        tied[i] = len(nearest)
    return np.array(out, dtype=object), tied


def _in_box(rng, n, box, xy):
    """``n`` distinct rows of ``xy`` (lon/lat) inside ``box`` (lon0, lat0, lon1, lat1)."""
    keep = np.flatnonzero(
        (xy[:, 0] > box[0]) & (xy[:, 0] < box[2]) & (xy[:, 1] > box[1]) & (xy[:, 1] < box[3])
    )
    return xy[rng.choice(keep, n, replace=False)]


def _near_outline_points(rng, n, box, outline, jitter_km):
    """Points near outline vertices inside ``box``, jittered."""
    pick = _in_box(rng, n, box, outline[0])
    step = rng.normal(scale=jitter_km / 111.2, size=(n, 2))
    step[:, 0] /= np.cos(np.radians(pick[:, 1]))
    return pick[:, 0] + step[:, 0], pick[:, 1] + step[:, 1]


def _shared(outline):
    """The outline vertices (lon/lat, each once) that two or more countries share."""
    xy, _, code = outline
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    xy, code = xy[order], code[order]
    same = np.flatnonzero(np.all(xy[1:] == xy[:-1], axis=1) & (code[1:] != code[:-1]))
    return np.unique(xy[same], axis=0)


_EUROPE = (-10.0, 35.0, 30.0, 60.0)
_ASIA = (95.0, -10.0, 130.0, 25.0)


@pytest.fixture(scope="module")
def tricky(outline):
    """6000 points near coasts and borders, on outline vertices, and on shared ones (ties)."""
    rng = np.random.default_rng(2)
    parts = [
        np.column_stack(_near_outline_points(rng, 1200, box, outline, km))
        for box, km in [(_EUROPE, 0.5), (_EUROPE, 5.0), (_ASIA, 2.0)]
    ]
    shared = _shared(outline)
    parts.append(_in_box(rng, 1200, _EUROPE, outline[0]))
    parts.append(_in_box(rng, 900, _EUROPE, shared))
    parts.append(_in_box(rng, 300, _ASIA, shared))
    return np.concatenate(parts).T


# --- against brute force ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("box", "jitter_km", "snap_km"),
    [
        ((100.0, -10.0, 125.0, 25.0), 8.0, 30.0),  # South-East Asian coasts and islands
        (_EUROPE, 3.0, 30.0),  # European coasts and land borders
        (_EUROPE, 20.0, 10.0),
        ((-80.0, 5.0, -60.0, 20.0), 15.0, 30.0),  # Caribbean
    ],
)
def test_fast_path_matches_brute_force(fresh, outline, box, jitter_km, snap_km):
    rng = np.random.default_rng(11)
    lon, lat = _near_outline_points(rng, 120, box, outline, jitter_km)
    on_vertex = _in_box(rng, 40, box, outline[0])
    lon = np.r_[lon, on_vertex[:, 0], rng.uniform(box[0], box[2], 40)]
    lat = np.r_[lat, on_vertex[:, 1], rng.uniform(box[1], box[3], 40)]
    got = countries_at(lon, lat, snap_km=snap_km)
    # Regional points take the fast path: the tree of all vertices is never built.
    assert countries._outline.cache_info().currsize == 0
    expected, _ = _plain_rule(lon, lat, snap_km, outline)
    np.testing.assert_array_equal(got, expected)
    assert None in expected and any(e is not None for e in expected)


def test_ties_go_to_the_first_code(fresh, outline, tricky):
    lon, lat = tricky[:, 4800:]  # exactly on vertices two or more countries share
    expected, tied = _plain_rule(lon, lat, 30.0, outline)
    # Most are ties; the others are densified vertices that rounding puts just inside a polygon.
    assert (tied >= 2).sum() > 600
    np.testing.assert_array_equal(countries_at(lon, lat), expected)


def test_worldwide_and_wide_snap_match_brute_force(fresh, outline):
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-180, 180, 300), rng.uniform(-90, 90, 300)
    expected, _ = _plain_rule(lon, lat, 30.0, outline)
    np.testing.assert_array_equal(countries_at(lon, lat), expected)
    # Points this far reach much of the outline: the tree of all vertices answers.
    lon, lat = lon[:25], lat[:25]
    expected, _ = _plain_rule(lon, lat, 1500.0, outline)
    np.testing.assert_array_equal(countries_at(lon, lat, snap_km=1500.0), expected)
    assert countries._outline.cache_info().currsize == 1
    assert sum(e is None for e in expected) < 5


# --- every k-d tree gives the same answer -----------------------------------------------------


def test_local_tree_and_tree_of_all_vertices_agree(fresh, tricky):
    lon, lat = tricky
    full = countries._outline()
    for snap_km in (30.0, 2.0, 300.0):
        angle = snap_km / EARTH_RADIUS_KM
        chord = 2.0 * np.sin(angle / 2.0)
        local = countries._local_outline(lon, lat, float(np.degrees(angle)))
        assert local is not None and local.tree.n < 0.3 * full.tree.n
        vectors = countries._unit_vectors(lon, lat)
        np.testing.assert_array_equal(
            countries._nearest_country(local, vectors, chord),
            countries._nearest_country(full, vectors, chord),
        )


@pytest.fixture(scope="module")
def tricky_answers(tricky):
    lon, lat = tricky
    return countries_at(lon, lat)


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, 5999), min_size=1, max_size=40))
def test_answer_does_not_depend_on_the_other_points(tricky, tricky_answers, picked):
    # The local k-d tree is built from the outline near the points asked about; each point's
    # answer is the same whatever points come with it.
    countries._outline.cache_clear()
    chosen = np.array(sorted(picked))
    lon, lat = tricky[:, chosen]
    np.testing.assert_array_equal(countries_at(lon, lat), tricky_answers[chosen])


def test_nearest_country_asks_for_more_neighbours_while_all_are_tied():
    # Five copies of one vertex for countries 4, 3, 2, 1, 0 and a farther one for country 9.
    from scipy.spatial import cKDTree

    vectors = np.r_[np.repeat([[1.0, 0.0, 0.0]], 5, axis=0), [[0.0, 1.0, 0.0]]]
    outline = countries._Outline(cKDTree(vectors), np.array([4, 3, 2, 1, 0, 9]))
    # On the copies; on the other vertex; as far from all six (sqrt 2); out of reach.
    query = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-0.6, -0.8, 0.0]])
    got = countries._nearest_country(outline, query, chord=1.5)
    np.testing.assert_array_equal(got, [0, 9, 0, -1])


def test_without_the_cell_table_the_answers_stay(fresh, tricky, tricky_answers, monkeypatch):
    monkeypatch.setattr(countries, "_cells", lambda: None)
    np.testing.assert_array_equal(countries_at(*tricky), tricky_answers)


def test_p1e6_like_portfolio_is_the_same(fresh, monkeypatch):
    # Random points in land-ish boxes, many at sea: the shape of a large synthetic portfolio.
    rng = np.random.default_rng(1)
    boxes = np.array([[-120, 25, -70, 50], [-10, 35, 40, 55], [70, 5, 122, 40], [-75, -30, -40, 5]])
    which = rng.integers(0, len(boxes), 60_000)
    lon = rng.uniform(boxes[which, 0], boxes[which, 2]).round(4)
    lat = rng.uniform(boxes[which, 1], boxes[which, 3]).round(4)
    fast = countries.country_codes_at(lon, lat)
    assert countries._outline.cache_info().currsize == 0
    _clear_caches()
    monkeypatch.setattr(countries, "_cells", lambda: None)
    monkeypatch.setattr(countries, "_LOCAL_SHARE", -1.0)
    full = countries_at(lon, lat)
    assert countries._outline.cache_info().currsize == 1
    np.testing.assert_array_equal(fast.to_numpy(dtype=object, na_value=None), full)


# --- the pieces -----------------------------------------------------------------------------


def test_tree_of_all_vertices_holds_the_densified_outline(outline):
    full = countries._outline()
    codes = countries._index().codes[:-1].astype(str)  # sorted
    got = np.column_stack([full.tree.data, full.country])
    expected = np.column_stack([outline[1], np.searchsorted(codes, outline[2])])
    assert got.shape == expected.shape
    # The same vertices, each as often, with the same country (checked from 40 to 60 N).
    got, expected = (a[(a[:, 2] > 0.64) & (a[:, 2] < 0.87)] for a in (got, expected))
    np.testing.assert_array_equal(
        got[np.lexsort(got.T[::-1])], expected[np.lexsort(expected.T[::-1])]
    )


def test_packaged_cell_table_matches_the_boundaries():
    metadata = json.loads(pq.read_schema(cell_countries_path()).metadata[b"climrisk:source"])
    assert metadata["derived_from"] == boundaries_path().name
    assert "public domain" in metadata["licence"]
    assert countries._cells() is not None  # the SHA-256, codes and grid all match


def test_cell_table_agrees_with_point_in_polygon():
    cells = countries._cells().reshape(countries._FINE_ROWS, countries._FINE_COLUMNS)
    index = countries._index()
    rng = np.random.default_rng(8)
    lon, lat, expected = [], [], []
    for value, n in ((lookup.NO_COUNTRY, 150), (None, 250)):
        rows, cols = np.nonzero(cells == value) if value is not None else np.nonzero(cells >= 0)
        pick = rng.choice(rows.size, n, replace=False)
        r, c = rows[pick], cols[pick]
        # Random points and the cell corners (edges belong to both neighbours).
        fx, fy = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
        fx[: n // 4], fy[: n // 4] = 0.0, 0.0
        fx[n // 4 : n // 2], fy[n // 4 : n // 2] = 1.0, 1.0
        lon.append((c + fx) * lookup.CELL_DEG - 180.0)
        lat.append((r + fy) * lookup.CELL_DEG - 90.0)
        expected.append(cells[r, c])
    lon, lat, expected = np.concatenate(lon), np.concatenate(lat), np.concatenate(expected)
    # The verdict holds on the closed cell and its margin, so at the corners too.
    np.testing.assert_array_equal(countries._inside_parts(index, lon, lat), expected)


def _destination(lon, lat, bearing, angle):
    """Lon/lat [degree] at ``angle`` [radian] from (lon, lat) along ``bearing`` [degree]."""
    phi, lam, b = np.radians(lat), np.radians(lon), np.radians(bearing)
    phi2 = np.arcsin(np.sin(phi) * np.cos(angle) + np.cos(phi) * np.sin(angle) * np.cos(b))
    lam2 = lam + np.arctan2(
        np.sin(b) * np.sin(angle) * np.cos(phi), np.cos(angle) - np.sin(phi) * np.sin(phi2)
    )
    lon2 = (np.degrees(lam2) + 180.0) % 360.0 - 180.0
    return lon2, np.clip(np.degrees(phi2), -90.0, 90.0)


@pytest.mark.parametrize("km", [0.5, 30.0, 111.0, 600.0, 1100.0])
def test_reach_bounds_every_cap(km):
    # Every point within the angle of a point p lies within the rows and columns the grid
    # dilation spreads p's cell to.
    rng = np.random.default_rng(int(km * 10))
    n = 100_000
    angle = km / EARTH_RADIUS_KM
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))  # uniform on the sphere, and ...
    lat[: n // 2] = rng.uniform(-90, 90, n // 2)  # ... uniform in latitude, and ...
    lat[: n // 4] = rng.choice([-1, 1], n // 4) * rng.uniform(60, 90, n // 4)  # ... far north/south
    lon = rng.uniform(-180, 180, n)
    lon2, lat2 = _destination(lon, lat, rng.uniform(0, 360, n), angle * rng.uniform(0.9, 1, n))
    row, col = countries._fine_row(lat), countries._fine_column(lon)
    row2, col2 = countries._fine_row(lat2), countries._fine_column(lon2)
    k = int(np.ceil(np.degrees(angle) / lookup.CELL_DEG)) + 1
    assert (np.abs(row2 - row) <= k).all()
    columns = countries._reach_columns(float(np.degrees(angle)))[row]
    apart = np.abs(col2 - col)
    apart = np.minimum(apart, countries._FINE_COLUMNS - apart)
    assert ((apart <= columns) | (columns >= countries._FINE_COLUMNS)).all()


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-180.0, 180.0),
    st.floats(-90.0, 90.0),
    st.floats(0.0, 360.0),
    st.floats(0.0, 1.0),
    st.floats(0.1, 600.0),
)
@example(179.99, 10.0, 90.0, 1.0, 30.0)  # across the antimeridian
@example(-179.99, -10.0, 270.0, 1.0, 30.0)
@example(45.0, 89.9, 0.0, 1.0, 30.0)  # over the pole
@example(10.0, 75.0, 90.0, 1.0, 600.0)  # wide in longitude
def test_reach_marks_the_cell_of_every_point_within_the_angle(lon, lat, bearing, share, km):
    angle = km / EARTH_RADIUS_KM
    lon2, lat2 = _destination(np.array(lon), np.array(lat), bearing, angle * share)
    marked = np.zeros((countries._FINE_ROWS, countries._FINE_COLUMNS), dtype=bool)
    marked[countries._fine_row(np.array(lat)), countries._fine_column(np.array(lon))] = True
    reached = countries._reach(marked, float(np.degrees(angle)))
    assert reached[countries._fine_row(lat2), countries._fine_column(lon2)]


def test_unit_vectors_do_not_depend_on_the_slice():
    # The local tree and the tree of all vertices compute the vectors of one vertex in arrays
    # of different length and offset: the bits must agree, or ties would not be ties.
    rng = np.random.default_rng(6)
    lon, lat = rng.uniform(-180, 180, 10_001), rng.uniform(-90, 90, 10_001)
    whole = countries._unit_vectors(lon, lat)
    for start, stop in [(0, 1), (3, 4000), (7, 10_001), (1001, 1002), (5, 17)]:
        part = countries._unit_vectors(lon[start:stop].copy(), lat[start:stop].copy())
        np.testing.assert_array_equal(part, whole[start:stop])


def test_build_writes_the_cell_table(tmp_path, natural_earth_like):
    frame = build.build_boundaries(natural_earth_like([
        ("FRA", "FR", "FRA", "France", (0, 40, 5, 45)),
        ("KOS", "XK", "-99", "Kosovo", (20, 42, 21, 43)),
    ]))
    target = tmp_path / "b.parquet"
    build.write_boundaries(frame, target, {"dataset": "test"})
    single = cell_countries.build_and_write(target, tmp_path)
    cells = pq.read_table(tmp_path / "cell_countries.parquet")
    metadata = json.loads(cells.schema.metadata[b"climrisk:source"])
    assert metadata["codes"] == ["FR", "XK"]
    grid = cells.column("country").to_numpy().reshape(metadata["shape"])
    step = round(1 / lookup.CELL_DEG)
    # France is the box (0, 40)-(5, 45): inner cells FR, edge cells mixed, the rest none.
    fr = grid[130 * step : 135 * step, 180 * step : 185 * step]
    assert (fr[1:-1, 1:-1] == 0).all()
    assert (fr[0] == lookup.MIXED).all() and (fr[:, -1] == lookup.MIXED).all()
    assert single == (5 * step - 2) ** 2 + (1 * step - 2) ** 2
    assert (grid == lookup.NO_COUNTRY).sum() > 0.99 * grid.size
