"""Hazard file formats: how a layer file or store is opened (``climrisk.hazard_sources`` plugins).

A source knows which paths it can read (``suffixes``) and opens them as an ``xr.Dataset``
without loading data: the arrays stay lazily indexed until
:class:`~climrisk.hazard.layer.HazardLayer` wraps them in dask chunks. Built-ins: ``netcdf``
(``*.nc``, ``*.nc4``) and ``zarr`` (``*.zarr`` stores). Third parties register more under the
``climrisk.hazard_sources`` entry-point group with a class that has the same ``ClassVar``
metadata and ``open_dataset`` method.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Protocol

import xarray as xr

from climrisk.registry import Registry

__all__ = [
    "HAZARD_SOURCES",
    "HazardSource",
    "NetcdfSource",
    "ZarrSource",
    "source_for_path",
    "supported_suffixes",
]


class HazardSource(Protocol):
    """A hazard file format.

    Attributes
    ----------
    name
        Registry key, e.g. ``"netcdf"``.
    description
        One line for ``climrisk hazards describe``.
    suffixes
        File or folder name endings this source reads (lower case, with the dot).
    references
        Format specification.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]
    references: ClassVar[str]

    def open_dataset(self, path: Path) -> xr.Dataset:
        """Open ``path`` lazily (metadata read, no data loaded)."""
        ...

    # Optional: ``open_raw(path) -> xr.Dataset`` opens the same file without CF masking and
    # scaling; when present, packed integer layers are read raw and unpacked to float32.


HAZARD_SOURCES: Registry[str, type[HazardSource]] = Registry("climrisk.hazard_sources")
"""Hazard file formats, keyed by format name (``netcdf``, ``zarr``, plugins)."""


@HAZARD_SOURCES.register("netcdf")
class NetcdfSource:
    """CF netCDF (netCDF4/HDF5 or classic) read with the netCDF4 library."""

    name: ClassVar[str] = "netcdf"
    description: ClassVar[str] = "CF-1.8 netCDF file, one indicator per file"
    suffixes: ClassVar[tuple[str, ...]] = (".nc", ".nc4")
    references: ClassVar[str] = "NetCDF Climate and Forecast (CF) Metadata Conventions 1.8"

    def open_dataset(self, path: Path) -> xr.Dataset:
        """Open a netCDF file lazily (no dask chunks yet, times not decoded).

        The engine is named, so xarray does not import every installed backend to guess it.
        """
        return xr.open_dataset(path, engine="netcdf4", chunks=None, decode_times=False,
                               cache=False)

    def open_raw(self, path: Path) -> xr.Dataset:
        """Open lazily without CF masking and scaling (packed integers stay integers)."""
        return xr.open_dataset(path, engine="netcdf4", chunks=None, decode_times=False,
                               cache=False, mask_and_scale=False)


@HAZARD_SOURCES.register("zarr")
class ZarrSource:
    """Zarr store (a folder ending in ``.zarr``), version 2 or 3, consolidated or not."""

    name: ClassVar[str] = "zarr"
    description: ClassVar[str] = "Zarr store with the same variables and attributes as the netCDF"
    suffixes: ClassVar[tuple[str, ...]] = (".zarr",)
    references: ClassVar[str] = "Zarr storage specification v2/v3, https://zarr-specs.readthedocs.io"

    def open_dataset(self, path: Path) -> xr.Dataset:
        """Open a Zarr store lazily (requires the ``zarr`` package)."""
        try:
            import zarr  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the environment
            raise OSError("reading Zarr stores needs the 'zarr' package (pip install zarr)"
                          ) from None
        return xr.open_dataset(
            path, engine="zarr", chunks=None, decode_times=False, cache=False, consolidated=None
        )

    def open_raw(self, path: Path) -> xr.Dataset:
        """Open lazily without CF masking and scaling (packed integers stay integers)."""
        return xr.open_dataset(path, engine="zarr", chunks=None, decode_times=False, cache=False,
                               consolidated=None, mask_and_scale=False)


def supported_suffixes() -> tuple[str, ...]:
    """Every file or store suffix some registered source can read."""
    found: list[str] = []
    for key in HAZARD_SOURCES:
        source = HAZARD_SOURCES.get(key)
        found.extend(s.lower() for s in getattr(source, "suffixes", ()))
    return tuple(dict.fromkeys(found))


def source_for_path(path: Path) -> HazardSource:
    """Return an instance of the source that reads ``path``, chosen by suffix.

    Raises
    ------
    KeyError
        No registered source reads this suffix.
    """
    suffix = path.suffix.lower()
    for key in HAZARD_SOURCES:
        source = HAZARD_SOURCES.get(key)
        if suffix in tuple(s.lower() for s in getattr(source, "suffixes", ())):
            return source()
    raise KeyError(
        f"no hazard source reads {suffix or 'files without a suffix'!r}; "
        f"supported: {', '.join(supported_suffixes())}"
    )
