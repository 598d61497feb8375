"""``HazardLayer``: one hazard indicator grid (CF netCDF or Zarr) with its metadata, opened lazily.

The contract (``contracts.md``, "Hazard grid files") fixes the file shape: one data variable
named after the indicator, dims ``scenario, epoch, [return_period], [quantile], lat, lon`` and the
``climrisk_*`` global attributes. :meth:`HazardLayer.from_path` checks a file against it and
returns the layer with ``data`` normalised to that dim order, latitude ascending and longitude
in [-180, 180) (a 0..360 grid is rolled), backed by dask chunks that hold every leading slice of
a lat/lon block so that point sampling reads a block once for all scenarios, epochs, return
periods and quantiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from climrisk.errors import InputErrors, Issue
from climrisk.hazard._layout import (
    Packing,
    labels,
    normalise_dataarray,
    packing_of,
    plan_of,
    read_block,
)
from climrisk.hazard.indicators import (
    ACUTE,
    CHRONIC,
    EPOCH_CENTRE_YEARS,
    EPOCH_PERIODS,
    EPOCHS,
    HAZARDS,
    KINDS,
    LEADING_DIMS,
    STANDARD_INDICATORS,
)
from climrisk.hazard.sources import source_for_path
from climrisk.units import UnitError, parse_units, same_units

__all__ = [
    "ACUTE",
    "CHRONIC",
    "EPOCHS",
    "EPOCH_CENTRE_YEARS",
    "EPOCH_PERIODS",
    "HAZARDS",
    "KINDS",
    "LEADING_DIMS",
    "STANDARD_INDICATORS",
    "HazardLayer",
    "LayerCheck",
    "LayerValueError",
    "check_dataset",
    "check_values",
    "normalise_dataarray",
]

_SPATIAL_DIMS = ("lat", "lon")
_REQUIRED_DIMS = ("scenario", "epoch", "lat", "lon")
_REQUIRED_ATTRS = ("climrisk_hazard", "climrisk_indicator", "climrisk_kind")
_RECOMMENDED_ATTRS = ("source", "license", "references")
_BASELINE_CHECK_ROWS = 16  # latitude rows compared when checking baseline equality


@dataclass(frozen=True)
class LayerCheck:
    """Result of checking a dataset against the contract: errors skip the layer, warnings don't."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class HazardLayer:
    """One hazard indicator grid with its metadata.

    Attributes
    ----------
    path
        File or store the layer was read from.
    hazard, indicator, kind
        Contract ids (``riverine_flood``, ``flood_depth``, ``acute_return_period``).
    units, long_name
        From the data variable's attributes; ``units`` is pint-parseable.
    scenarios, epochs
        Coordinate labels, in file order.
    return_periods, quantiles
        Coordinate values [years] / [0-1], or ``None`` when the layer has no such dim.
    source, license, references
        Provenance global attributes ("" when absent; the catalogue warns).
    illustrative
        ``climrisk_illustrative`` is true: demonstration data, not for decisions.
    attrs
        Every global attribute.
    resolution_deg
        Cell size (lat, lon) [degrees].
    extent
        Cell-edge bounds (west, south, east, north) [degrees].
    data
        Dask-backed ``xr.DataArray`` with dims (scenario, epoch, [return_period], [quantile],
        lat, lon), latitude ascending, longitude in [-180, 180).
    format
        Name of the hazard source that read the file (``netcdf``, ``zarr``).
    """

    path: Path
    hazard: str
    indicator: str
    kind: str
    units: str
    long_name: str
    scenarios: tuple[str, ...]
    epochs: tuple[str, ...]
    return_periods: tuple[float, ...] | None
    quantiles: tuple[float, ...] | None
    source: str
    license: str
    references: str
    illustrative: bool
    attrs: dict[str, Any]
    resolution_deg: tuple[float, float]
    extent: tuple[float, float, float, float]
    data: xr.DataArray = field(repr=False)
    format: str = "netcdf"
    warnings: tuple[str, ...] = field(default=(), repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """Layer name ``"hazard:indicator"`` (the variable name in a HazardSample)."""
        return f"{self.hazard}:{self.indicator}"

    @property
    def key(self) -> tuple[str, str]:
        """Catalogue key ``(hazard, indicator)``."""
        return (self.hazard, self.indicator)

    @property
    def is_acute(self) -> bool:
        """Whether the layer holds return-period intensities."""
        return self.kind == ACUTE

    @classmethod
    def from_path(cls, path: str | Path) -> HazardLayer:
        """Open a hazard layer file (netCDF) or store (Zarr) and check it against the contract.

        Parameters
        ----------
        path
            A ``*.nc`` file, a ``*.zarr`` store or any suffix a registered hazard source reads.

        Returns
        -------
        HazardLayer
            The layer; data stay on disk until sampled. Contract problems that do not stop
            the layer from being used are in ``warnings``.

        Raises
        ------
        climrisk.errors.InputErrors
            The file cannot be opened or breaks the contract; one issue per problem.
        """
        path = Path(path)
        try:
            source = source_for_path(path)
            ds = source.open_dataset(path)
        except Exception as exc:  # any reader failure is a problem with the user's file
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputErrors([Issue(str(path), f"cannot be opened: {reason}")]) from None
        check = check_dataset(ds)
        if check.errors:
            ds.close()
            raise InputErrors([Issue(str(path), message) for message in check.errors])
        packed = None
        packing = packing_of(ds[str(ds.attrs["climrisk_indicator"])])
        if packing is not None and hasattr(source, "open_raw"):
            try:
                packed = source.open_raw(path)[str(ds.attrs["climrisk_indicator"])]
            except Exception:  # fall back to xarray's own decoding
                packed = None
        layer = cls._from_checked(path, ds, source.name, check, packed, packing)
        problems = check_values(layer)
        if problems:
            ds.close()
            raise LayerValueError([Issue(str(path), message, column=layer.indicator,
                                         kind="variable") for message in problems])
        return layer

    @classmethod
    def from_dataset(cls, ds: xr.Dataset, path: str | Path = "<memory>") -> HazardLayer:
        """Wrap an in-memory (or already opened) dataset as a layer, with the same checks."""
        check = check_dataset(ds)
        if check.errors:
            raise InputErrors([Issue(str(path), message) for message in check.errors])
        return cls._from_checked(Path(path), ds, "memory", check)

    @classmethod
    def _from_checked(cls, path: Path, ds: xr.Dataset, fmt: str, check: LayerCheck,
                      packed: xr.DataArray | None = None, packing: Packing | None = None
                      ) -> HazardLayer:
        attrs = dict(ds.attrs)
        indicator = str(attrs["climrisk_indicator"])
        raw = ds[indicator]
        data = normalise_dataarray(raw)
        plan = plan_of(raw)
        cache: dict[str, Any] = {"raw": raw.transpose(*plan.order), "plan": plan}
        if packed is not None:
            # packed integers: blocks are read undecoded and unpacked to float32 (and the
            # lazy view is float32 too, so both give the same numbers)
            data = data.astype(np.float32)
            cache.update(raw=packed.transpose(*plan.order), packing=packing)
        lat = data["lat"].values.astype(float)
        lon = data["lon"].values.astype(float)
        dlat = float(np.median(np.diff(lat))) if lat.size > 1 else math.nan
        dlon = float(np.median(np.diff(lon))) if lon.size > 1 else math.nan
        half_lat = 0.5 * dlat if lat.size > 1 else 0.0
        half_lon = 0.5 * dlon if lon.size > 1 else 0.0
        extent = (
            float(lon[0] - half_lon),
            float(lat[0] - half_lat),
            float(lon[-1] + half_lon),
            float(lat[-1] + half_lat),
        )
        rps = data.indexes["return_period"] if "return_period" in data.dims else None
        qs = data.indexes["quantile"] if "quantile" in data.dims else None
        return cls(
            path=path,
            hazard=str(attrs["climrisk_hazard"]),
            indicator=indicator,
            kind=str(attrs["climrisk_kind"]),
            units=str(raw.attrs.get("units", "")),
            long_name=str(raw.attrs.get("long_name", indicator)),
            scenarios=tuple(str(s) for s in data["scenario"].values),
            epochs=tuple(str(e) for e in data["epoch"].values),
            return_periods=None if rps is None else tuple(float(v) for v in rps),
            quantiles=None if qs is None else tuple(float(v) for v in qs),
            source=str(attrs.get("source", "")),
            license=str(attrs.get("license", "")),
            references=str(attrs.get("references", "")),
            illustrative=_truthy(attrs.get("climrisk_illustrative", False)),
            attrs=attrs,
            resolution_deg=(dlat, dlon),
            extent=extent,
            data=data,
            format=fmt,
            warnings=check.warnings,
            _cache=cache,
        )

    def read_block(self, y0: int, y1: int, x0: int, x1: int,
                   scenario_index: np.ndarray | None = None, decode: bool = True) -> np.ndarray:
        """Values of rows [y0, y1) and columns [x0, x1) of ``data`` as a numpy array.

        Indices are positions on the canonical grid (latitude ascending, longitude in
        [-180, 180)); columns outside [0, nlon) wrap round. Reads only that part of the file.
        ``decode=False`` returns packed integers as stored (see :attr:`packing`).
        """
        packing = self._cache.get("packing") if decode else None
        return read_block(self._cache["raw"], self._cache["plan"], y0, y1, x0, x1,
                          scenario_index, packing)

    @property
    def packing(self) -> Packing | None:
        """CF packing of the stored integers, or ``None`` (data stored as floats)."""
        return self._cache.get("packing")

    @property
    def stored_nbytes(self) -> int:
        """Size of the whole layer as stored (packed integers count at their own size)."""
        raw = self._cache.get("raw")
        return int(raw.nbytes) if raw is not None else int(self.data.nbytes)

    @property
    def leading_dims(self) -> tuple[str, ...]:
        """Non-spatial dims of ``data``: (scenario, epoch, [return_period], [quantile])."""
        return tuple(d for d in self.data.dims if d not in _SPATIAL_DIMS)

    def describe(self) -> str:
        """Multi-line description of the layer for ``climrisk hazards describe``."""
        rps = ", ".join(f"{v:g}" for v in self.return_periods) if self.return_periods else "-"
        qs = ", ".join(f"{v:g}" for v in self.quantiles) if self.quantiles else "-"
        west, south, east, north = self.extent
        lines = [
            f"{self.name}  ({self.long_name})",
            f"  file:            {self.path.name} ({self.format})",
            f"  kind:            {self.kind}",
            f"  units:           {self.units}",
            f"  scenarios:       {', '.join(self.scenarios)}",
            "  epochs:          "
            + ", ".join(
                f"{e} ({self.attrs.get(f'epoch_{e}', EPOCH_PERIODS.get(e, '?'))})"
                for e in self.epochs
            ),
            f"  return periods:  {rps}" + (" [years]" if self.return_periods else ""),
            f"  quantiles:       {qs}",
            f"  resolution:      {self.resolution_deg[0]:g} x {self.resolution_deg[1]:g} deg "
            f"({self.data.sizes['lat']} x {self.data.sizes['lon']} cells)",
            f"  extent:          lon {west:g}..{east:g}, lat {south:g}..{north:g}",
            f"  source:          {self.source or '(not stated)'}",
            f"  licence:         {self.license or '(not stated)'}",
            f"  references:      {self.references or '(not stated)'}",
        ]
        if self.illustrative:
            note = self.attrs.get("comment", "illustrative data for demonstration and testing")
            lines.append(f"  ILLUSTRATIVE:    {note}")
        return "\n".join(lines)


class LayerValueError(InputErrors):
    """A layer that opens but whose values cannot be right (exit 2: never skipped silently)."""


_BAND_CELLS = 1 << 23  # values read at once when a layer's values are checked (~32 MB)


def check_values(layer: HazardLayer) -> list[str]:
    """Problems with a layer's values: all missing, not finite, or outside the indicator's range.

    The whole grid is read once, in latitude bands of bounded size. Annual probabilities
    are never negative. A Zarr store
    with chunks missing on disk (read as the fill value) is reported too.
    """
    problems: list[str] = []
    if layer.path.suffix.lower() == ".zarr":
        problems.extend(_missing_chunks(layer))
    packing = layer._cache.get("packing")
    source = layer._cache["raw"] if packing is not None else layer.data
    nlat = source.sizes["lat"]
    per_row = max(1, int(np.prod([n for d, n in source.sizes.items() if d != "lat"])))
    band = max(1, _BAND_CELLS // per_row)
    chunks = source.encoding.get("chunksizes") or source.encoding.get("chunks")
    if chunks and len(chunks) == source.ndim:  # whole chunks only: each is decompressed once
        rows = int(chunks[list(map(str, source.dims)).index("lat")])
        band = max(rows, band // rows * rows)
    low, high = _value_range(layer)
    finite = infinite = below = above = 0
    lowest, highest = math.inf, -math.inf
    for y0 in range(0, nlat, band):
        values = np.asarray(source.isel(lat=slice(y0, y0 + band)).values)
        if packing is not None:  # compare stored integers: no decoded copy of the grid
            good = np.ones(values.shape, dtype=bool)
            for fill in packing.fills:
                good &= values != fill
            up = packing.scale > 0
            for limit_value, is_low in ((low, True), (high, False)):
                if limit_value is None:
                    continue
                limit = (limit_value - packing.offset) / packing.scale
                wrong = good & ((values < limit) if up == is_low else (values > limit))
                count = int(np.count_nonzero(wrong))
                if count:  # the extreme, decoded, only when there is a problem to word
                    stored = values[wrong]
                    ends = np.array([stored.min(), stored.max()], dtype=np.float64)
                    ends = ends * packing.scale + packing.offset
                    lowest, highest = min(lowest, float(ends.min())), max(highest,
                                                                          float(ends.max()))
                if is_low:
                    below += count
                else:
                    above += count
            finite += int(np.count_nonzero(good))
            continue
        else:
            good = np.isfinite(values)
            infinite += int(np.isinf(values).sum())
            kept = values[good]
        finite += int(kept.size)
        if kept.size:
            lowest, highest = min(lowest, float(kept.min())), max(highest, float(kept.max()))
            if low is not None:
                below += int((kept < low).sum())
            if high is not None:
                above += int((kept > high).sum())
    name = layer.indicator
    if finite == 0:
        problems.append(f"variable {name} has no value anywhere (all missing)")
    if infinite:
        problems.append(f"variable {name} has {infinite:,} infinite values; use NaN for no data")
    if below:
        problems.append(f"variable {name} has {below:,} values below {low:g} (lowest "
                        f"{lowest:g} {layer.units}); a probability cannot be negative")
    if above:
        problems.append(f"variable {name} has {above:,} values above {high:g} (highest "
                        f"{highest:g} {layer.units})")
    return problems


def _value_range(layer: HazardLayer) -> tuple[float | None, float | None]:
    """The valid range of a standard indicator in the layer's units (None: not checked)."""
    standard = STANDARD_INDICATORS.get((layer.hazard, layer.indicator))
    if standard is None or not same_units(layer.units, str(standard.get("units"))):
        return None, None
    if str(standard["units"]) == "1/year":  # a probability: never negative
        return 0.0, None
    return None, None


def _missing_chunks(layer: HazardLayer) -> list[str]:
    try:
        import zarr

        array = zarr.open_group(str(layer.path), mode="r")[layer.indicator]
        written, expected = int(array.nchunks_initialized), int(array.nchunks)
    except Exception:  # not a store zarr can inspect: the value checks still apply
        return []
    if written < expected:
        return [f"variable {layer.indicator}: {expected - written:,} of {expected:,} chunks are "
                "missing from the store (they would read as the fill value)"]
    return []


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y"}
    return bool(np.asarray(value).item()) if np.ndim(value) == 0 else False


def _strictly_monotonic(values: np.ndarray) -> bool:
    if values.size < 2:
        return True
    step = np.diff(values.astype(float))
    return bool(np.all(step > 0) or np.all(step < 0))


def check_dataset(ds: xr.Dataset) -> LayerCheck:
    """Check an opened dataset against the hazard grid contract.

    Only metadata and coordinates are read, plus a few latitude rows of the baseline epoch
    to check that it is the same for every scenario (a difference is a warning).

    Returns
    -------
    LayerCheck
        ``errors`` (the layer cannot be used) and ``warnings`` (usable, but not as the
        contract says).
    """
    errors: list[str] = []
    warnings: list[str] = []
    attrs = ds.attrs
    errors.extend(f"missing global attribute {a}" for a in _REQUIRED_ATTRS if a not in attrs)
    hazard = attrs.get("climrisk_hazard")
    if hazard is not None and str(hazard) not in HAZARDS:
        errors.append(f"unknown hazard {hazard!r} in climrisk_hazard; expected one of "
                      + ", ".join(HAZARDS))
    kind = attrs.get("climrisk_kind")
    if kind is not None and str(kind) not in KINDS:
        errors.append(f"unknown kind {kind!r} in climrisk_kind; expected {' or '.join(KINDS)}")
    warnings.extend(
        f"global attribute {a} is missing (provenance unknown)"
        for a in _RECOMMENDED_ATTRS
        if not str(attrs.get(a, "")).strip()
    )
    indicator = attrs.get("climrisk_indicator")
    if indicator is None:
        return LayerCheck(tuple(errors), tuple(warnings))
    indicator = str(indicator)
    if indicator not in ds.data_vars:
        found = ", ".join(map(str, ds.data_vars)) or "none"
        errors.append(f"no data variable named {indicator!r} (the indicator id); found: {found}")
        return LayerCheck(tuple(errors), tuple(warnings))
    da = ds[indicator]
    units = da.attrs.get("units")
    if units is None or not str(units).strip():
        errors.append(f"variable {indicator} has no units attribute")
    else:
        try:
            parse_units(str(units))
        except UnitError as exc:
            errors.append(f"variable {indicator}: {exc}")
        else:
            standard = STANDARD_INDICATORS.get((str(hazard), indicator), {}).get("units")
            if standard and not same_units(str(units), standard):
                warnings.append(f"units {units!r} differ from the standard {standard!r} for "
                                f"{hazard}:{indicator}; models expecting {standard} must convert")
    if da.dtype.kind not in "fiu":
        errors.append(f"variable {indicator} is not numeric (dtype {da.dtype})")
    dims = set(map(str, da.dims))
    missing = [d for d in _REQUIRED_DIMS if d not in dims]
    if missing:
        errors.append(f"variable {indicator} is missing dimension(s) {', '.join(missing)}")
    extra = sorted(dims - set(_REQUIRED_DIMS) - set(LEADING_DIMS))
    if extra:
        errors.append(f"variable {indicator} has unexpected dimension(s) {', '.join(extra)}")
    if kind == ACUTE and "return_period" not in dims:
        errors.append("climrisk_kind is acute_return_period but there is no return_period "
                      "dimension")
    if kind == CHRONIC and "return_period" in dims:
        errors.append("climrisk_kind is chronic_index but the variable has a return_period "
                      "dimension")
    errors.extend(f"dimension {d} has no coordinate values" for d in dims if d not in ds.coords)
    errors.extend(f"dimension {d} is empty" for d in dims if da.sizes[d] == 0)
    if errors:
        return LayerCheck(tuple(errors), tuple(warnings))
    errors.extend(_check_coords(da))
    if not errors:
        warnings.extend(_check_epoch_attrs(attrs, labels(da["epoch"])))
        warnings.extend(_check_baseline(da))
    return LayerCheck(tuple(errors), tuple(warnings))


def _check_coords(da: xr.DataArray) -> list[str]:
    errors: list[str] = []
    scenarios = labels(da["scenario"])
    if len(set(scenarios)) != len(scenarios):
        errors.append(f"duplicated scenario labels: {', '.join(scenarios)}")
    epochs = labels(da["epoch"])
    missing = [e for e in EPOCHS if e not in epochs]
    if missing:
        errors.append(f"missing epoch(s) {', '.join(missing)} (found {', '.join(epochs)})")
    odd = [e for e in epochs if e not in EPOCH_CENTRE_YEARS and not (e.isdigit() and len(e) == 4)]
    if odd:
        errors.append(f"unknown epoch label(s) {', '.join(odd)}; use baseline or a 4-digit year")
    if len(set(epochs)) != len(epochs):
        errors.append(f"duplicated epoch labels: {', '.join(epochs)}")
    for name in ("lat", "lon"):
        values = np.asarray(da[name].values, dtype=float)
        if not np.all(np.isfinite(values)):
            errors.append(f"coordinate {name} has missing values")
        elif not _strictly_monotonic(values):
            errors.append(f"coordinate {name} is not strictly monotonic")
    lat = np.asarray(da["lat"].values, dtype=float)
    lon = np.asarray(da["lon"].values, dtype=float)
    if lat.size and (np.nanmin(lat) < -90 or np.nanmax(lat) > 90):
        errors.append("coordinate lat is outside [-90, 90]")
    if lon.size and (np.nanmin(lon) < -180 or np.nanmax(lon) > 360):
        errors.append("coordinate lon is outside [-180, 360]")
    elif lon.size and np.nanmin(lon) < 0 and np.nanmax(lon) > 180:
        errors.append("coordinate lon mixes the -180..180 and 0..360 conventions")
    if "return_period" in da.dims:
        rp = np.asarray(da["return_period"].values, dtype=float)
        if not (np.all(np.diff(rp) > 0) and np.all(rp > 0)):
            errors.append("coordinate return_period must be positive and strictly ascending "
                          f"(found {', '.join(f'{v:g}' for v in rp)})")
    if "quantile" in da.dims:
        q = np.asarray(da["quantile"].values, dtype=float)
        if not (np.all(np.diff(q) > 0) and np.all((q >= 0) & (q <= 1))):
            errors.append("coordinate quantile must be strictly ascending within [0, 1] "
                          f"(found {', '.join(f'{v:g}' for v in q)})")
    return errors


def _check_epoch_attrs(attrs: dict[str, Any], epochs: list[str]) -> list[str]:
    out = []
    for epoch in epochs:
        expected = EPOCH_PERIODS.get(epoch)
        found = attrs.get(f"epoch_{epoch}")
        if found is None:
            out.append(f"global attribute epoch_{epoch} is missing"
                       + (f" (expected {expected})" if expected else ""))
        elif expected and str(found).replace(" ", "") != expected:
            out.append(f"global attribute epoch_{epoch} is {found!r}, the contract says {expected}")
    return out


def _check_baseline(da: xr.DataArray) -> list[str]:
    """Compare the baseline of every scenario on a band of rows in the middle of the grid.

    At most 16 rows of 4096 columns of the middle return period and quantile are read, so
    that opening a catalogue stays cheap.
    """
    scenarios = labels(da["scenario"])
    if len(scenarios) < 2:
        return []
    epochs = labels(da["epoch"])
    ny, nx = da.sizes["lat"], da.sizes["lon"]
    start = max(0, ny // 2 - _BASELINE_CHECK_ROWS // 2)  # one band: few storage chunks to decode
    rows = np.arange(start, min(ny, start + _BASELINE_CHECK_ROWS))
    cols = slice(max(0, nx // 2 - 2048), min(nx, nx // 2 + 2048))  # bounded read on huge grids
    # one return period and quantile: each is a separate storage chunk, and one slice is
    # enough to tell whether the scenarios share their baseline
    middle = {d: da.sizes[d] // 2 for d in ("return_period", "quantile") if d in da.dims}
    base = da.isel(epoch=epochs.index("baseline"), lat=rows, lon=cols, **middle)
    values = np.asarray(base.transpose("scenario", ...).values, dtype=float)
    ref = values[0]
    out = []
    for i, scenario in enumerate(scenarios[1:], start=1):
        both_nan = np.isnan(values[i]) & np.isnan(ref)
        same = np.isclose(values[i], ref, rtol=1e-6, atol=0.0) | both_nan
        if not np.all(same):
            out.append(f"baseline epoch differs between scenarios {scenarios[0]} and {scenario} "
                       "(the contract requires one baseline; layer kept, each scenario uses "
                       "its own baseline)")
    return out
