"""Whole-array gathers from a hazard layer: grid location, nearest-valid fallback, bilinear weights.

Internal to :mod:`climrisk.hazard.sample`. A block of a layer is handled as ``(slices, cells)``
where *slices* are all leading (scenario, epoch, return period, quantile) combinations; one
fancy-index gather takes every slice for every asset at once (through a cell-major copy when
many assets fall in the block, so that each asset reads one contiguous row; when the portfolio
is known in advance, :func:`plan_cells` limits that copy to the cells it will read). Small
layers are loaded into memory once and cached on the layer; large ones are read block by block
straight from the file (:meth:`HazardLayer.read_block`), each block with a halo of ``radius``
cells so that the fallback and bilinear neighbours are at hand, and only blocks that hold
assets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climrisk.hazard._layout import Packing, unpack
from climrisk.hazard.layer import HazardLayer

# Reads of hazard files and the building of a layer's in-memory copies, one thread at a time:
# netCDF/HDF5 is not thread-safe, and two threads must not load the same layer twice.
_LOAD_LOCK = threading.RLock()
# Attaching a plan of cells (plan_cells) to a layer that is being loaded.
_PLAN_LOCK = threading.Lock()

__all__ = [
    "FLAG_FILLED",
    "FLAG_NO_DATA",
    "FLAG_OK",
    "Grid",
    "Located",
    "clear_cache",
    "gather",
    "grid_of",
    "plan_cells",
]

FLAG_OK, FLAG_FILLED, FLAG_NO_DATA = 0, 1, 2
CACHE_BYTES = 512 * 2**20
"""Layers up to this size (as stored: packed integers at their own size) are loaded into memory
once and cached; larger ones are read by blocks."""
DECODED_BYTES = 128 * 2**20
"""A layer's compact copy of planned cells is kept decoded (float32) up to this size."""
_BATCH = 1 << 16  # assets per batch for the temporaries of the bilinear gather
_GATHER_BATCH = 1 << 18  # assets per batch gathered from an in-memory layer
_REL_TOL = 1e-6  # relative tolerance for "regular spacing"
_SNAP = 1e-9  # [cells] a point this close to a cell edge is on the edge (floating-point noise)


@dataclass(frozen=True)
class Grid:
    """Cell geometry of a layer (latitude ascending, longitude in [-180, 180))."""

    lat: np.ndarray
    lon: np.ndarray
    lat_edges: np.ndarray
    lon_edges: np.ndarray
    regular_lat: bool
    regular_lon: bool
    global_lon: bool

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx)."""
        return self.lat.size, self.lon.size


@dataclass(frozen=True)
class Located:
    """Cells that contain points: integer indices, whether inside, and fractional positions."""

    iy: np.ndarray
    ix: np.ndarray
    inside: np.ndarray
    fy: np.ndarray
    fx: np.ndarray


def _edges(centres: np.ndarray) -> tuple[np.ndarray, bool]:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5]), True
    step = np.diff(centres)
    regular = bool(np.allclose(step, step[0], rtol=_REL_TOL, atol=1e-9))
    mids = 0.5 * (centres[1:] + centres[:-1])
    first, last = centres[0] - 0.5 * step[0], centres[-1] + 0.5 * step[-1]
    return np.concatenate([[first], mids, [last]]), regular


def grid_of(layer: HazardLayer) -> Grid:
    """The cell geometry of ``layer`` (cached on the layer)."""
    cached = layer._cache.get("grid")
    if cached is None:
        lat = np.asarray(layer.data["lat"].values, dtype=np.float64)
        lon = np.asarray(layer.data["lon"].values, dtype=np.float64)
        lat_edges, regular_lat = _edges(lat)
        lon_edges, regular_lon = _edges(lon)
        span = lon_edges[-1] - lon_edges[0]
        global_lon = regular_lon and lon.size > 1 and abs(span - 360.0) < 1e-6 * 360.0
        cached = Grid(lat, lon, lat_edges, lon_edges, regular_lat, regular_lon, global_lon)
        layer._cache["grid"] = cached
    return cached


def _index_1d(values: np.ndarray, centres: np.ndarray, edges: np.ndarray, regular: bool
              ) -> tuple[np.ndarray, np.ndarray]:
    """Index of the cell containing each value (may be out of range) and fractional position."""
    n = centres.size
    if regular and n > 1:
        step = (edges[-1] - edges[0]) / n
        pos = (values - edges[0]) / step
        # snap values within rounding error of a cell edge so that an edge is owned by the
        # cell above it, whatever the floating-point noise in the coordinates
        near = np.abs(pos - np.round(pos)) < _SNAP
        pos = np.where(near, np.round(pos), pos)
        index = np.floor(pos)
        frac = pos - 0.5
    else:
        index = np.searchsorted(edges, values, side="right").astype(np.float64) - 1.0
        frac = np.interp(values, centres, np.arange(n, dtype=np.float64)) if n > 1 else index
    index = np.where(np.isfinite(values), index, -1.0)
    # the upper edge of the grid belongs to the last cell
    top = np.isclose(values, edges[-1], rtol=0.0, atol=_REL_TOL * max(1.0, abs(edges[-1])))
    index = np.where(top & (index == n), n - 1, index)
    return index.astype(np.int64), frac


def locate(grid: Grid, lon: np.ndarray, lat: np.ndarray) -> Located:
    """The cells containing points (the contract's "nearest cell centre" on a regular grid)."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    lon = np.mod(lon + 180.0, 360.0) - 180.0
    ny, nx = grid.shape
    iy, fy = _index_1d(lat, grid.lat, grid.lat_edges, grid.regular_lat)
    if grid.global_lon:
        # a global axis: measure from its west edge, wrapping round the antimeridian
        step = 360.0 / nx
        pos = np.mod(lon - grid.lon_edges[0], 360.0) / step
        near = np.abs(pos - np.round(pos)) < _SNAP
        pos = np.where(near, np.round(pos), pos)
        ix = np.mod(np.floor(pos), nx)
        ix = np.where(np.isfinite(lon), ix, -1).astype(np.int64)
        fx = pos - 0.5
    else:
        # a regional axis: also try the point shifted by 360 deg for grids beyond 180
        ix, fx = _index_1d(lon, grid.lon, grid.lon_edges, grid.regular_lon)
    inside = (iy >= 0) & (iy < ny) & (ix >= 0) & (ix < nx)
    if not (grid.regular_lon or grid.global_lon):
        # a non-regular axis (e.g. a rolled regional grid with a gap): the point must lie
        # within half a local cell of the centre it was assigned to
        safe = np.clip(ix, 0, nx - 1)
        half = 0.5 * np.diff(grid.lon_edges)[safe]
        inside &= np.abs(lon - grid.lon[safe]) <= half * (1 + _REL_TOL)
    return Located(iy, ix, inside, fy, fx)


def clear_cache(layer: HazardLayer) -> None:
    """Drop the in-memory copy of a layer's data (the next sample reads the file again)."""
    layer._cache.pop("memory", None)


class _Table:
    """A block of a layer as (S, cells), S = all leading slices; gathers rows per cell.

    Few cells are gathered straight from the slice-major block; when many are asked for, the
    block is transposed once to cell-major so that each cell is one contiguous row. Packed
    integer layers stay packed here and only the gathered values are decoded.
    """

    def __init__(self, block: np.ndarray, packing: Packing | None = None,
                 shared: dict | None = None) -> None:
        wy, wx = block.shape[-2:]
        flat = block.reshape(-1, wy * wx)
        if packing is None and flat.dtype.kind != "f":
            flat = flat.astype(np.float64)
        self.block = flat
        self.packing = packing
        # the cell-major copy, shared through the layer's cache when the table is cached
        self._shared = shared if shared is not None else {}

    @property
    def n_slices(self) -> int:
        """Number of leading slices S."""
        return self.block.shape[0]

    def valid(self) -> np.ndarray:
        """Cells with a value in at least one slice (row by row: no S x cells temporary)."""
        out = np.zeros(self.block.shape[1], dtype=bool)
        for row in self.block:
            if self.packing is None:
                out |= ~np.isnan(row)
            else:
                have = np.ones(row.shape, dtype=bool)
                for fill in self.packing.fills:
                    have &= row != fill
                out |= have
        return out

    def cell_major(self, wait: bool = True) -> np.ndarray | None:
        """The block as (cells, S), each cell's slices contiguous; made once and shared.

        With ``wait=False``, ``None`` while another thread is making it.
        """
        lock = self._shared.setdefault("lock", threading.Lock())
        if not lock.acquire(blocking=wait):
            return None
        try:
            if "cell_major" not in self._shared:
                self._shared["cell_major"] = _transpose(self.block)
            return self._shared["cell_major"]
        finally:
            lock.release()

    def compact(self) -> tuple[np.ndarray, np.ndarray, bool] | None:
        """(position, rows, decoded) for the planned cells (see :func:`plan_cells`), or ``None``.

        ``rows`` holds the planned cells' slices cell-major (one contiguous row per cell) and
        ``position[cell]`` is the row of a flat cell index, -1 for cells outside the plan.
        Packed integers are decoded once here (``decoded``) when the rows fit in
        :data:`DECODED_BYTES`, so gathers need not decode them chunk after chunk. Made once,
        by the first thread that asks, and shared.
        """
        compact = self._shared.get("compact")
        if compact is None and "plan" in self._shared:
            with self._shared.setdefault("lock", threading.Lock()):
                compact = self._shared.get("compact")
                if compact is None:
                    cells, position = self._shared["plan"]
                    rows = np.ascontiguousarray(np.take(self.block, cells, axis=1).T)
                    decoded = self.packing is not None and rows.size * 4 <= DECODED_BYTES
                    if decoded:
                        rows = unpack(rows, self.packing)
                    compact = self._shared["compact"] = (position, rows, decoded)
        return compact

    def take(self, cells: np.ndarray) -> np.ndarray:
        """Values (len(cells), S) of the given flat cell indices, as floats.

        Planned cells come from the compact copy (:meth:`compact`), others from the layer as
        stored. Without a plan, gathers of more than 1/16 of the cells go through the
        cell-major copy (made here, unless another thread is making it: then this gather reads
        the block as it is).
        """
        compact = self.compact()
        if compact is None:
            return self._decode(self._take_unplanned(cells))
        position, rows, decoded = compact
        where = position[cells]
        if cells.size == 0 or where.min() >= 0:
            found = rows[where]
            return found if decoded else self._decode(found)
        hit = where >= 0
        found = rows[where[hit]]
        found = found if decoded else self._decode(found)
        out = np.empty((cells.size, self.n_slices), dtype=found.dtype)
        out[hit] = found
        out[~hit] = self._decode(np.ascontiguousarray(self.block[:, cells[~hit]].T))
        return out

    def _decode(self, stored: np.ndarray) -> np.ndarray:
        """Stored values as floats (packed integers decoded)."""
        return stored if self.packing is None else unpack(stored, self.packing)

    def _take_unplanned(self, cells: np.ndarray) -> np.ndarray:
        """As :meth:`take` without a plan, values as stored (packed integers stay packed)."""
        cell_major = self._shared.get("cell_major")
        if cell_major is None and 16 * cells.size >= self.block.shape[1]:
            cell_major = self.cell_major(wait=False)
        if cell_major is not None:
            return cell_major[cells]
        return np.ascontiguousarray(self.block[:, cells].T)


def plan_cells(layers: list[HazardLayer], lon: np.ndarray, lat: np.ndarray, halo: int) -> None:
    """Tell each layer which cells a portfolio's points will read, before any gather.

    The plan is the cells that contain the points and every cell within ``halo`` cells of them
    (the nearest-valid fallback radius, or 1 for bilinear corners). In-memory gathers then
    copy only those cells cell-major (:meth:`_Table.compact`) instead of the whole layer; a
    cell outside the plan (e.g. of a footprint) is still read, from the layer as stored.
    Layers on the same grid share one plan; a new plan replaces the previous one.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    plans: dict[tuple[bytes, bytes], tuple[np.ndarray, np.ndarray]] = {}
    for layer in layers:
        grid = grid_of(layer)
        key = (grid.lat.tobytes(), grid.lon.tobytes())
        if key not in plans:
            cells = _cells_near(grid, lon, lat, max(int(halo), 0))
            position = np.full(grid.shape[0] * grid.shape[1], -1, dtype=np.int64)
            position[cells] = np.arange(cells.size)
            plans[key] = (cells, position)
        with _PLAN_LOCK:
            layer._cache["cell_plan"] = plans[key]
            cached = layer._cache.get("memory")
        if cached is not None:  # loaded already: a new plan replaces the last one
            shared = cached[2]
            with shared.setdefault("lock", threading.Lock()):
                shared["plan"] = plans[key]
                shared.pop("compact", None)


def _cells_near(grid: Grid, lon: np.ndarray, lat: np.ndarray, halo: int) -> np.ndarray:
    """Sorted flat indices of the cells holding the points and their ``halo``-cell squares."""
    loc = locate(grid, lon, lat)
    ny, nx = grid.shape
    mask = np.zeros((ny, nx), dtype=bool)
    mask[loc.iy[loc.inside], loc.ix[loc.inside]] = True
    rows = mask.copy()
    for d in range(1, min(halo, ny - 1) + 1):
        rows[d:] |= mask[:-d]
        rows[:-d] |= mask[d:]
    out = rows.copy()
    for d in range(1, halo + 1):
        if grid.global_lon:
            out |= np.roll(rows, d, axis=1)
            out |= np.roll(rows, -d, axis=1)
        elif d < nx:
            out[:, d:] |= rows[:, :-d]
            out[:, :-d] |= rows[:, d:]
    return np.flatnonzero(out)


def preload(layer: HazardLayer, cell_major: bool = False) -> None:
    """Load a layer into memory (and its cell-major copy) as the first gathers would.

    With ``cell_major``, a layer with a plan (:func:`plan_cells`) gets its compact copy of the
    planned cells, any other the cell-major copy of the whole layer. Layers too large for
    memory (:data:`CACHE_BYTES`) are left to be read block by block.
    """
    if layer.stored_nbytes > CACHE_BYTES:
        return
    table, _ = _in_memory(layer, layer.data)
    if cell_major and table.compact() is None:
        table.cell_major()


def _transpose(block: np.ndarray, step: int = 4096) -> np.ndarray:
    """``block.T`` as a C-contiguous copy, a strip of cells at a time (cache-sized pieces)."""
    out = np.empty(block.shape[::-1], dtype=block.dtype)
    for start in range(0, block.shape[1], step):
        out[start:start + step] = block[:, start:start + step].T
    return out


def _in_memory(layer: HazardLayer, data: xr.DataArray) -> tuple[_Table, np.ndarray]:
    """The whole layer as a table (packed integers stay packed), cached on the layer.

    The first gather of many cells also caches a cell-major copy (each cell's slices
    contiguous), so a chunk of assets reads a few cache lines per asset instead of one
    scattered value per slice.
    """
    cached = layer._cache.get("memory")
    if cached is not None and "cell_major" not in cached[2]:
        # loaded: no need to wait while another thread loads another layer
        block, valid, shared = cached
        shape = (block.shape[0], *data.shape[-2:])
        return _Table(block.reshape(shape), layer.packing, shared), valid
    with _LOAD_LOCK:
        cached = layer._cache.get("memory")
        if cached is None:
            block = layer.read_block(0, data.sizes["lat"], 0, data.sizes["lon"], decode=False)
            table = _Table(block, layer.packing)
            shared: dict = {"lock": threading.Lock()}
            cached = (table.block, table.valid(), shared)
            with _PLAN_LOCK:  # a plan made meanwhile is either seen here or sees this copy
                if "cell_plan" in layer._cache:
                    shared["plan"] = layer._cache["cell_plan"]
                layer._cache["memory"] = cached
        block, valid, shared = cached
        if "cell_major" in shared and block.base is not shared["cell_major"]:
            block = shared["cell_major"].T  # keep one copy of the layer, the cell-major one
            layer._cache["memory"] = (block, valid, shared)
    shape = (block.shape[0], *data.shape[-2:])
    return _Table(block.reshape(shape), layer.packing, shared), valid


def _neighbour_offsets(radius: int) -> np.ndarray:
    """(k, 2) offsets (dy, dx) within the square of half-width ``radius``, nearest first."""
    r = np.arange(-radius, radius + 1)
    dy, dx = (a.ravel() for a in np.meshgrid(r, r, indexing="ij"))
    keep = (dy != 0) | (dx != 0)
    dy, dx = dy[keep], dx[keep]
    order = np.lexsort((dx, dy, np.abs(dx), dy * dy + dx * dx))
    return np.stack([dy[order], dx[order]], axis=1)


def _fallback(valid: np.ndarray, wy: int, wx: int, wrap_x: bool, py: np.ndarray,
              px: np.ndarray, radius: int) -> np.ndarray:
    """Flat index of the nearest valid cell within ``radius`` cells of (py, px), or -1.

    Distance is Euclidean in cell units; ties go to the first offset of a fixed order, so the
    result does not depend on the order of the assets.
    """
    best = np.full(py.shape, -1, dtype=np.int64)
    for dy, dx in _neighbour_offsets(radius):
        todo = best < 0
        if not todo.any():
            break
        y, x = py + dy, px + dx
        if wrap_x:
            x = np.mod(x, wx)
        ok = todo & (y >= 0) & (y < wy) & (x >= 0) & (x < wx)
        cell = np.where(ok, y * wx + x, 0)
        ok &= valid[cell]
        best = np.where(ok, cell, best)
    return best


def _sample_window(table: _Table, valid: np.ndarray, wy: int, wx: int, wrap_x: bool,
                   py: np.ndarray, px: np.ndarray, fy: np.ndarray | None, fx: np.ndarray | None,
                   radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Gather rows for points whose containing cell (py, px) lies in this window."""
    cells = py * wx + px
    flags = np.zeros(cells.shape, dtype=np.int8)
    bad = ~valid[cells]
    if bad.any() and radius > 0:
        # the fallback depends on the cell only: search once per distinct no-data cell
        distinct, inverse = np.unique(cells[bad], return_inverse=True)
        dy, dx = np.divmod(distinct, wx)
        repl = _fallback(valid, wy, wx, wrap_x, dy, dx, radius)[inverse]
        found = repl >= 0
        sub = cells[bad]
        sub[found] = repl[found]
        cells[bad] = sub
        flags[np.flatnonzero(bad)[found]] = FLAG_FILLED
        flags[np.flatnonzero(bad)[~found]] = FLAG_NO_DATA
    elif bad.any():
        flags[bad] = FLAG_NO_DATA
    out = table.take(cells)
    if (flags == FLAG_NO_DATA).any():
        out[flags == FLAG_NO_DATA] = np.nan
    if fy is not None and fx is not None:
        out, flags = _bilinear(table, valid, wy, wx, wrap_x, fy, fx, out, flags)
    return out, flags


def _bilinear(table: _Table, valid: np.ndarray, wy: int, wx: int, wrap_x: bool,
              fy: np.ndarray, fx: np.ndarray, nearest: np.ndarray, flags: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Bilinear interpolation between the four surrounding cell centres, skipping NaN corners.

    Where no corner with a positive weight has a value, the nearest-cell value (with its
    fallback) is kept.
    """
    out = np.empty_like(nearest)
    new_flags = flags.copy()
    for start in range(0, fy.size, _BATCH):
        sl = slice(start, start + _BATCH)
        y0 = np.floor(fy[sl]).astype(np.int64)
        x0 = np.floor(fx[sl]).astype(np.int64)
        ty = (fy[sl] - y0)[:, None]
        tx = (fx[sl] - x0)[:, None]
        num = np.zeros((y0.size, table.n_slices), dtype=np.float64)
        den = np.zeros_like(num)
        for dy, dx, w in ((0, 0, (1 - ty) * (1 - tx)), (0, 1, (1 - ty) * tx),
                          (1, 0, ty * (1 - tx)), (1, 1, ty * tx)):
            y = np.clip(y0 + dy, 0, wy - 1)
            x = np.mod(x0 + dx, wx) if wrap_x else np.clip(x0 + dx, 0, wx - 1)
            vals = table.take(y * wx + x).astype(np.float64)
            have = ~np.isnan(vals)
            weight = np.where(have, w, 0.0)
            num += np.where(have, vals, 0.0) * weight
            den += weight
        with np.errstate(invalid="ignore", divide="ignore"):
            interp = num / den
        use = den > 0
        out[sl] = np.where(use, interp, nearest[sl])
        new_flags[sl] = np.where(use.any(axis=1), FLAG_OK, flags[sl])
    return out, new_flags


def _block_bounds(chunks: tuple[int, ...]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(chunks)]).astype(np.int64)


def gather(layer: HazardLayer, loc: Located, radius: int, bilinear: bool,
           in_memory: bool | None = None, scenario_index: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Values (n, S) and flags (n,) for located points, whole-array.

    Parameters
    ----------
    layer
        The layer (holds the caches).
    loc
        Output of :func:`locate`.
    radius
        Fallback radius [cells] for points in a no-data cell.
    bilinear
        Interpolate between cell centres instead of taking the containing cell.
    in_memory
        Force (True) or forbid (False) loading the whole layer; ``None``: by size.
    scenario_index
        Positions of the scenarios to return (default: all).
    """
    grid = grid_of(layer)
    if in_memory is None:
        in_memory = layer.stored_nbytes <= CACHE_BYTES
    data = layer.data
    if scenario_index is not None:
        data = data.isel(scenario=scenario_index)
    ny, nx = grid.shape
    n = loc.iy.size
    n_slices = int(np.prod([data.sizes[d] for d in data.dims[:-2]], dtype=np.int64))
    dtype = data.dtype if data.dtype.kind == "f" else np.dtype(np.float64)
    values = np.empty((n, n_slices), dtype=dtype)  # every row is written below (one pass)
    values[~loc.inside] = np.nan
    flags = np.full(n, FLAG_NO_DATA, dtype=np.int8)
    idx = np.flatnonzero(loc.inside)
    if idx.size == 0:
        return values, flags
    iy, ix = loc.iy[idx], loc.ix[idx]
    fy = loc.fy[idx] if bilinear else None
    fx = loc.fx[idx] if bilinear else None
    if in_memory:
        table, valid = _in_memory(layer, layer.data)
        every = idx.size == n  # all points inside: rows are written in place, no scatter
        for start in range(0, idx.size, _GATHER_BATCH):  # bounded temporaries
            b = slice(start, start + _GATHER_BATCH)
            vals, flg = _sample_window(table, valid, ny, nx, grid.global_lon, iy[b], ix[b],
                                       None if fy is None else fy[b],
                                       None if fx is None else fx[b], radius)
            if scenario_index is not None:
                vals = vals.reshape(vals.shape[0], layer.data.sizes["scenario"], -1)
                vals = vals[:, scenario_index].reshape(vals.shape[0], -1)
            rows = b if every else idx[b]
            values[rows], flags[rows] = vals, flg
        return values, flags
    chunks = layer.data.chunks  # blocks follow the layer's dask chunks (whole leading slices)
    if chunks is not None:
        ybounds, xbounds = _block_bounds(chunks[-2]), _block_bounds(chunks[-1])
    else:  # data loaded in memory by the caller: plain tiles
        ybounds, xbounds = np.r_[np.arange(0, ny, 512), ny], np.r_[np.arange(0, nx, 512), nx]
    by = np.searchsorted(ybounds, iy, side="right") - 1
    bx = np.searchsorted(xbounds, ix, side="right") - 1
    block_id = by * (xbounds.size - 1) + bx
    order = np.argsort(block_id, kind="stable")
    blocks, starts = np.unique(block_id[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    halo = max(radius, 1 if bilinear else 0)
    for block, start, end in zip(blocks, starts, ends, strict=True):
        members = order[start:end]
        b_y, b_x = divmod(int(block), xbounds.size - 1)
        y0, y1 = max(0, ybounds[b_y] - halo), min(ny, ybounds[b_y + 1] + halo)
        if grid.global_lon and xbounds[b_x + 1] - xbounds[b_x] + 2 * halo < nx:
            x0, x1 = xbounds[b_x] - halo, xbounds[b_x + 1] + halo
            wrap_in_window = False
        elif grid.global_lon:
            x0, x1, wrap_in_window = 0, nx, True
        else:
            x0, x1 = max(0, xbounds[b_x] - halo), min(nx, xbounds[b_x + 1] + halo)
            wrap_in_window = False
        with _LOAD_LOCK:
            block_data = layer.read_block(int(y0), int(y1), int(x0), int(x1), scenario_index,
                                          decode=False)
        wy, wx = block_data.shape[-2:]
        table = _Table(block_data, layer.packing)
        del block_data
        valid = table.valid()
        py = iy[members] - y0
        px = ix[members] - x0
        sub_fy = None if fy is None else fy[members] - y0
        sub_fx = None if fx is None else fx[members] - (ix[members] - px)
        vals, flg = _sample_window(table, valid, wy, wx, wrap_in_window, py, px, sub_fy, sub_fx,
                                   radius)
        values[idx[members]], flags[idx[members]] = vals, flg
    return values, flags
