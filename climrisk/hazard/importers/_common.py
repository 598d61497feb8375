"""Shared pieces of the hazard importers: provenance, mappings, contract datasets, writing."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard.layer import EPOCH_PERIODS
from climrisk.io.atomic import atomic_file
from climrisk.io.hashing import file_sha256

__all__ = [
    "CONTRACT_EPOCH_YEARS",
    "contract_dataset",
    "ensemble_quantiles",
    "epoch_mean",
    "expand_sources",
    "format_mapping",
    "grid_key",
    "parse_mapping",
    "provenance",
    "sha256",
    "stack_scenarios",
    "write_layer",
]


sha256 = file_sha256  # the package's one SHA-256 helper, under its importer name


def provenance(paths: Iterable[str | Path]) -> str:
    """One line ``name sha256:HEX`` per source file, sorted by name, duplicates once."""
    unique = {Path(p).name: Path(p) for p in paths}
    return "\n".join(f"{name} sha256:{sha256(unique[name])}" for name in sorted(unique))


def expand_sources(sources: Iterable[str | Path], patterns: Sequence[str]) -> list[Path]:
    """Files given directly plus files matching ``patterns`` in given folders (sorted).

    Raises
    ------
    climrisk.errors.InputError
        A source does not exist.
    """
    files: list[Path] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found = {p for pattern in patterns for p in source.glob(pattern)}
            files.extend(sorted(p for p in found if not p.name.startswith(".")))
        elif source.exists():
            files.append(source)
        else:
            raise InputError(source, "file or folder does not exist")
    return files


def parse_mapping(text: str | None, default: Mapping[str, str], option: str,
                  form: str = "KEY=VALUE") -> dict[str, str]:
    """Parse ``"a=b,c=d"``; ``None`` or empty gives a copy of ``default``."""
    if not text:
        return dict(default)
    mapping: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(option, f"{part!r} is not of the form {form}")
        mapping[key.strip()] = value.strip()
    return mapping


def format_mapping(mapping: Mapping[str, str], arrow: str = "->") -> str:
    """``"a->b, c->d"`` (``arrow`` may carry spaces)."""
    return ", ".join(f"{k}{arrow}{v}" for k, v in mapping.items())


def stack_scenarios(baseline: xr.DataArray, future: Mapping[str, Mapping[str, xr.DataArray]],
                    epochs: Sequence[str] = ("baseline", "2030", "2050")) -> xr.DataArray:
    """Stack ``baseline`` and ``future[scenario][epoch]`` into (scenario, epoch, ...).

    The baseline is copied to every scenario (the contract: baseline identical for all).
    """
    per_scenario = []
    for by_epoch in future.values():
        parts = [baseline if e == "baseline" else by_epoch[e] for e in epochs]
        per_scenario.append(xr.concat(parts, dim="epoch", coords="minimal", compat="override",
                                      join="exact").assign_coords(epoch=list(epochs)))
    data = xr.concat(per_scenario, dim="scenario", coords="minimal", compat="override",
                     join="exact")
    return data.assign_coords(scenario=list(future))


def contract_dataset(data: xr.DataArray, *, hazard: str, indicator: str, units: str,
                     long_name: str, kind: str, title: str, institution: str, source: str,
                     references: str, license: str, command: str, source_files: str,
                     comment: str, epoch_periods: Mapping[str, str] | None = None,
                     extra_attrs: Mapping[str, str] | None = None) -> xr.Dataset:
    """Wrap ``data`` (scenario, epoch, [return_period], [quantile], lat, lon) as a contract file.

    Latitudes are made ascending; values are float32; ``climrisk_illustrative`` is ``"false"``.
    """
    order = [d for d in ("scenario", "epoch", "return_period", "quantile", "lat", "lon")
             if d in data.dims]
    var = data.transpose(*order).astype(np.float32).rename(indicator)
    if var["lat"].size > 1 and float(var["lat"][0]) > float(var["lat"][-1]):
        var = var.isel(lat=slice(None, None, -1))
    var = var.drop_vars([c for c in var.coords if c not in var.dims])
    var.attrs = {"units": units, "long_name": long_name}
    var["lat"].attrs = {"units": "degrees_north", "standard_name": "latitude"}
    var["lon"].attrs = {"units": "degrees_east", "standard_name": "longitude"}
    if "return_period" in var.dims:
        var["return_period"].attrs = {"units": "year", "long_name": "return period"}
    if "quantile" in var.dims:
        var["quantile"].attrs = {"long_name": "quantile across climate models"}
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    periods = dict(EPOCH_PERIODS) if epoch_periods is None else dict(epoch_periods)
    attrs = {
        "title": title,
        "institution": institution,
        "source": source,
        "references": references,
        "license": license,
        "history": f"{now}: converted by climrisk hazards import {command}",
        "Conventions": "CF-1.8",
        "climrisk_hazard": hazard,
        "climrisk_indicator": indicator,
        "climrisk_kind": kind,
        "climrisk_illustrative": "false",
        "climrisk_source_files": source_files,
        "comment": comment,
        **{f"epoch_{e}": p for e, p in periods.items()},
        **dict(extra_attrs or {}),
    }
    return xr.Dataset({indicator: var}, attrs=attrs)


def write_layer(ds: xr.Dataset, out_dir: str | Path) -> Path:
    """Write ``{hazard}__{indicator}.nc`` atomically (temporary file, then rename)."""
    indicator = ds.attrs["climrisk_indicator"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{ds.attrs['climrisk_hazard']}__{indicator}.nc"
    shape = ds[indicator].shape
    chunks = tuple([1] * (len(shape) - 2) + [min(shape[-2], 512), min(shape[-1], 512)])
    encoding = {indicator: {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan),
                            "chunksizes": chunks, "dtype": "float32"}}
    with atomic_file(target) as tmp:
        ds.to_netcdf(tmp, encoding=encoding)
    return target


CONTRACT_EPOCH_YEARS: dict[str, tuple[int, int]] = {
    epoch: (int(period[:4]), int(period[-4:])) for epoch, period in EPOCH_PERIODS.items()
}
"""Contract epochs as (first year, last year), inclusive, from the one epoch table."""


def grid_key(da: xr.DataArray) -> tuple:
    """A hashable key of a layer's grid (coordinates rounded to 1e-6 degree)."""
    return (tuple(np.round(da["lat"].values, 6)), tuple(np.round(da["lon"].values, 6)))


def epoch_mean(annual: xr.DataArray, epoch: str, period: tuple[int, int],
               where: Path) -> xr.DataArray:
    """Mean of annual values over an epoch's years; every year must be present."""
    y0, y1 = period
    have = {int(y) for y in annual["year"].values}
    missing = [y for y in range(y0, y1 + 1) if y not in have]
    if missing:
        raise InputError(where, f"epoch {epoch} needs every year {y0}-{y1}; missing "
                                f"{missing[0]}..{missing[-1]} ({len(missing)} years)")
    return annual.sel(year=slice(y0, y1)).mean("year")


def ensemble_quantiles(per_model: list[xr.DataArray], models: list[str],
                       quantiles: Sequence[float]) -> xr.DataArray:
    """Quantiles across models (the single model itself when there is only one)."""
    if len(per_model) == 1:
        return per_model[0]
    stacked = xr.concat(per_model, dim="model", join="exact").assign_coords(model=models)
    return stacked.chunk({"model": -1}).quantile(list(quantiles), dim="model", skipna=False)
