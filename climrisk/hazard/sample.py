"""Hazard values at assets: points by grid-cell lookup, footprints by zonal max or mean.

Sampling is whole-array: one gather per layer covers every asset, scenario, epoch, return
period and quantile. A point takes the cell that contains it (contracts.md, "Calculation
conventions"); bilinear interpolation between cell centres is an option. A point in a no-data
cell (NaN in every slice, e.g. the sea next to a coastal site) takes the nearest valid cell within
``fallback_radius_cells`` and is flagged 1; beyond that radius it is NaN and flagged 2, never 0.

Flags (int8 per asset): 0 value from the asset's own cell(s), 1 filled from a neighbouring cell,
2 no data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard._gather import (
    FLAG_FILLED,
    FLAG_NO_DATA,
    FLAG_OK,
    Located,
    _index_1d,
    clear_cache,
    gather,
    grid_of,
    locate,
    plan_cells,
    preload,
)
from climrisk.hazard.catalog import HazardCatalog
from climrisk.hazard.layer import ACUTE, HazardLayer

__all__ = [
    "FLAG_FILLED",
    "FLAG_NO_DATA",
    "FLAG_OK",
    "METHODS",
    "REDUCERS",
    "HazardSample",
    "LayerPreloader",
    "SampledLayer",
    "clear_cache",
    "sample_assets",
    "sample_footprints",
    "sample_points",
]

METHODS = ("nearest", "bilinear")
REDUCERS = ("max", "mean")
_MAX_CANDIDATES = 4_000_000  # candidate (footprint, cell) pairs tested per batch


@dataclass(frozen=True)
class SampledLayer:
    """One layer sampled at assets.

    Attributes
    ----------
    values
        Dims (asset, scenario, epoch, [return_period], [quantile]); attrs ``units``, ``hazard``,
        ``indicator``, ``kind``, ``long_name``, ``source``, ``license``, ``illustrative``.
    flags
        int8 per asset: 0 ok, 1 filled from a neighbouring valid cell, 2 no data (values NaN).
    """

    values: xr.DataArray
    flags: np.ndarray

    @property
    def name(self) -> str:
        """``"hazard:indicator"``."""
        return f"{self.values.attrs['hazard']}:{self.values.attrs['indicator']}"


def _scenario_index(layer: HazardLayer, scenarios: Sequence[str] | None) -> np.ndarray | None:
    if scenarios is None:
        return None
    missing = [s for s in scenarios if s not in layer.scenarios]
    if missing:
        raise InputError(layer.path, f"{layer.name} has no scenario {', '.join(missing)} "
                                     f"(it has {', '.join(layer.scenarios)})")
    index = np.array([layer.scenarios.index(s) for s in scenarios], dtype=np.int64)
    return None if np.array_equal(index, np.arange(len(layer.scenarios))) else index


def _wrap(layer: HazardLayer, values: np.ndarray, flags: np.ndarray, scenario_index,
          asset_ids: Any) -> SampledLayer:
    dims, lead_shape, lead_coords, attrs = _template(layer, scenario_index)
    n = values.shape[0]
    if asset_ids is None:
        asset: Any = pd.RangeIndex(n)
    elif isinstance(asset_ids, pd.Index):
        asset = asset_ids  # an Index: xarray takes it as it is, without re-inspecting
    else:
        asset = np.asarray(asset_ids)
    da = xr.DataArray(values.reshape((n, *lead_shape)), dims=dims,
                      coords=lead_coords.assign({"asset": asset}), name=layer.name,
                      attrs=dict(attrs))
    return SampledLayer(da, flags)


def _template(layer: HazardLayer, scenario_index: np.ndarray | None) -> tuple:
    """Dims, leading shape, coordinates and attributes of a sampled layer, made once.

    They are the same for every sample of the layer; building the leading coordinates' indexes
    for every chunk and layer cost more than the sampling of small layers.
    """
    key = ("template", None if scenario_index is None else tuple(np.asarray(scenario_index)))
    cached = layer._cache.get(key)
    if cached is None:
        data = layer.data
        if scenario_index is not None:
            data = data.isel(scenario=scenario_index)
        lead = [d for d in data.dims if d not in ("lat", "lon")]
        attrs = {
            "units": layer.units,
            "long_name": layer.long_name,
            "hazard": layer.hazard,
            "indicator": layer.indicator,
            "kind": layer.kind,
            "source": layer.source,
            "license": layer.license,
            "illustrative": layer.illustrative,
        }
        coords = xr.Coordinates({d: data[d].values for d in lead})
        cached = (("asset", *lead), tuple(data.sizes[d] for d in lead), coords, attrs)
        layer._cache[key] = cached
    return cached


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown sampling method {method!r}; "
                         f"expected one of {', '.join(METHODS)}")


def sample_points(
    layer: HazardLayer,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    method: str = "nearest",
    fallback_radius_cells: int = 2,
    scenarios: Sequence[str] | None = None,
    asset_ids: Sequence[Any] | np.ndarray | None = None,
    in_memory: bool | None = None,
    _located: dict | None = None,
) -> SampledLayer:
    """Sample a layer at points.

    Parameters
    ----------
    layer
        The hazard layer.
    lon, lat
        Point coordinates [degrees east, degrees north], same length; longitudes in any
        convention (wrapped to [-180, 180)).
    method
        ``"nearest"``: the cell that contains the point (a point on a cell edge belongs to the
        cell to its north/east). ``"bilinear"``: between the four surrounding cell centres,
        weights renormalised over corners that are not NaN.
    fallback_radius_cells
        For a point in a no-data cell, the nearest valid cell (Euclidean distance in cells) within
        a square of this half-width [cells] is used and flagged 1; 0 disables the fallback.
    scenarios
        Scenarios to return, in this order (default: all of the layer's).
    asset_ids
        Labels for the ``asset`` coordinate (default 0..n-1).
    in_memory
        Load the whole layer (True), read it block by block (False), or decide by size (None).
    _located
        Internal: located points per grid, shared by the layers that :func:`sample_assets`
        samples at the same points.

    Returns
    -------
    SampledLayer
        Values with dims (asset, scenario, epoch, [return_period], [quantile]) in the layer's
        float dtype, and the flags.
    """
    _check_method(method)
    lon = np.asarray(lon, dtype=np.float64).ravel()
    lat = np.asarray(lat, dtype=np.float64).ravel()
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in length ({lon.size} and {lat.size})")
    if fallback_radius_cells < 0:
        raise ValueError("fallback_radius_cells must be >= 0")
    sc_index = _scenario_index(layer, scenarios)
    grid = grid_of(layer)
    key = (grid.lat.tobytes(), grid.lon.tobytes())
    loc = None if _located is None else _located.get(key)
    if loc is None:
        loc = locate(grid, lon, lat)
        if _located is not None:  # layers on the same grid locate the points once
            _located[key] = loc
    values, flags = gather(layer, loc, int(fallback_radius_cells), method == "bilinear",
                           in_memory=in_memory, scenario_index=sc_index)
    return _wrap(layer, values, flags, sc_index, asset_ids)


def _default_reducer(layer: HazardLayer) -> str:
    return "max" if layer.kind == ACUTE else "mean"


def _footprint_candidates(grid, bounds: np.ndarray, start: int
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (footprint, cy, cx) whose cell lies in the footprint's bounding box."""
    ny, nx = grid.shape
    iy_lo, _ = _index_1d(bounds[:, 1], grid.lat, grid.lat_edges, grid.regular_lat)
    iy_hi, _ = _index_1d(bounds[:, 3], grid.lat, grid.lat_edges, grid.regular_lat)
    ix_lo, _ = _index_1d(bounds[:, 0], grid.lon, grid.lon_edges, grid.regular_lon)
    ix_hi, _ = _index_1d(bounds[:, 2], grid.lon, grid.lon_edges, grid.regular_lon)
    finite = np.isfinite(bounds).all(axis=1)
    overlap = finite & (iy_hi >= 0) & (iy_lo < ny) & (ix_hi >= 0) & (ix_lo < nx)
    iy_lo, iy_hi = np.clip(iy_lo, 0, ny - 1), np.clip(iy_hi, 0, ny - 1)
    ix_lo, ix_hi = np.clip(ix_lo, 0, nx - 1), np.clip(ix_hi, 0, nx - 1)
    width = ix_hi - ix_lo + 1
    counts = np.where(overlap, (iy_hi - iy_lo + 1) * width, 0)
    poly = np.repeat(np.arange(bounds.shape[0]), counts)
    offsets = np.cumsum(counts) - counts
    k = np.arange(poly.size) - np.repeat(offsets, counts)
    cy = iy_lo[poly] + k // width[poly]
    cx = ix_lo[poly] + k % width[poly]
    return poly + start, cy, cx


def sample_footprints(
    layer: HazardLayer,
    geometries: gpd.GeoSeries | Sequence[Any] | np.ndarray,
    *,
    reducer: str | None = None,
    fallback_radius_cells: int = 2,
    scenarios: Sequence[str] | None = None,
    asset_ids: Sequence[Any] | np.ndarray | None = None,
    in_memory: bool | None = None,
) -> SampledLayer:
    """Sample a layer over footprints (polygons in WGS84 degrees).

    A footprint covers the cells whose centre lies in it (boundary included) plus the cell that
    contains its representative point, so a footprint smaller than a cell still gets one cell.
    No-data cells are skipped; a footprint whose cells are all no-data falls back, from its
    representative point, as :func:`sample_points` does.

    Parameters
    ----------
    layer
        The hazard layer.
    geometries
        Polygons or multipolygons (EPSG:4326, longitudes -180..180; footprints crossing the
        antimeridian are not split).
    reducer
        ``"max"`` (default for acute layers) or ``"mean"`` (default for chronic layers), the mean
        weighted by cell area (cosine of the cell-centre latitude).
    fallback_radius_cells, scenarios, asset_ids, in_memory
        As for :func:`sample_points`.

    Returns
    -------
    SampledLayer
        One row per footprint.
    """
    reducer = reducer or _default_reducer(layer)
    if reducer not in REDUCERS:
        raise ValueError(f"unknown footprint reducer {reducer!r}; expected one of "
                         f"{', '.join(REDUCERS)}")
    geoms = np.asarray(getattr(geometries, "values", geometries), dtype=object)
    n = geoms.size
    sc_index = _scenario_index(layer, scenarios)
    grid = grid_of(layer)
    ny, nx = grid.shape
    ncell = ny * nx
    shapely.prepare(geoms)
    rep = shapely.point_on_surface(geoms)
    rep_x, rep_y = shapely.get_x(rep), shapely.get_y(rep)
    rep_loc = locate(grid, rep_x, rep_y)
    bounds = shapely.bounds(geoms)
    keys = []
    # estimated candidate cells per footprint, only to cut the footprints into batches
    finite = np.isfinite(bounds).all(axis=1)
    cell_y = max(float(np.abs(np.diff(grid.lat_edges)).min()), 1e-9)
    cell_x = max(float(np.abs(np.diff(grid.lon_edges)).min()), 1e-9)
    with np.errstate(invalid="ignore"):
        span = (np.ceil((bounds[:, 3] - bounds[:, 1]) / cell_y) + 2) * (
            np.ceil((bounds[:, 2] - bounds[:, 0]) / cell_x) + 2)
    counts = np.where(finite, span, 0).astype(np.int64)
    # batches of footprints so that the candidate cells of one batch stay bounded
    cum = np.cumsum(counts)
    cuts = np.searchsorted(cum, np.arange(_MAX_CANDIDATES, cum[-1] if n else 0, _MAX_CANDIDATES))
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, n], strict=True):
        if hi <= lo:
            continue
        poly, cy, cx = _footprint_candidates(grid, bounds[lo:hi], int(lo))
        hit = shapely.intersects_xy(geoms[poly], grid.lon[cx], grid.lat[cy])
        keys.append(poly[hit].astype(np.int64) * ncell + cy[hit] * nx + cx[hit])
    own = np.flatnonzero(rep_loc.inside)
    keys.append(own.astype(np.int64) * ncell + rep_loc.iy[own] * nx + rep_loc.ix[own])
    keys = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    poly, cell = np.divmod(keys, ncell)
    cy, cx = np.divmod(cell, nx)
    inside = np.ones(cell.size, dtype=bool)
    pairs = Located(cy, cx, inside, cy.astype(float), cx.astype(float))
    vals, _ = gather(layer, pairs, 0, False, in_memory=in_memory, scenario_index=sc_index)
    n_slices = vals.shape[1] if vals.ndim == 2 else 0
    out = np.full((n, n_slices), np.nan, dtype=vals.dtype)
    groups, starts = np.unique(poly, return_index=True)
    if groups.size:
        if reducer == "max":
            with np.errstate(invalid="ignore"):
                out[groups] = np.fmax.reduceat(vals, starts, axis=0)
        else:
            weight = np.cos(np.deg2rad(grid.lat[cy]))[:, None]
            have = ~np.isnan(vals)
            num = np.add.reduceat(np.where(have, vals * weight, 0.0), starts, axis=0)
            den = np.add.reduceat(np.where(have, weight, 0.0), starts, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[groups] = (num / den).astype(out.dtype)
    flags = np.full(n, FLAG_OK, dtype=np.int8)
    empty = np.isnan(out).all(axis=1)
    if empty.any():
        # no valid cell in the footprint: the representative point, with the fallback radius
        sub = Located(rep_loc.iy[empty], rep_loc.ix[empty], rep_loc.inside[empty],
                      rep_loc.fy[empty], rep_loc.fx[empty])
        fb_vals, fb_flags = gather(layer, sub, int(fallback_radius_cells), False,
                                   in_memory=in_memory, scenario_index=sc_index)
        out[empty] = fb_vals
        flags[empty] = np.where(fb_flags == FLAG_OK, FLAG_FILLED, fb_flags)
    return _wrap(layer, out, flags, sc_index, asset_ids)


class LayerPreloader:
    """Opens a hazard catalogue and loads its layers into memory on a background thread.

    Started before the portfolio is read, so that opening the files and reading them (which
    releases the GIL) overlap with reading and validating the assets. Give it the catalogue,
    or a function that opens one: :meth:`catalog` then waits for it and raises what opening
    raised. :meth:`decide` tells it the portfolio: given the points, each in-memory layer gets
    a compact cell-major copy of the cells they will read
    (:func:`~climrisk.hazard._gather.plan_cells`); given only the size, portfolios with at
    least a quarter as many assets as a layer has cells get the layer's whole cell-major copy.
    Either is made here, beside the first chunks, rather than by a gather. Errors in loading
    are left for the sampling itself to report.
    """

    def __init__(self, catalog: HazardCatalog | Callable[[], HazardCatalog]) -> None:
        self._open = catalog if callable(catalog) else None
        self._catalog: HazardCatalog | None = None if callable(catalog) else catalog
        self._error: BaseException | None = None
        self._opened = threading.Event()
        self._decided = threading.Event()
        self._cancelled = False
        self._n_assets = 0
        self._planned = False
        self._thread = threading.Thread(target=self._run, name="climrisk-preload", daemon=True)
        self._thread.start()

    def catalog(self) -> HazardCatalog:
        """The catalogue, once open (raises what opening it raised)."""
        self._opened.wait()
        if self._error is not None:
            raise self._error
        if self._catalog is None:
            raise RuntimeError("the hazard catalogue was not opened")
        return self._catalog

    def decide(self, n_assets: int, lon: np.ndarray | None = None,
               lat: np.ndarray | None = None, halo: int = 0) -> None:
        """The number of assets to be sampled and, optionally, their points.

        Parameters
        ----------
        n_assets
            Number of assets.
        lon, lat
            The assets' points [degrees]; with them, the cells to copy are planned here (on
            the calling thread, so that no gather starts before the plan).
        halo
            Cells around each point that sampling may read: the fallback radius, at least 1
            for bilinear sampling.
        """
        self._n_assets = int(n_assets)
        if lon is not None and lat is not None:
            try:
                plan_cells(list(self.catalog().values()), lon, lat, halo)
                self._planned = True
            except Exception:  # sampling reads the layer again and reports the problem
                self._planned = False
        self._decided.set()

    def cancel(self) -> None:
        """Stop after the layer being loaded (e.g. the portfolio turned out to be invalid)."""
        self._cancelled = True
        self._decided.set()

    def join(self) -> None:
        """Wait for the loading to finish."""
        self._decided.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            if self._open is not None:
                self._catalog = self._open()
        except BaseException as exc:  # raised to the caller by catalog()
            self._error = exc
            return
        finally:
            self._opened.set()
        layers = list(self._catalog.values())
        try:
            for layer in layers:
                if self._cancelled:
                    return
                preload(layer)
            self._decided.wait()
            for layer in layers:
                if self._cancelled:
                    return
                cells = int(np.prod(layer.data.shape[-2:]))
                if self._planned or 4 * self._n_assets >= cells:
                    preload(layer, cell_major=True)
        except Exception:  # sampling reads the layer again and reports the problem
            return


class HazardSample(Mapping[str, xr.DataArray]):
    """Every layer of a catalogue sampled at a portfolio's assets.

    ``sample[name]`` (name ``"hazard:indicator"``) is the layer's DataArray with dims (asset,
    scenario, epoch, [return_period], [quantile]); ``sample.flags(name)`` its flags.
    :attr:`dataset` holds everything in one ``xr.Dataset``: a variable per layer and one
    ``"{name}:flag"`` per layer. There, ``asset``, ``scenario`` and ``epoch`` are shared; a
    ``return_period`` (``quantile``) dim keeps its plain name when every layer that has it uses
    the same values, otherwise each such layer gets its own dim ``return_period_<hazard>``
    (``return_period_<hazard>_<indicator>`` when one hazard has several such layers).
    """

    def __init__(self, layers: Mapping[str, SampledLayer], scenarios: Sequence[str]) -> None:
        self._layers = dict(layers)
        self.scenarios = tuple(scenarios)

    def __getitem__(self, name: str) -> xr.DataArray:
        return self._layers[name].values

    def __iter__(self) -> Iterator[str]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __repr__(self) -> str:
        return f"HazardSample({', '.join(self._layers)}; scenarios {', '.join(self.scenarios)})"

    def layer(self, name: str) -> SampledLayer:
        """The :class:`SampledLayer` of ``name``."""
        return self._layers[name]

    def flags(self, name: str) -> np.ndarray:
        """int8 flags per asset for layer ``name`` (0 ok, 1 filled, 2 no data)."""
        return self._layers[name].flags

    def hazards(self) -> tuple[str, ...]:
        """Hazard ids present."""
        return tuple(dict.fromkeys(da.attrs["hazard"] for da in self.values()))

    @property
    def dataset(self) -> xr.Dataset:
        """All layers and flags in one Dataset (see the class docstring for dim names)."""
        cached = getattr(self, "_dataset", None)
        if cached is None:
            cached = self._build_dataset()
            self._dataset = cached
        return cached

    def _build_dataset(self) -> xr.Dataset:
        rename: dict[str, dict[str, str]] = {name: {} for name in self._layers}
        for dim in ("return_period", "quantile"):
            having = {n: tuple(s.values[dim].values.tolist()) for n, s in self._layers.items()
                      if dim in s.values.dims}
            if len(set(having.values())) <= 1:
                continue
            per_hazard: dict[str, int] = {}
            for name in having:
                hazard = name.split(":")[0]
                per_hazard[hazard] = per_hazard.get(hazard, 0) + 1
            for name in having:
                hazard, indicator = name.split(":", 1)
                suffix = hazard if per_hazard[hazard] == 1 else f"{hazard}_{indicator}"
                rename[name][dim] = f"{dim}_{suffix}"
        variables: dict[str, xr.DataArray] = {}
        for name, sampled in self._layers.items():
            da = sampled.values.rename(rename[name]) if rename[name] else sampled.values
            variables[name] = da.rename(None)
            variables[f"{name}:flag"] = xr.DataArray(
                sampled.flags, dims=("asset",), coords={"asset": da["asset"].values},
                attrs={"flag_values": "0 1 2",
                       "flag_meanings": "ok filled_from_neighbour_cell no_data"},
            )
        return xr.Dataset(variables, attrs={"scenarios": ", ".join(self.scenarios)})


def _reducer_for(layer: HazardLayer, footprint_reducer: Mapping[str, str] | None) -> str:
    mapping = footprint_reducer or {}
    for key in (layer.name, layer.hazard, layer.kind):
        if key in mapping:
            return mapping[key]
    return _default_reducer(layer)


def sample_assets(
    assets: gpd.GeoDataFrame,
    catalog: HazardCatalog,
    *,
    scenarios: Sequence[str],
    hazards: Sequence[str] | None = None,
    method: str = "nearest",
    footprint_reducer: Mapping[str, str] | None = None,
    fallback_radius_cells: int = 2,
    in_memory: bool | None = None,
) -> HazardSample:
    """Sample every layer of a catalogue at a portfolio's assets.

    Parameters
    ----------
    assets
        Index ``asset_id``; columns ``latitude``, ``longitude`` [degrees], ``has_footprint``
        (bool, optional) and ``geometry`` (the footprint polygon where ``has_footprint``).
    catalog
        Hazard layers.
    scenarios
        Scenario ids every sampled layer must have (checked first; never substituted).
    hazards
        Hazard ids to sample (default: all in the catalogue).
    method
        Point sampling: ``"nearest"`` (the contract default) or ``"bilinear"``.
    footprint_reducer
        Reducer per layer name (``"riverine_flood:flood_depth"``), hazard id or kind; the
        default is ``max`` for acute and ``mean`` for chronic layers.
    fallback_radius_cells
        No-data fallback radius [cells].
    in_memory
        Passed to :func:`sample_points`.

    Returns
    -------
    HazardSample
        One variable per layer, dims (asset, scenario, epoch, [return_period], [quantile]).
    """
    _check_method(method)
    catalog.require(list(scenarios), list(hazards) if hazards is not None else None)
    selected = catalog.select(list(hazards) if hazards is not None else None)
    n = len(assets)
    lon = np.asarray(assets["longitude"], dtype=np.float64)
    lat = np.asarray(assets["latitude"], dtype=np.float64)
    if "has_footprint" in assets.columns:
        has_fp = np.array(assets["has_footprint"].fillna(False), dtype=bool)
    else:
        has_fp = np.zeros(n, dtype=bool)
    if has_fp.any():  # a footprint row without a usable polygon is sampled at its point
        geom_all = np.asarray(assets.geometry.values, dtype=object)
        kind = shapely.get_type_id(geom_all)
        has_fp = has_fp & np.isin(kind, (3, 6)) & ~shapely.is_empty(geom_all)
    fp_idx, pt_idx = np.flatnonzero(has_fp), np.flatnonzero(~has_fp)
    geoms = np.asarray(assets.geometry.values, dtype=object)[fp_idx] if fp_idx.size else None
    ids = assets.index.rename("asset")  # an Index: xarray takes it without re-inspecting
    out: dict[str, SampledLayer] = {}
    located: dict = {}
    pt_lon, pt_lat = lon[pt_idx], lat[pt_idx]
    for layer in selected.values():
        points = sample_points(layer, pt_lon, pt_lat, method=method,
                               fallback_radius_cells=fallback_radius_cells, scenarios=scenarios,
                               asset_ids=ids if fp_idx.size == 0 else None, in_memory=in_memory,
                               _located=located)
        if fp_idx.size == 0:  # points only: already labelled with the asset ids
            out[layer.name] = points
            continue
        fps = sample_footprints(layer, geoms, reducer=_reducer_for(layer, footprint_reducer),
                                fallback_radius_cells=fallback_radius_cells,
                                scenarios=scenarios, in_memory=in_memory)
        values = np.empty((n, *points.values.shape[1:]), dtype=points.values.dtype)
        values[pt_idx], values[fp_idx] = points.values.values, fps.values.values
        flags = np.empty(n, dtype=np.int8)
        flags[pt_idx], flags[fp_idx] = points.flags, fps.flags
        template = points.values
        da = xr.DataArray(values, dims=template.dims,
                          coords={**{d: template[d].values for d in template.dims[1:]},
                                  "asset": ids},
                          name=layer.name, attrs=dict(template.attrs))
        out[layer.name] = SampledLayer(da, flags)
    return HazardSample(out, scenarios)
