"""Tiny synthetic hazard layers in the contract's shape, for tests, examples and benchmarks.

All data made here are synthetic: the files say so (``climrisk_illustrative = "true"`` and a
``comment``) and must not be used for decisions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from climrisk.hazard.layer import EPOCH_PERIODS, EPOCHS, STANDARD_INDICATORS

__all__ = [
    "default_indicator",
    "synthetic_layer",
    "write_layer",
    "write_synthetic_layer",
    "write_synthetic_pack",
]

_COMMENT = ("Synthetic layer for tests and benchmarks, not for decisions; use a real dataset "
            "(see docs/data sources) instead.")


def default_indicator(hazard: str) -> str:
    """The first standard indicator id of a hazard (e.g. ``riverine_flood`` -> ``flood_depth``)."""
    for h, indicator in STANDARD_INDICATORS:
        if h == hazard:
            return indicator
    raise KeyError(f"no standard indicator for hazard {hazard!r}")


def synthetic_layer(
    hazard: str = "riverine_flood",
    indicator: str | None = None,
    *,
    values: np.ndarray | None = None,
    lat: Sequence[float] | np.ndarray | None = None,
    lon: Sequence[float] | np.ndarray | None = None,
    scenarios: Sequence[str] = ("ssp126", "ssp370"),
    epochs: Sequence[str] = EPOCHS,
    return_periods: Sequence[float] | str | None = "standard",
    quantiles: Sequence[float] | None = None,
    nan_mask: np.ndarray | None = None,
    units: str | None = None,
    kind: str | None = None,
    dtype: Any = np.float64,
    attrs: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Build a contract-shaped hazard dataset (default a 3 x 4 grid of 1-degree cells).

    Parameters
    ----------
    hazard, indicator
        Contract ids; the indicator defaults to the hazard's first standard indicator.
    values
        ``(lat, lon)`` array repeated in every slice, or the full array with dims (scenario,
        epoch, [return_period], [quantile], lat, lon). Default: a known pattern, see Notes.
    lat, lon
        Cell centres [degrees] in the order to store (descending latitude and 0..360 longitude
        are allowed). Default: lat 10.5, 11.5, 12.5 and lon 100.5 .. 103.5.
    scenarios, epochs
        Coordinate labels.
    return_periods
        [years]; ``"standard"`` uses the hazard's standard set (none for chronic hazards).
    quantiles
        Quantile coordinate, or ``None`` for no quantile dim.
    nan_mask
        Boolean ``(lat, lon)`` array: True cells are NaN in every slice (no data).
    units, kind
        Override the standard units and kind.
    dtype
        Float dtype of the data.
    attrs
        Extra or replacement global attributes.

    Returns
    -------
    xr.Dataset
        One variable named ``indicator`` with the contract's attributes.

    Notes
    -----
    The default pattern is ``cell + 1 + 1000 e + 10000 s [e > 0] + 100000 r + 1000000 q`` with
    ``cell = row * nlon + column`` in storage order and ``s, e, r, q`` the positions along
    scenario, epoch, return period and quantile, so every value says where it came from and the
    baseline is the same for every scenario.
    """
    indicator = indicator or default_indicator(hazard)
    std = STANDARD_INDICATORS.get((hazard, indicator), {})
    lat = np.asarray(lat if lat is not None else [10.5, 11.5, 12.5], dtype=np.float64)
    lon = np.asarray(lon if lon is not None else [100.5, 101.5, 102.5, 103.5], dtype=np.float64)
    kind = kind or std.get("kind", "chronic_index")
    if isinstance(return_periods, str):
        return_periods = std.get("return_periods")
    dims: list[str] = ["scenario", "epoch"]
    coords: dict[str, Any] = {"scenario": list(scenarios), "epoch": list(epochs)}
    if return_periods is not None:
        dims.append("return_period")
        coords["return_period"] = np.asarray(return_periods, dtype=np.float64)
    if quantiles is not None:
        dims.append("quantile")
        coords["quantile"] = np.asarray(quantiles, dtype=np.float64)
    dims += ["lat", "lon"]
    coords.update(lat=lat, lon=lon)
    shape = tuple(len(coords[d]) for d in dims)
    if values is None:
        data = _pattern(shape, dims)
    else:
        values = np.asarray(values, dtype=np.float64)
        data = np.broadcast_to(values, shape).copy() if values.ndim == 2 else values.copy()
    if data.shape != shape:
        raise ValueError(f"values have shape {data.shape}, expected {shape} for dims {dims}")
    if nan_mask is not None:
        data[..., np.asarray(nan_mask, dtype=bool)] = np.nan
    var = xr.DataArray(
        data.astype(dtype), dims=dims, coords=coords,
        attrs={"units": units or std.get("units", "1"),
               "long_name": std.get("long_name", indicator.replace("_", " "))},
    )
    var["lat"].attrs.update(units="degrees_north", standard_name="latitude")
    var["lon"].attrs.update(units="degrees_east", standard_name="longitude")
    if "return_period" in coords:
        var["return_period"].attrs.update(units="year", long_name="return period")
    global_attrs: dict[str, Any] = {
        "title": f"synthetic {hazard} {indicator}",
        "institution": "climrisk test suite",
        "source": "synthetic values (climrisk.testing.synthetic_layer)",
        "history": "created by climrisk.testing.synthetic_layer",
        "references": "none (synthetic)",
        "license": "CC0-1.0",
        "Conventions": "CF-1.8",
        "climrisk_hazard": hazard,
        "climrisk_indicator": indicator,
        "climrisk_kind": kind,
        "climrisk_illustrative": "true",
        "comment": _COMMENT,
        **{f"epoch_{e}": p for e, p in EPOCH_PERIODS.items()},
    }
    global_attrs.update(attrs or {})
    return xr.Dataset({indicator: var}, attrs=global_attrs)


def _pattern(shape: tuple[int, ...], dims: list[str]) -> np.ndarray:
    ny, nx = shape[-2:]
    cell = np.arange(ny * nx, dtype=np.float64).reshape(ny, nx) + 1.0
    grids = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape[:-2]], indexing="ij")
    pos = dict(zip(dims[:-2], grids, strict=True))
    offset = 1000.0 * pos["epoch"] + 10000.0 * pos["scenario"] * (pos["epoch"] > 0)
    offset = offset + 100000.0 * pos.get("return_period", 0.0) + 1e6 * pos.get("quantile", 0.0)
    return offset[..., None, None] + cell


def write_layer(ds: xr.Dataset, directory: str | Path, name: str | None = None) -> Path:
    """Write a layer dataset as ``{hazard}__{indicator}.nc`` (or ``name``) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    hazard, indicator = ds.attrs.get("climrisk_hazard"), ds.attrs.get("climrisk_indicator")
    path = directory / (name or f"{hazard}__{indicator}.nc")
    encoding = {v: {"_FillValue": np.nan} for v in ds.data_vars if ds[v].dtype.kind == "f"}
    if path.suffix == ".zarr":
        # Zarr v2 layout: fixed-length strings (scenario, epoch) have a settled specification
        ds.to_zarr(path, mode="w", encoding=encoding, zarr_format=2, consolidated=True)
    else:
        ds.to_netcdf(path, encoding=encoding)
    return path


def write_synthetic_layer(directory: str | Path, hazard: str = "riverine_flood",
                          name: str | None = None, **kwargs: Any) -> Path:
    """:func:`synthetic_layer` written into ``directory``; returns the file path."""
    return write_layer(synthetic_layer(hazard, **kwargs), directory, name)


def write_synthetic_pack(
    directory: str | Path,
    resolution_deg: float = 0.25,
    quantiles: Sequence[float] | None = (0.1, 0.5, 0.9),
    scenarios: Sequence[str] = ("ssp126", "ssp370"),
    dtype: Any = np.float32,
) -> list[Path]:
    """Write one synthetic global layer per standard indicator (12 files) into ``directory``.

    Values are smooth functions of latitude and longitude scaled per epoch and return period,
    with NaN over a crude synthetic "ocean" (for every layer except tropical cyclone wind);
    arrays are built and written lazily with dask, one block at a time.
    """
    import dask.array as da

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    half = resolution_deg / 2
    lat = np.arange(-90 + half, 90, resolution_deg)
    lon = np.arange(-180 + half, 180, resolution_deg)
    chunk = (min(lat.size, 240), min(lon.size, 480))
    ylat = da.from_array(lat[:, None], chunks=(chunk[0], 1))
    xlon = da.from_array(lon[None, :], chunks=(1, chunk[1]))
    field = 1.0 + 0.5 * da.sin(da.deg2rad(3 * xlon)) * da.cos(da.deg2rad(2 * ylat))
    ocean = da.sin(da.deg2rad(2 * xlon + 30)) * da.cos(da.deg2rad(3 * ylat)) < -0.35
    paths = []
    for (hazard, indicator), std in STANDARD_INDICATORS.items():
        rps = std["return_periods"]
        lead = [len(scenarios), len(EPOCHS)]
        coords: dict[str, Any] = {"scenario": list(scenarios), "epoch": list(EPOCHS)}
        dims = ["scenario", "epoch"]
        factor = np.ones(lead) * np.array([1.0, 1.1, 1.25])
        factor[:, 1:] *= 1.0 + 0.1 * np.arange(len(scenarios))[:, None]
        if rps is not None:
            dims.append("return_period")
            coords["return_period"] = np.asarray(rps)
            factor = factor[..., None] * np.log1p(np.asarray(rps))[None, None, :]
        if quantiles is not None:
            dims.append("quantile")
            coords["quantile"] = np.asarray(quantiles)
            factor = factor[..., None] * (0.8 + 0.4 * np.asarray(quantiles))
        spatial = da.where(ocean, np.nan, field) if hazard != "tropical_cyclone" else field
        arr = (da.from_array(factor, chunks=factor.shape)[..., None, None] * spatial).astype(dtype)
        arr = arr.rechunk(factor.shape + chunk)
        ds = xr.Dataset(
            {indicator: ([*dims, "lat", "lon"], arr,
                         {"units": std["units"], "long_name": std["long_name"]})},
            coords={**coords, "lat": lat, "lon": lon},
            attrs={
                "title": f"synthetic {hazard} {indicator} (benchmark pack)",
                "institution": "climrisk", "source": "synthetic values",
                "history": "climrisk.testing.write_synthetic_pack", "references": "none",
                "license": "CC0-1.0", "Conventions": "CF-1.8", "climrisk_hazard": hazard,
                "climrisk_indicator": indicator, "climrisk_kind": std["kind"],
                "climrisk_illustrative": "true", "comment": _COMMENT,
                **{f"epoch_{e}": p for e, p in EPOCH_PERIODS.items()},
            },
        )
        paths.append(write_layer(ds, directory))
    return paths
