"""Import Copernicus CDS CMIP6 ETCCDI extreme indices (yearly) into contract layers.

Inputs are the yearly netCDF files of the C3S dataset ``sis-extreme-indices-cmip6`` [1]_
(ETCCDI indices [2]_ computed from CMIP6 daily output), as unpacked from the CDS archive:

* ``{index}_yr_{MODEL}_{experiment}_{member}_{base}_{version}_{YYYY}-{YYYY}_v2-0.nc``, e.g.
  ``cddETCCDI_yr_ACCESS-CM2_historical_r1i1p1f1_no-base_v20191108_1850-2014_v2-0.nc``,
* or shorter ``{index}_yr_{MODEL}_{experiment}_{member}_{grid}_{YYYY}-{YYYY}.nc``,
* or any ``.nc`` whose data variable ends in ``ETCCDI`` and whose global attributes give the
  CMIP6 ``source_id`` and ``experiment_id`` (the name is then not used).

The index is the data variable's name. Only indices with a contract indicator are converted
(:data:`INDICATORS`); every other index is reported as skipped. Experiments ``historical``,
``ssp126``, ``ssp370``, ... are accepted, also in the CDS request spelling ``ssp1_2_6``,
``ssp3_7_0``. For every model the SSP years are appended to the historical years, the yearly
values are averaged over the years of each epoch (baseline 1985-2014, "2030" 2015-2044,
"2050" 2035-2064) and, when several models are given, the 0.1/0.5/0.9 quantiles across models
are written.

References
----------
.. [1] Copernicus Climate Change Service, "Extreme indices derived from CMIP6 global climate
   projections" (dataset ``sis-extreme-indices-cmip6``), Climate Data Store,
   https://cds.climate.copernicus.eu/datasets/sis-extreme-indices-cmip6
.. [2] X. Zhang, L. Alexander, G. C. Hegerl, P. Jones, A. Klein Tank, T. C. Peterson,
   B. Trewin and F. W. Zwiers, "Indices for monitoring changes in extremes based on daily
   temperature and precipitation data", WIREs Climate Change 2, 851-870, 2011.
   doi:10.1002/wcc.147
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard.importers._common import (
    CONTRACT_EPOCH_YEARS,
    contract_dataset,
    ensemble_quantiles,
    epoch_mean,
    expand_sources,
    grid_key,
    provenance,
    stack_scenarios,
    write_layer,
)

__all__ = [
    "DEFAULT_EPOCHS",
    "INDICATORS",
    "IndexFile",
    "import_cds_indices",
    "normalise_experiment",
    "read_index_file",
]

DEFAULT_EPOCHS: dict[str, tuple[int, int]] = dict(CONTRACT_EPOCH_YEARS)
"""Contract epochs (first and last year, inclusive)."""

INDICATORS: dict[str, tuple[str, str, str, str, frozenset[str]]] = {
    "cddETCCDI": ("drought", "consecutive_dry_days", "day",
                  "annual maximum run of days with precipitation below 1 mm/day (ETCCDI CDD)",
                  frozenset({"days", "day", "d"})),
}
"""ETCCDI variable -> (hazard, indicator id, units, long name, accepted source units)."""

_NAME = re.compile(r"^(?P<index>[A-Za-z0-9]+ETCCDI)_yr_(?P<model>[^_]+)_"
                   r"(?P<exp>historical|ssp\d{3}|ssp\d_\d_\d)_(?P<member>r\d+i\d+p\d+f\d+)_"
                   r"(?P<rest>.+?)_(?P<y0>\d{4})-(?P<y1>\d{4})(?:_v\d+-\d+)?\.nc$")
_EXPERIMENT = re.compile(r"^(?:historical|ssp\d{3})$")
_CDS_EXPERIMENT = re.compile(r"^ssp(\d)_(\d)_(\d)$")
_CITATION = (
    "Copernicus Climate Change Service (C3S): Extreme indices derived from CMIP6 global climate "
    "projections, Climate Data Store dataset sis-extreme-indices-cmip6, "
    "https://cds.climate.copernicus.eu/datasets/sis-extreme-indices-cmip6; Zhang, X., et al. "
    "(2011). Indices for monitoring changes in extremes based on daily temperature and "
    "precipitation data. WIREs Climate Change 2, 851-870. doi:10.1002/wcc.147"
)
_LICENSE = ("CC BY 4.0 (C3S CMIP6 extreme indices); see the CDS dataset licence "
            "(https://cds.climate.copernicus.eu/datasets/sis-extreme-indices-cmip6)")


@dataclass(frozen=True)
class IndexFile:
    """One yearly ETCCDI index file: where it comes from and its (lazy) values."""

    path: Path
    index: str
    model: str
    experiment: str
    member: str
    data: xr.DataArray


def normalise_experiment(name: str) -> str:
    """``ssp1_2_6`` -> ``ssp126``; ``historical`` and ``ssp370`` are returned unchanged.

    Raises
    ------
    climrisk.errors.InputError
        ``name`` is neither ``historical`` nor an SSP.
    """
    m = _CDS_EXPERIMENT.match(name)
    if m:
        return "ssp" + "".join(m.groups())
    if _EXPERIMENT.match(name):
        return name
    raise InputError("experiment", f"{name!r} is not historical or an SSP (ssp126, ssp1_2_6)")


def read_index_file(path: str | Path) -> IndexFile:
    """Open one yearly ETCCDI file lazily; identify index, model, experiment and member.

    The index is the data variable ending in ``ETCCDI``; model, experiment and member come from
    the CDS file name or, failing that, from the ``source_id``, ``experiment_id`` and
    ``variant_label`` global attributes.

    Raises
    ------
    climrisk.errors.InputError
        The file cannot be read, holds no (or several) ETCCDI variables, or names no model and
        experiment.
    """
    path = Path(path)
    try:
        ds = xr.open_dataset(path, chunks={"time": -1, "lat": 200, "lon": 200, "latitude": 200,
                                           "longitude": 200}, decode_timedelta=False)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot be read as netCDF: {exc}") from None
    indices = [str(v) for v in ds.data_vars if str(v).endswith("ETCCDI")]
    if len(indices) != 1:
        raise InputError(path, f"expected one data variable ending in ETCCDI; found "
                               f"{', '.join(indices) or 'none'} (variables: "
                               f"{', '.join(map(str, ds.data_vars)) or 'none'})")
    index = indices[0]
    m = _NAME.match(path.name)
    if m:
        if m["index"] != index:
            raise InputError(path, f"the name says {m['index']} but the variable is {index}")
        model, exp, member = m["model"], m["exp"], m["member"]
    else:
        model, exp = ds.attrs.get("source_id"), ds.attrs.get("experiment_id")
        member = str(ds.attrs.get("variant_label", ""))
        if not model or not exp:
            raise InputError(path, "not a CDS index file name ({index}_yr_{MODEL}_{experiment}"
                                   "_{member}_..._{YYYY}-{YYYY}.nc) and no source_id/"
                                   "experiment_id global attributes")
    try:
        exp = normalise_experiment(str(exp))
    except InputError as exc:
        raise InputError(path, exc.issue.message) from None
    da = ds[index]
    da = da.rename({d: n for d, n in (("latitude", "lat"), ("longitude", "lon")) if d in da.dims})
    if set(da.dims) != {"time", "lat", "lon"}:
        raise InputError(path, f"{index} has dims {', '.join(map(str, da.dims))}; "
                               "expected time, lat, lon")
    da = da.transpose("time", "lat", "lon").drop_vars(
        [c for c in da.coords if c not in ("time", "lat", "lon")])
    return IndexFile(path, index, str(model), exp, member, da)


def _check_units(f: IndexFile) -> None:
    units = f.data.attrs.get("units")
    accepted = INDICATORS[f.index][4]
    if units is None:
        raise InputError(f.path, f"{f.index} has no units attribute")
    if str(units).strip().lower() not in accepted:
        raise InputError(f.path, f"{f.index} has units {units!r}; expected "
                                 f"{' or '.join(sorted(accepted))}")


def _yearly(files: list[IndexFile]) -> xr.DataArray:
    """Concatenate the files of one run along time as yearly values (dims year, lat, lon)."""
    parts = []
    for f in files:
        _check_units(f)
        years = f.data["time"].dt.year.values.astype(int)
        parts.append(f.data.assign_coords(time=years).rename(time="year"))
    series = parts[0] if len(parts) == 1 else xr.concat(parts, dim="year", join="exact")
    series = series.sortby("year")
    years = series.indexes["year"]
    if years.has_duplicates:
        raise InputError(files[0].path, f"{files[0].index} of {files[0].model} "
                                        f"{files[0].experiment}: a year appears twice (files "
                                        "overlap, or not yearly values)")
    return series.astype(np.float64)


def import_cds_indices(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scenarios: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    epochs: Mapping[str, tuple[int, int]] | None = None,
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert CDS ``sis-extreme-indices-cmip6`` yearly ETCCDI netCDFs into contract layers.

    Parameters
    ----------
    sources
        netCDF files and/or folders holding them (``*.nc``), read lazily with dask.
    out_dir
        Folder for the contract files.
    scenarios
        SSP experiments to use (``ssp126`` or ``ssp1_2_6``); default every SSP given.
    models
        Models to use (CMIP6 ``source_id``); default every model given.
    quantiles
        Quantiles across models, written when more than one model is given.
    epochs
        Epoch label -> (first year, last year); default :data:`DEFAULT_EPOCHS` (the contract).
    echo
        Where progress lines are printed.

    Returns
    -------
    list of Path
        The files written (one per mapped index).

    References
    ----------
    .. [1] Zhang et al. (2011), WIREs Climate Change 2, 851-870. doi:10.1002/wcc.147
    """
    epochs = dict(DEFAULT_EPOCHS if epochs is None else epochs)
    if list(epochs) != ["baseline", "2030", "2050"]:
        raise InputError("epochs", "epochs must be exactly baseline, 2030, 2050")
    wanted_ssps = [normalise_experiment(s) for s in scenarios] if scenarios else None
    files = [read_index_file(p) for p in expand_sources(sources, ["*.nc"])]
    if not files:
        raise InputError(", ".join(map(str, sources)), "no netCDF file found")
    if models:
        files = [f for f in files if f.model in set(models)]
        if not files:
            raise InputError(", ".join(map(str, sources)),
                             f"no files of the models {', '.join(models)}")
    for f in files:
        if f.index not in INDICATORS:
            echo(f"note: {f.path.name}: {f.index} has no contract indicator, skipped")
    files = [f for f in files if f.index in INDICATORS]
    if not files:
        raise InputError(", ".join(map(str, sources)),
                         f"no index with a contract indicator ({', '.join(INDICATORS)})")
    all_ssps = sorted({f.experiment for f in files if f.experiment != "historical"})
    ssps = wanted_ssps or all_ssps
    if not ssps:
        raise InputError(files[0].path.parent, "no SSP files (only historical)")
    files = [f for f in files if f.experiment in ("historical", *ssps)]
    echo(f"ETCCDI indices: {', '.join(sorted({f.index for f in files}))}; scenarios "
         f"{', '.join(ssps)}; epochs " + ", ".join(f"{e} {a}-{b}" for e, (a, b) in epochs.items()))
    written = []
    for index in sorted({f.index for f in files}):
        hazard, indicator, units, long_name, _ = INDICATORS[index]
        echo(f"mapping: {index} -> {hazard}__{indicator} [{units}]")
        of_index = [f for f in files if f.index == index]
        model_names = sorted({f.model for f in of_index})
        groups: dict[tuple[str, str], list[IndexFile]] = {}
        for f in of_index:
            groups.setdefault((f.model, f.experiment), []).append(f)
        for (model, exp), fs in groups.items():
            members = sorted({f.member for f in fs})
            if len(members) > 1:
                raise InputError(fs[0].path, f"{index} of model {model} {exp} has several "
                                             f"members ({', '.join(members)}); give one")
        ref: tuple | None = None
        yearly: dict[tuple[str, str], xr.DataArray] = {}
        for model in model_names:
            for exp in ["historical", *ssps]:
                if (model, exp) not in groups:
                    raise InputError(of_index[0].path.parent,
                                     f"no {index} files for model {model}, experiment {exp} "
                                     "(choose models with --model, scenarios with --scenario)")
                fs = sorted(groups[(model, exp)], key=lambda f: f.path.name)
                for f in fs:
                    key = grid_key(f.data)
                    if ref is None:
                        ref = key
                    elif key != ref:
                        raise InputError(f.path, "grid (lat/lon) differs from the other files; "
                                                 "regrid the inputs to one grid first")
                yearly[(model, exp)] = _yearly(fs)
        baseline_members = []
        future_members: dict[str, dict[str, list[xr.DataArray]]] = {
            s: {"2030": [], "2050": []} for s in ssps}
        for model in model_names:
            hist = yearly[(model, "historical")]
            baseline_members.append(epoch_mean(hist, "baseline", epochs["baseline"],
                                                groups[(model, "historical")][0].path))
            for ssp in ssps:
                fut = yearly[(model, ssp)]
                head = hist.sel(year=hist["year"] < int(fut["year"][0]))
                joined = xr.concat([head, fut], dim="year", join="exact")
                for epoch in ("2030", "2050"):
                    future_members[ssp][epoch].append(
                        epoch_mean(joined, epoch, epochs[epoch], groups[(model, ssp)][0].path))
        if len(model_names) > 1:
            echo(f"quantiles {', '.join(f'{q:g}' for q in quantiles)} across "
                 f"{len(model_names)} models")
        base = ensemble_quantiles(baseline_members, model_names, quantiles)
        future = {s: {e: ensemble_quantiles(future_members[s][e], model_names, quantiles)
                      for e in ("2030", "2050")} for s in ssps}
        data = stack_scenarios(base, future)
        ds = contract_dataset(
            data, hazard=hazard, indicator=indicator, units=units, long_name=long_name,
            kind="chronic_index",
            title=f"{long_name} from C3S CMIP6 extreme indices",
            institution="Copernicus Climate Change Service (index data); converted with climrisk",
            source=(f"CDS sis-extreme-indices-cmip6 yearly {index}, models "
                    f"{', '.join(model_names)}"),
            references=_CITATION,
            license=_LICENSE,
            command="cds-indices",
            source_files=provenance(f.path for f in of_index),
            comment=("Yearly index values averaged over the years of each epoch; SSP years are "
                     "appended to the historical years of the same model. Baseline is the "
                     "historical run, the same for every scenario."),
            epoch_periods={e: f"{a}-{b}" for e, (a, b) in epochs.items()},
            extra_attrs={
                "climrisk_method": f"mean of yearly {index} over epoch years",
                "climrisk_index_map": f"{index}->{hazard}__{indicator}",
                "climrisk_models": ", ".join(model_names),
            },
        )
        echo(f"computing {hazard}__{indicator} ...")
        target = write_layer(ds, out_dir)
        echo(f"wrote {target} ({', '.join(map(str, ds[indicator].dims))} = "
             f"{', '.join(map(str, ds[indicator].shape))})")
        written.append(target)
    return written
