"""Import daily CMIP6 Fire Weather Index into ``wildfire__days_fwi_above_30``.

Inputs are daily netCDF files of the Canadian Fire Weather Index (variable ``fwi``,
dimensionless) computed from CMIP6 models by Quilcaille et al. (2023) [1]_, named as

* CMIP6 CMOR style: ``fwi_day_{MODEL}_{exp}_{member}_{grid}_{YYYYMMDD}-{YYYYMMDD}.nc``,
* or without the date range, as in the ETH archive's cmip6-ng layout:
  ``fwi_day_{MODEL}_{exp}_{member}_{grid}.nc`` (``grid`` e.g. ``gn``, ``gr1``, ``native``,
  ``g025``),

with ``exp`` ``historical`` or an SSP (``ssp126``, ``ssp370``, ...). For every model the days
per year with ``fwi > threshold`` are counted (default 30, the contract indicator), the SSP
years are appended to the historical years of the same model, the annual counts are averaged
over the years of each epoch (baseline 1985-2014, "2030" 2015-2044, "2050" 2035-2064) and,
when several models are given, the 0.1/0.5/0.9 quantiles across models are written.

A fixed threshold (rather than a local percentile) keeps the layer comparable between places
and with the fire-danger classes used operationally: in the classes of the European Forest Fire
Information System (EFFIS, JRC), also used with the GEFF FWI reanalysis [3]_, FWI 21.3-38 is
"high" and 38-50 "very high" danger, so FWI > 30 counts days of high to very high fire danger.

References
----------
.. [1] Y. Quilcaille, F. Batibeniz, A. F. S. Ribeiro, R. S. Padrón and S. I. Seneviratne,
   "Fire weather index data under historical and shared socioeconomic pathway projections in
   the 6th phase of the Coupled Model Intercomparison Project from 1850 to 2100",
   Earth System Science Data 15, 2153-2177, 2023. doi:10.5194/essd-15-2153-2023
   (data: ETH Research Collection, doi:10.3929/ethz-b-000583391, CC BY 4.0)
.. [2] C. E. Van Wagner, "Development and structure of the Canadian Forest Fire Weather Index
   System", Canadian Forestry Service, Forestry Technical Report 35, Ottawa, 1987.
.. [3] C. Vitolo, F. Di Giuseppe, C. Barnard, R. Coughlan, J. San-Miguel-Ayanz, G. Libertá and
   B. Krzeminski, "ERA5-based global meteorological wildfire danger maps", Scientific Data 7,
   216, 2020. doi:10.1038/s41597-020-0554-z
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
    "DEFAULT_THRESHOLD",
    "FwiFile",
    "annual_days_above",
    "import_fwi",
    "parse_fwi_name",
]

DEFAULT_EPOCHS: dict[str, tuple[int, int]] = dict(CONTRACT_EPOCH_YEARS)
"""Contract epochs (first and last year, inclusive)."""

DEFAULT_THRESHOLD = 30.0
"""FWI threshold of the contract indicator ``days_fwi_above_30`` (high to very high danger in
the EFFIS fire-danger classes; GEFF reanalysis: Vitolo et al. 2020,
doi:10.1038/s41597-020-0554-z)."""

_HAZARD = "wildfire"
_INDICATOR = "days_fwi_above_30"
_UNITS = "day/year"
_TIME_CHUNK = 1461  # four years of days: daily counts need no long time chunks
_MIN_DAYS = 360  # a complete year in any CMIP6 calendar (360_day, noleap, standard)
_DIMENSIONLESS = {"", "1", "-", "dimensionless", "unitless", "none", "index"}
_NAME = re.compile(r"^fwi_day_(?P<model>[^_]+)_(?P<exp>historical|ssp\d{3})_"
                   r"(?P<member>r\d+i\d+p\d+f\d+)_(?P<grid>[A-Za-z0-9-]+)"
                   r"(?:_(?P<y0>\d{4})\d{4}-(?P<y1>\d{4})\d{4})?\.nc$")
_CITATION = (
    "Quilcaille, Y., Batibeniz, F., Ribeiro, A. F. S., Padron, R. S., Seneviratne, S. I. (2023). "
    "Fire weather index data under historical and shared socioeconomic pathway projections in "
    "the 6th phase of the Coupled Model Intercomparison Project from 1850 to 2100. Earth Syst. "
    "Sci. Data 15, 2153-2177. doi:10.5194/essd-15-2153-2023; data: ETH Research Collection, "
    "doi:10.3929/ethz-b-000583391; Van Wagner, C. E. (1987). Development and structure of the "
    "Canadian Forest Fire Weather Index System. Forestry Technical Report 35; Vitolo, C., et al. "
    "(2020). ERA5-based global meteorological wildfire danger maps. Scientific Data 7, 216. "
    "doi:10.1038/s41597-020-0554-z"
)
_LICENSE = "CC BY 4.0 (Quilcaille et al. 2023, ETH Research Collection)"


@dataclass(frozen=True)
class FwiFile:
    """One parsed daily FWI file name (years ``None`` when the name has no date range)."""

    path: Path
    model: str
    experiment: str
    member: str
    grid: str
    first_year: int | None
    last_year: int | None


def parse_fwi_name(path: str | Path) -> FwiFile:
    """Parse ``fwi_day_{MODEL}_{exp}_{member}_{grid}[_{YYYYMMDD}-{YYYYMMDD}].nc``.

    Raises
    ------
    climrisk.errors.InputError
        The name does not follow the pattern.
    """
    path = Path(path)
    m = _NAME.match(path.name)
    if not m:
        raise InputError(path, "not a daily FWI file name; expected "
                               "fwi_day_{MODEL}_{exp}_{member}_{grid}_{YYYYMMDD}-{YYYYMMDD}.nc "
                               "or fwi_day_{MODEL}_{exp}_{member}_{grid}.nc with exp historical "
                               "or sspXYZ")
    y0 = int(m["y0"]) if m["y0"] else None
    y1 = int(m["y1"]) if m["y1"] else None
    return FwiFile(path, m["model"], m["exp"], m["member"], m["grid"], y0, y1)


def _open_fwi(f: FwiFile) -> xr.DataArray:
    """Lazily open the ``fwi`` variable of one file and check its variable, dims and units."""
    try:
        ds = xr.open_dataset(f.path, chunks={"time": _TIME_CHUNK, "lat": 100, "lon": 100,
                                             "latitude": 100, "longitude": 100})
    except (OSError, ValueError) as exc:
        raise InputError(f.path, f"cannot be read as netCDF: {exc}") from None
    if "fwi" not in ds.data_vars:
        raise InputError(f.path, f"has no variable 'fwi' (it has "
                                 f"{', '.join(map(str, ds.data_vars)) or 'none'})")
    da = ds["fwi"]
    da = da.rename({d: n for d, n in (("latitude", "lat"), ("longitude", "lon")) if d in da.dims})
    if set(da.dims) != {"time", "lat", "lon"}:
        raise InputError(f.path, f"fwi has dims {', '.join(map(str, da.dims))}; "
                                 "expected time, lat, lon")
    units = str(da.attrs.get("units", "")).strip().lower()
    if units not in _DIMENSIONLESS:
        raise InputError(f.path, f"fwi has units {da.attrs['units']!r}; expected a "
                                 "dimensionless index (units '1' or none)")
    return da.transpose("time", "lat", "lon").drop_vars(
        [c for c in da.coords if c not in ("time", "lat", "lon")])


def annual_days_above(fwi: xr.DataArray, threshold: float = DEFAULT_THRESHOLD) -> xr.DataArray:
    """Days per year with ``fwi > threshold`` (dims year, lat, lon).

    Cells where every daily value of a year is missing (e.g. ocean, ice) stay NaN.

    Parameters
    ----------
    fwi
        Daily Fire Weather Index [1], dims (time, lat, lon).
    threshold
        Strict lower bound of the counted days [1]; default 30.

    Returns
    -------
    xarray.DataArray
        Count per year [day/year] with an integer ``year`` coordinate.

    References
    ----------
    .. [1] Quilcaille et al. (2023), ESSD 15, 2153-2177. doi:10.5194/essd-15-2153-2023
    """
    years = fwi["time"].dt.year.rename("year")
    count = (fwi > threshold).groupby(years).sum("time")
    valid = fwi.notnull().groupby(years).any("time")
    return count.where(valid).astype(np.float64)


def _year_lengths(da: xr.DataArray) -> dict[int, int]:
    years, counts = np.unique(da["time"].dt.year.values, return_counts=True)
    return {int(y): int(n) for y, n in zip(years, counts, strict=True)}


def _open_run(files: list[FwiFile], span: tuple[int, int]) -> tuple[xr.DataArray,
                                                                    dict[int, int]]:
    """Concatenate the files of one model run along time, keep the years in ``span``."""
    parts = [_open_fwi(f) for f in sorted(files, key=lambda f: (f.first_year or 0, f.path.name))]
    series = parts[0] if len(parts) == 1 else xr.concat(parts, dim="time", join="exact")
    time = series.indexes["time"]
    if not time.is_monotonic_increasing or time.has_duplicates:
        raise InputError(files[0].path, f"fwi of {files[0].model} {files[0].experiment}: the "
                                        "files overlap or their times are not in order")
    years = series["time"].dt.year
    series = series.isel(time=((years >= span[0]) & (years <= span[1])).values)
    if series.sizes["time"] == 0:
        raise InputError(files[0].path, f"no days within {span[0]}-{span[1]}, the years of "
                                        "the epochs")
    return series, _year_lengths(series)


def _epoch_mean(annual: xr.DataArray, lengths: Mapping[int, int], epoch: str,
                period: tuple[int, int], where: Path) -> xr.DataArray:
    y0, y1 = period
    short = [y for y in range(y0, y1 + 1) if y in lengths and lengths[y] < _MIN_DAYS]
    if short:
        raise InputError(where, f"epoch {epoch}: year {short[0]} has only {lengths[short[0]]} "
                                "daily values (a complete year is needed)")
    return epoch_mean(annual, epoch, period, where)


def import_fwi(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scenarios: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    epochs: Mapping[str, tuple[int, int]] | None = None,
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert daily CMIP6 FWI netCDFs into ``wildfire__days_fwi_above_30.nc``.

    Parameters
    ----------
    sources
        netCDF files and/or folders holding them (``fwi_day_*.nc``), read lazily with dask.
    out_dir
        Folder for the contract file.
    scenarios
        SSP experiments to use (e.g. ``ssp126``, ``ssp370``); default every SSP given.
    models
        Models to use (names as in the file names); default every model given.
    threshold
        FWI threshold [1]; days with ``fwi > threshold`` are counted. The contract indicator
        uses 30; another value is recorded in ``climrisk_fwi_threshold`` and printed.
    quantiles
        Quantiles across models, written when more than one model is given.
    epochs
        Epoch label -> (first year, last year); default :data:`DEFAULT_EPOCHS` (the contract).
    echo
        Where progress lines are printed.

    Returns
    -------
    list of Path
        The file written.

    References
    ----------
    .. [1] Quilcaille et al. (2023), ESSD 15, 2153-2177. doi:10.5194/essd-15-2153-2023
    .. [2] Vitolo et al. (2020), Scientific Data 7, 216. doi:10.1038/s41597-020-0554-z
    """
    epochs = dict(DEFAULT_EPOCHS if epochs is None else epochs)
    if list(epochs) != ["baseline", "2030", "2050"]:
        raise InputError("epochs", "epochs must be exactly baseline, 2030, 2050")
    if not np.isfinite(threshold):
        raise InputError("--threshold", f"{threshold!r} is not a finite number")
    files = [parse_fwi_name(p) for p in expand_sources(sources, ["fwi_day_*.nc"])]
    if not files:
        raise InputError(", ".join(map(str, sources)), "no fwi_day_*.nc file found")
    if models:
        files = [f for f in files if f.model in set(models)]
        if not files:
            raise InputError(", ".join(map(str, sources)),
                             f"no files of the models {', '.join(models)}")
    all_ssps = sorted({f.experiment for f in files if f.experiment != "historical"})
    ssps = list(scenarios) if scenarios else all_ssps
    if not ssps:
        raise InputError(files[0].path.parent, "no SSP files (only historical)")
    files = [f for f in files if f.experiment in ("historical", *ssps)]
    model_names = sorted({f.model for f in files})
    groups: dict[tuple[str, str], list[FwiFile]] = {}
    for f in files:
        groups.setdefault((f.model, f.experiment), []).append(f)
    for (model, exp), fs in groups.items():
        members = sorted({f.member for f in fs})
        if len(members) > 1:
            raise InputError(fs[0].path, f"model {model} {exp} has several members "
                                         f"({', '.join(members)}); give one member per model")
    for model in model_names:
        for exp in ["historical", *ssps]:
            if (model, exp) not in groups:
                raise InputError(files[0].path.parent,
                                 f"no fwi files for model {model}, experiment {exp} "
                                 "(choose models with --model, scenarios with --scenario)")
    echo(f"fwi: models {', '.join(model_names)}; scenarios {', '.join(ssps)}; days with FWI > "
         f"{threshold:g}; epochs " + ", ".join(f"{e} {a}-{b}" for e, (a, b) in epochs.items()))
    if threshold != DEFAULT_THRESHOLD:
        echo(f"note: threshold {threshold:g} differs from the contract's 30; it is written to "
             "wildfire__days_fwi_above_30.nc and recorded in climrisk_fwi_threshold")
    span = (min(a for a, _ in epochs.values()), max(b for _, b in epochs.values()))
    ref: tuple | None = None
    baseline_members: list[xr.DataArray] = []
    future_members: dict[str, dict[str, list[xr.DataArray]]] = {
        s: {"2030": [], "2050": []} for s in ssps}
    for model in model_names:
        annual: dict[str, tuple[xr.DataArray, dict[int, int]]] = {}
        for exp in ["historical", *ssps]:
            fs = groups[(model, exp)]
            series, lengths = _open_run(fs, span)
            key = grid_key(series)
            if ref is None:
                ref = key
            elif key != ref:
                raise InputError(fs[0].path, "grid (lat/lon) differs from the other files; "
                                             "regrid the inputs to one grid first")
            annual[exp] = (annual_days_above(series, threshold), lengths)
        hist, hist_lengths = annual["historical"]
        where = groups[(model, "historical")][0].path
        baseline_members.append(_epoch_mean(hist, hist_lengths, "baseline", epochs["baseline"],
                                            where))
        for ssp in ssps:
            fut, fut_lengths = annual[ssp]
            first = min(fut_lengths)
            head = hist.sel(year=hist["year"] < first)
            joined = xr.concat([head, fut], dim="year", join="exact")
            lengths = {y: n for y, n in hist_lengths.items() if y < first} | fut_lengths
            where = groups[(model, ssp)][0].path
            for epoch in ("2030", "2050"):
                future_members[ssp][epoch].append(
                    _epoch_mean(joined, lengths, epoch, epochs[epoch], where))
        echo(f"{model}: annual counts set up for historical and {', '.join(ssps)}")
    if len(model_names) > 1:
        echo(f"quantiles {', '.join(f'{q:g}' for q in quantiles)} across "
             f"{len(model_names)} models")
    base = ensemble_quantiles(baseline_members, model_names, quantiles)
    future = {s: {e: ensemble_quantiles(future_members[s][e], model_names, quantiles)
                  for e in ("2030", "2050")} for s in ssps}
    data = stack_scenarios(base, future)
    long_name = f"days per year with Canadian Fire Weather Index above {threshold:g}"
    ds = contract_dataset(
        data, hazard=_HAZARD, indicator=_INDICATOR, units=_UNITS, long_name=long_name,
        kind="chronic_index",
        title=f"{long_name} from daily CMIP6 FWI (Quilcaille et al. 2023)",
        institution="ETH Zurich (FWI data); converted with climrisk",
        source=f"daily CMIP6 Fire Weather Index netCDF, models {', '.join(model_names)}",
        references=_CITATION,
        license=_LICENSE,
        command="fwi",
        source_files=provenance(f.path for f in files),
        comment=("Days per year with daily FWI above the threshold, averaged over the years of "
                 "each epoch; SSP years are appended to the historical years of the same "
                 "model. Baseline is the historical run, the same for every scenario. A fixed "
                 "threshold follows the EFFIS fire-danger classes (high 21.3-38, very high "
                 "38-50)."),
        epoch_periods={e: f"{a}-{b}" for e, (a, b) in epochs.items()},
        extra_attrs={
            "climrisk_method": (f"count of days with fwi > {threshold:g} per calendar year; "
                                "mean over epoch years"),
            "climrisk_fwi_threshold": f"{threshold:g}",
            "climrisk_models": ", ".join(model_names),
        },
    )
    echo(f"computing {_HAZARD}__{_INDICATOR} ...")
    target = write_layer(ds, out_dir)
    echo(f"wrote {target} ({', '.join(map(str, ds[_INDICATOR].dims))} = "
         f"{', '.join(map(str, ds[_INDICATOR].shape))})")
    return [target]
