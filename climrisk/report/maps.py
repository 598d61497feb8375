"""Vector maps of the portfolio: assets over country boundaries, coloured by their highest score.

Countries are Natural Earth 1:10m admin-0 polygons (public domain) from
:func:`climrisk.portfolio.countries.load_boundaries`, clipped to the map window and simplified
to about a third of a drawing point, then drawn as vector paths: land light grey, borders and
coastlines in white / grey lines, sea pale. Projection: plate carrée, with longitudes scaled by
the cosine of the window's middle latitude for regional insets so shapes keep their proportions.

Insets open where assets cluster: a region of :data:`INSET_REGIONS` with at least
:data:`INSET_MIN_ASSETS` assets and a quarter of the portfolio (or at least five assets) gets its
own window fitted around those assets.

References
----------
Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1, https://www.naturalearthdata.com/
(public domain).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from reportlab.graphics.shapes import Circle, Drawing, Group, Path, Rect
from reportlab.lib import colors

from climrisk.report.charts import draw_text, make_drawing
from climrisk.report.fonts import FontSet
from climrisk.report.layout import MUTED, score_colour

__all__ = ["INSET_MIN_ASSETS", "INSET_REGIONS", "MapWindow", "choose_insets", "map_drawing"]

# name: (lon_min, lon_max, lat_min, lat_max)
INSET_REGIONS: dict[str, tuple[float, float, float, float]] = {
    "east_asia": (95.0, 150.0, 15.0, 55.0),
    "southeast_asia": (90.0, 130.0, -12.0, 15.0),
    "south_asia": (60.0, 95.0, 5.0, 37.0),
    "middle_east": (25.0, 63.0, 10.0, 43.0),
    "europe": (-12.0, 35.0, 34.0, 66.0),
    "north_america": (-130.0, -55.0, 15.0, 60.0),
    "latin_america": (-120.0, -30.0, -45.0, 15.0),
}
INSET_MIN_ASSETS = 3

LAND = colors.HexColor("#e3e3e0")
SEA = colors.HexColor("#f3f6f9")
BORDER = colors.HexColor("#ffffff")
COAST = colors.HexColor("#9aa5ad")


@dataclass(frozen=True)
class MapWindow:
    """A map window in degrees: longitude and latitude bounds."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    @property
    def aspect(self) -> float:
        """Width / height of the window after the cosine scaling."""
        return (self.lon_max - self.lon_min) * self.kx / (self.lat_max - self.lat_min)

    @property
    def kx(self) -> float:
        """Longitude scale factor (cos of the middle latitude; 1 for world views)."""
        if self.lon_max - self.lon_min > 150:
            return 1.0
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))


@functools.lru_cache(maxsize=1)
def _boundaries() -> tuple[np.ndarray, np.ndarray]:
    """Country codes and geometries (read once per process)."""
    from climrisk.portfolio.countries import load_boundaries

    frame = load_boundaries()
    return frame["iso_a2"].astype(str).to_numpy(), shapely.make_valid(frame.geometry.to_numpy())


@functools.lru_cache(maxsize=16)
def _countries_in(window: MapWindow, tolerance: float) -> tuple[object, ...]:
    """Country geometries clipped to ``window`` and simplified (cached: maps share windows)."""
    codes, geoms = _boundaries()
    box = shapely.box(window.lon_min, window.lat_min, window.lon_max, window.lat_max)
    hits = np.flatnonzero(shapely.intersects(geoms, box))
    hits = hits[np.argsort(codes[hits], kind="stable")]
    # Douglas-Peucker before clipping: cheaper, and the clip keeps the window edge exact.
    simple = shapely.simplify(geoms[hits], tolerance, preserve_topology=False)
    clipped = shapely.clip_by_rect(simple, window.lon_min, window.lat_min, window.lon_max,
                                   window.lat_max)
    return tuple(g for g in clipped if g is not None and not g.is_empty)


def _fit(window: MapWindow, aspect: float) -> MapWindow:
    """Widen the window (longitude or latitude) so that it has the drawing's aspect ratio."""
    current = window.aspect
    if current < aspect:
        extra = ((window.lat_max - window.lat_min) * aspect / window.kx
                 - (window.lon_max - window.lon_min)) / 2
        return MapWindow(window.lon_min - extra, window.lon_max + extra, window.lat_min,
                         window.lat_max)
    extra = ((window.lon_max - window.lon_min) * window.kx / aspect
             - (window.lat_max - window.lat_min)) / 2
    return MapWindow(window.lon_min, window.lon_max, window.lat_min - extra,
                     window.lat_max + extra)


def world_window(lons: np.ndarray, lats: np.ndarray, aspect: float) -> MapWindow:
    """The main map window: the whole world, or the assets' region when they are all near."""
    if len(lons) == 0:
        return _fit(MapWindow(-180, 180, -58, 84), aspect)
    span = float(np.nanmax(lons) - np.nanmin(lons))
    if span > 120:
        window = MapWindow(-180.0, 180.0, -58.0, 84.0)
        return window
    pad = max(8.0, span * 0.15)
    window = MapWindow(float(np.nanmin(lons)) - pad, float(np.nanmax(lons)) + pad,
                       max(-85.0, float(np.nanmin(lats)) - pad),
                       min(85.0, float(np.nanmax(lats)) + pad))
    return _fit(window, aspect)


def choose_insets(
    lons: np.ndarray, lats: np.ndarray, limit: int = 3
) -> list[tuple[str, MapWindow]]:
    """Regions where assets cluster, largest first, each with a window around its assets."""
    n = len(lons)
    found = []
    for name, (x0, x1, y0, y1) in INSET_REGIONS.items():
        inside = (lons >= x0) & (lons <= x1) & (lats >= y0) & (lats <= y1)
        count = int(inside.sum())
        if count < INSET_MIN_ASSETS or (count < 5 and count < 0.25 * n):
            continue
        xs, ys = lons[inside], lats[inside]
        pad = 2.5
        window = MapWindow(float(xs.min()) - pad, float(xs.max()) + pad,
                           float(ys.min()) - pad, float(ys.max()) + pad)
        min_span = 10.0
        if window.lon_max - window.lon_min < min_span:
            mid = (window.lon_max + window.lon_min) / 2
            window = MapWindow(mid - min_span / 2, mid + min_span / 2, window.lat_min,
                               window.lat_max)
        if window.lat_max - window.lat_min < min_span * 0.7:
            mid = (window.lat_max + window.lat_min) / 2
            window = MapWindow(window.lon_min, window.lon_max, mid - min_span * 0.35,
                               mid + min_span * 0.35)
        found.append((count, name, window))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [(name, window) for _, name, window in found[:limit]]


def _ring_path(coords: np.ndarray, tx: callable, ty: callable) -> list[float]:
    xs = tx(coords[:, 0])
    ys = ty(coords[:, 1])
    return np.column_stack([xs, ys]).ravel().tolist()


def map_drawing(
    fonts: FontSet,
    window: MapWindow,
    width: float,
    height: float,
    assets: pd.DataFrame,
    title: str = "",
) -> Drawing:
    """One map: countries in ``window`` and the assets (``longitude``, ``latitude``, ``score``).

    Assets are drawn lowest score first so the highest scores stay on top; marker size grows
    with the score; assets without a score are hollow grey circles.
    """
    window = _fit(window, width / height)
    drawing = make_drawing(fonts, width, height)
    group = Group()
    group.add(Rect(0, 0, width, height, fillColor=SEA, strokeColor=None))
    kx = window.kx
    sx = width / ((window.lon_max - window.lon_min) * kx)
    sy = height / (window.lat_max - window.lat_min)

    def tx(lon: np.ndarray) -> np.ndarray:
        return np.round((lon - window.lon_min) * kx * sx, 2)

    def ty(lat: np.ndarray) -> np.ndarray:
        return np.round((lat - window.lat_min) * sy, 2)

    tolerance = 0.35 / min(sx * kx, sy)
    for geom in _countries_in(window, round(tolerance, 6)):
        if geom is None or geom.is_empty:
            continue
        polygons = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
        for polygon in polygons:
            if polygon.area * sx * sy * kx < 0.6:  # smaller than a dot
                continue
            path = Path(fillColor=LAND, strokeColor=COAST, strokeWidth=0.25)
            for ring in [polygon.exterior, *polygon.interiors]:
                points = _ring_path(np.asarray(ring.coords), tx, ty)
                path.moveTo(points[0], points[1])
                for i in range(2, len(points), 2):
                    path.lineTo(points[i], points[i + 1])
                path.closePath()
            group.add(path)
    if len(assets):
        frame = assets.dropna(subset=["longitude", "latitude"]).copy()
        frame["_s"] = frame["score"].astype(float).fillna(0.0)
        frame = frame.sort_values(["_s", "asset_id"] if "asset_id" in frame else ["_s"],
                                  kind="stable")
        xs = tx(frame["longitude"].to_numpy(dtype=float))
        ys = ty(frame["latitude"].to_numpy(dtype=float))
        for x, y, s in zip(xs, ys, frame["_s"].to_numpy(), strict=True):
            if not (0 <= x <= width and 0 <= y <= height):
                continue
            if s <= 0:
                group.add(Circle(x, y, 2.4, fillColor=colors.white, strokeColor=MUTED,
                                 strokeWidth=0.6))
                continue
            radius = 2.0 + 0.55 * s
            group.add(Circle(x, y, radius, fillColor=score_colour(s), strokeColor=colors.black,
                             strokeWidth=0.45))
    group.add(Rect(0, 0, width, height, fillColor=None, strokeColor=colors.black,
                   strokeWidth=0.6))
    if title:
        label_w = fonts.width(title, 7.0, bold=True) + 8
        group.add(Rect(2, height - 14, label_w, 12, fillColor=colors.white, strokeColor=None))
        draw_text(group, fonts, 6, height - 10.5, title, 7.0, "start", colors.black, bold=True)
    drawing.add(group)
    return drawing
