"""Import daily CMIP6 temperature and precipitation into chronic heat, cold, drought, rain layers.

Inputs are daily netCDF files of ``tasmax``, ``tasmin`` (K) and ``pr`` (kg m-2 s-1), optionally
``tas`` (K), for a historical run and SSP runs of one or more climate models, named as

* NEX-GDDP-CMIP6 (NASA): ``{var}_day_{MODEL}_{exp}_r1i1p1f1_gn_{YYYY}.nc`` (one file per year;
  v1.1 reissues add ``_v1.1``),
* ISIMIP3b bias-adjusted input: ``{gcm}_r1i1p1f1_w5e5_{exp}_{var}_global_daily_{y0}_{y1}.nc``,
* CMIP6 CMOR (ESGF): ``{var}_day_{MODEL}_{exp}_{member}_{grid}_{YYYYMMDD}-{YYYYMMDD}.nc``.

For every model the SSP run is appended to the historical run (an epoch such as 2015-2044 begins
in the historical run for some products), annual indicators are computed with xclim [1]_, the
annual values are averaged over the years of each epoch (baseline 1985-2014, "2030" 2015-2044,
"2050" 2035-2064) and, when several models are given, the 0.1/0.5/0.9 quantiles across models
are written. Indicators (contract names):

* ``extreme_heat__days_above_35c``: days with ``tasmax > 35 °C`` (xclim ``tx_days_above``),
* ``extreme_heat__cooling_degree_days``: sum of ``max(tas - 18 °C, 0)`` (``cooling_degree_days``),
* ``extreme_cold__days_below_minus_10c``: days with ``tasmin < -10 °C`` (``tn_days_below``),
* ``extreme_cold__heating_degree_days``: sum of ``max(18 °C - tas, 0)`` (``heating_degree_days``),
* ``drought__consecutive_dry_days``: longest run of days with ``pr < 1 mm/day``
  (``maximum_consecutive_dry_days``),
* ``extreme_cold__frost_days``: days with ``tasmin < 0 °C`` (ETCCDI FD [4]_, ``frost_days``),
* ``extreme_cold__ice_days``: days with ``tasmax < 0 °C`` (ETCCDI ID, ``ice_days``),
* ``pluvial_flood__max_5day_precipitation``: annual maximum 5-day precipitation amount in mm
  (ETCCDI Rx5day, ``max_n_day_precipitation_amount`` with ``window=5``): the 5-day sums run
  over the continuous daily series and each is counted in the year of its last day, so a
  window may begin in the previous December (the first four days of a series have no window).

Where models come on different grids, ``regrid="nearest"`` or ``"bilinear"`` interpolates each
model's annual values onto the grid of the first model (models sorted by name) before the
quantiles across models; target cells outside the other model's grid are NaN.

Where no ``tas`` files are given, daily mean temperature is ``(tasmax + tasmin) / 2``
(xclim ``tas_from_tasmin_tasmax``), the usual approximation for degree days.

References
----------
.. [1] P. Bourgault, D. Huard, T. J. Smith, et al., "xclim: xarray-based climate data analytics",
   Journal of Open Source Software 8(85), 5415, 2023. doi:10.21105/joss.05415
.. [2] B. Thrasher, W. Wang, A. Michaelis, et al., "NASA Global Daily Downscaled Projections,
   CMIP6", Scientific Data 9, 262, 2022. doi:10.1038/s41597-022-01393-4
.. [3] S. Lange, "Trend-preserving bias adjustment and statistical downscaling with ISIMIP3BASD
   (v1.0)", Geoscientific Model Development 12, 3055-3070, 2019. doi:10.5194/gmd-12-3055-2019
.. [4] X. Zhang, L. Alexander, G. C. Hegerl, et al., "Indices for monitoring changes in
   extremes based on daily temperature and precipitation data", WIREs Climate Change 2(6),
   851-870, 2011. doi:10.1002/wcc.147
"""

from __future__ import annotations

import re
import warnings
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
    "REGRID_METHODS",
    "DailyFile",
    "annual_indicators",
    "import_cmip6_daily",
    "parse_daily_name",
]

DEFAULT_EPOCHS: dict[str, tuple[int, int]] = dict(CONTRACT_EPOCH_YEARS)
"""Contract epochs (first and last year, inclusive)."""

INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "days_above_35c": ("extreme_heat", "day/year",
                       "days per year with daily maximum temperature above 35 degC", "tasmax"),
    "cooling_degree_days": ("extreme_heat", "K*day/year",
                            "cooling degree days above 18 degC, annual sum", "tas"),
    "days_below_minus_10c": ("extreme_cold", "day/year",
                             "days per year with daily minimum temperature below -10 degC",
                             "tasmin"),
    "heating_degree_days": ("extreme_cold", "K*day/year",
                            "heating degree days below 18 degC, annual sum", "tas"),
    "consecutive_dry_days": ("drought", "day",
                             "annual maximum run of days with precipitation below 1 mm/day",
                             "pr"),
    "frost_days": ("extreme_cold", "day/year",
                   "days per year with daily minimum temperature below 0 degC (ETCCDI FD)",
                   "tasmin"),
    "ice_days": ("extreme_cold", "day/year",
                 "days per year with daily maximum temperature below 0 degC (ETCCDI ID)",
                 "tasmax"),
    "max_5day_precipitation": ("pluvial_flood", "mm",
                               "annual maximum 5-day precipitation amount (ETCCDI Rx5day)",
                               "pr"),
}
"""Indicator id -> (hazard, units, long name, daily variable needed)."""

REGRID_METHODS: dict[str, str] = {"nearest": "nearest", "bilinear": "linear"}
"""``regrid`` choice -> ``xarray.DataArray.interp`` method."""

_XCLIM_CALLS = {
    "days_above_35c": "xclim.indices.tx_days_above(tasmax, thresh='35 degC', op='>')",
    "cooling_degree_days": "xclim.indices.cooling_degree_days(tas, thresh='18 degC')",
    "days_below_minus_10c": "xclim.indices.tn_days_below(tasmin, thresh='-10 degC', op='<')",
    "heating_degree_days": "xclim.indices.heating_degree_days(tas, thresh='18 degC')",
    "consecutive_dry_days": "xclim.indices.maximum_consecutive_dry_days(pr, thresh='1 mm/day')",
    "frost_days": "xclim.indices.frost_days(tasmin, thresh='0 degC')",
    "ice_days": "xclim.indices.ice_days(tasmax, thresh='0 degC')",
    "max_5day_precipitation": ("xclim.indices.max_n_day_precipitation_amount(pr, window=5) "
                               "in mm (5-day sums over the continuous series, each in the "
                               "year of its last day)"),
}
_VARIABLES = ("tasmax", "tasmin", "tas", "pr")
_NEX = re.compile(r"^(?P<var>[a-z]+)_day_(?P<model>[^_]+)_(?P<exp>historical|ssp\d{3})_"
                  r"(?P<member>r\d+i\d+p\d+f\d+)_(?P<grid>g[a-z0-9]+)_(?P<y0>\d{4})"
                  r"(?:_v\d+\.\d+)?\.nc$")
_CMOR = re.compile(r"^(?P<var>[a-z]+)_day_(?P<model>[^_]+)_(?P<exp>historical|ssp\d{3})_"
                   r"(?P<member>r\d+i\d+p\d+f\d+)_(?P<grid>g[a-z0-9]+)_(?P<y0>\d{4})\d{4}-"
                   r"(?P<y1>\d{4})\d{4}\.nc$")
_ISIMIP = re.compile(r"^(?P<model>[a-z0-9-]+)_(?P<member>r\d+i\d+p\d+f\d+)_w5e5_"
                     r"(?P<exp>historical|ssp\d{3})_(?P<var>[a-z]+)_global_daily_"
                     r"(?P<y0>\d{4})_(?P<y1>\d{4})\.nc$")
_CITATION = {
    "nex-gddp-cmip6": "Thrasher, B., et al. (2022). NASA Global Daily Downscaled Projections, "
                      "CMIP6. Scientific Data 9, 262. doi:10.1038/s41597-022-01393-4",
    "isimip3b": "Lange, S. (2019). Trend-preserving bias adjustment and statistical downscaling "
                "with ISIMIP3BASD (v1.0). Geosci. Model Dev. 12, 3055-3070. "
                "doi:10.5194/gmd-12-3055-2019; ISIMIP3b bias-adjusted climate input data",
    "cmip6": "Eyring, V., et al. (2016). Overview of the Coupled Model Intercomparison Project "
             "Phase 6 (CMIP6). Geosci. Model Dev. 9, 1937-1958. doi:10.5194/gmd-9-1937-2016",
}
_LICENSE = {
    "nex-gddp-cmip6": "NEX-GDDP-CMIP6: open data (NASA); each model's CMIP6 terms of use apply",
    "isimip3b": "CC BY 4.0 (ISIMIP3b input data)",
    "cmip6": "CMIP6 terms of use of each modelling group (mostly CC BY 4.0)",
}
_XCLIM_REF = ("Bourgault, P., et al. (2023). xclim: xarray-based climate data analytics. "
              "JOSS 8(85), 5415. doi:10.21105/joss.05415")


@dataclass(frozen=True)
class DailyFile:
    """One parsed daily file name."""

    path: Path
    product: str
    variable: str
    model: str
    experiment: str
    member: str
    first_year: int
    last_year: int


def parse_daily_name(path: str | Path) -> DailyFile:
    """Parse a NEX-GDDP-CMIP6, ISIMIP3b or CMIP6 CMOR daily file name.

    Raises
    ------
    climrisk.errors.InputError
        The name follows none of the three conventions.
    """
    path = Path(path)
    for product, pattern in (("nex-gddp-cmip6", _NEX), ("cmip6", _CMOR), ("isimip3b", _ISIMIP)):
        m = pattern.match(path.name)
        if m:
            y0 = int(m["y0"])
            y1 = int(m.groupdict().get("y1") or y0)
            return DailyFile(path, product, m["var"], m["model"], m["exp"], m["member"], y0, y1)
    raise InputError(path, "not a daily CMIP6 file name; expected "
                           "{var}_day_{MODEL}_{exp}_r1i1p1f1_gn_{YYYY}.nc (NEX-GDDP-CMIP6), "
                           "{gcm}_r1i1p1f1_w5e5_{exp}_{var}_global_daily_{y0}_{y1}.nc (ISIMIP3b) "
                           "or {var}_day_{MODEL}_{exp}_{member}_{grid}_{YYYYMMDD}-{YYYYMMDD}.nc")


def _open_series(files: list[DailyFile]) -> xr.DataArray:
    """Lazily open and concatenate one variable of one model run along time; check it."""
    parts = []
    for f in sorted(files, key=lambda f: f.first_year):
        try:
            ds = xr.open_dataset(f.path, chunks={"time": -1, "lat": 100, "lon": 100,
                                                 "latitude": 100, "longitude": 100})
        except (OSError, ValueError) as exc:
            raise InputError(f.path, f"cannot be read as netCDF: {exc}") from None
        if f.variable not in ds.data_vars:
            raise InputError(f.path, f"has no variable {f.variable!r} (it has "
                                     f"{', '.join(map(str, ds.data_vars)) or 'none'})")
        da = ds[f.variable]
        rename = {d: n for d, n in (("latitude", "lat"), ("longitude", "lon")) if d in da.dims}
        da = da.rename(rename)
        if set(da.dims) != {"time", "lat", "lon"}:
            raise InputError(f.path, f"{f.variable} has dims {', '.join(map(str, da.dims))}; "
                                     "expected time, lat, lon")
        _check_units(f, da)
        parts.append(da.transpose("time", "lat", "lon").drop_vars(
            [c for c in da.coords if c not in ("time", "lat", "lon")]))
    series = parts[0] if len(parts) == 1 else xr.concat(parts, dim="time", join="exact")
    time = series.indexes["time"]
    if not time.is_monotonic_increasing or time.has_duplicates:
        raise InputError(files[0].path.parent, f"{files[0].variable} of {files[0].model} "
                                               f"{files[0].experiment}: the files overlap or "
                                               "their times are not in order")
    return series


def _check_units(f: DailyFile, da: xr.DataArray) -> None:
    from xclim.core.units import units2pint

    units = da.attrs.get("units")
    if not units:
        raise InputError(f.path, f"{f.variable} has no units attribute")
    try:
        pint_units = units2pint(da)
    except Exception:  # any pint parsing failure is the file's problem
        raise InputError(f.path, f"{f.variable} has units {units!r} that cannot be "
                                 "parsed") from None
    temperature = f.variable in ("tasmax", "tasmin", "tas")
    if temperature and pint_units.dimensionality != {"[temperature]": 1}:
        raise InputError(f.path, f"{f.variable} has units {units!r}; expected K")
    if f.variable == "pr" and pint_units.dimensionality not in (
            {"[mass]": 1, "[length]": -2, "[time]": -1}, {"[length]": 1, "[time]": -1}):
        raise InputError(f.path, f"pr has units {units!r}; expected kg m-2 s-1")


def annual_indicators(daily: Mapping[str, xr.DataArray],
                      indicators: Sequence[str] = tuple(INDICATORS)) -> dict[str, xr.DataArray]:
    """Annual indicator values (dims year, lat, lon) from daily series computed with xclim.

    Parameters
    ----------
    daily
        ``tasmax``, ``tasmin`` [K], ``pr`` [kg m-2 s-1] and optionally ``tas`` [K], dims
        (time, lat, lon); only the variables the requested indicators need are used.
    indicators
        Indicator ids from :data:`INDICATORS`.

    Returns
    -------
    dict
        Indicator id -> annual values (``year`` coordinate, int).

    References
    ----------
    .. [1] Bourgault et al. (2023), JOSS 8(85), 5415. doi:10.21105/joss.05415
    """
    import xclim.indices as xi
    from xclim.core.units import convert_units_to

    def tas() -> xr.DataArray:
        if "tas" in daily:
            return daily["tas"]
        return xi.tas_from_tasmin_tasmax(tasmin=daily["tasmin"], tasmax=daily["tasmax"])

    calls: dict[str, Callable[[], xr.DataArray]] = {
        "days_above_35c": lambda: xi.tx_days_above(daily["tasmax"], thresh="35 degC", op=">",
                                                   freq="YS"),
        "cooling_degree_days": lambda: xi.cooling_degree_days(tas(), thresh="18 degC",
                                                              freq="YS"),
        "days_below_minus_10c": lambda: xi.tn_days_below(daily["tasmin"], thresh="-10 degC",
                                                         op="<", freq="YS"),
        "heating_degree_days": lambda: xi.heating_degree_days(tas(), thresh="18 degC",
                                                              freq="YS"),
        "consecutive_dry_days": lambda: xi.maximum_consecutive_dry_days(
            daily["pr"], thresh="1 mm/day", freq="YS"),
        "frost_days": lambda: xi.frost_days(daily["tasmin"], thresh="0 degC", freq="YS"),
        "ice_days": lambda: xi.ice_days(daily["tasmax"], thresh="0 degC", freq="YS"),
        "max_5day_precipitation": lambda: convert_units_to(
            xi.max_n_day_precipitation_amount(daily["pr"], window=5, freq="YS"), "mm",
            context="hydro"),
    }
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for name in indicators:
            annual = calls[name]()
            years = annual["time"].dt.year.values
            out[name] = annual.assign_coords(time=years).rename(time="year").astype(np.float64)
    return out


def import_cmip6_daily(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scenarios: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    epochs: Mapping[str, tuple[int, int]] | None = None,
    regrid: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert daily CMIP6-family netCDFs into chronic heat, cold and drought layers.

    Parameters
    ----------
    sources
        netCDF files and/or folders holding them (``*.nc``), read lazily with dask.
    out_dir
        Folder for the contract files.
    scenarios
        SSP experiments to use (e.g. ``ssp126``, ``ssp370``); default every SSP given.
    models
        Models to use (names as in the file names); default every model given.
    indicators
        Indicator ids (keys of :data:`INDICATORS`); default every indicator whose daily
        variable is present.
    quantiles
        Quantiles across models, written when more than one model is given.
    epochs
        Epoch label -> (first year, last year); default :data:`DEFAULT_EPOCHS` (the contract).
        Other periods are written into the ``epoch_*`` attributes.
    regrid
        ``None`` (default): every model must be on one grid, otherwise the import stops naming
        the first file on another grid. ``"nearest"`` or ``"bilinear"``: models on other grids
        are interpolated (``xarray.DataArray.interp`` with method ``"nearest"`` or
        ``"linear"``) onto the grid of the first model (sorted by name), annual values before
        the epoch means and quantiles; target cells outside a model's grid are NaN (for
        ``"nearest"``, outside its cells; for ``"bilinear"``, outside its cell centres). The
        files of one model must still share one grid. The method and target grid are
        recorded in the ``climrisk_regrid`` attribute.
    echo
        Where progress lines are printed.

    Returns
    -------
    list of Path
        The files written.

    References
    ----------
    .. [1] Bourgault et al. (2023), JOSS 8(85), 5415. doi:10.21105/joss.05415
    """
    import xclim

    epochs = dict(DEFAULT_EPOCHS if epochs is None else epochs)
    if list(epochs) != ["baseline", "2030", "2050"]:
        raise InputError("epochs", "epochs must be exactly baseline, 2030, 2050")
    if regrid is not None and regrid not in REGRID_METHODS:
        raise InputError("--regrid", f"unknown regrid method {regrid!r}; expected "
                                     f"{' or '.join(REGRID_METHODS)}")
    files = [parse_daily_name(p) for p in expand_sources(sources, ["*.nc"])]
    if not files:
        raise InputError(", ".join(map(str, sources)), "no daily netCDF file found")
    if models:
        files = [f for f in files if f.model in set(models)]
        if not files:
            raise InputError(", ".join(map(str, sources)),
                             f"no files of the models {', '.join(models)}")
    ignored = sorted({f.variable for f in files if f.variable not in _VARIABLES})
    if ignored:
        echo(f"note: variables not used by these indicators are left out: {', '.join(ignored)}")
    files = [f for f in files if f.variable in _VARIABLES]
    all_ssps = sorted({f.experiment for f in files if f.experiment != "historical"})
    ssps = list(scenarios) if scenarios else all_ssps
    model_names = sorted({f.model for f in files})
    present = {f.variable for f in files}
    wanted = list(indicators) if indicators else [
        name for name, spec in INDICATORS.items()
        if spec[3] in present or (spec[3] == "tas" and {"tasmax", "tasmin"} <= present)]
    unknown = [n for n in wanted if n not in INDICATORS]
    if unknown:
        raise InputError("--indicator", f"unknown indicator(s) {', '.join(unknown)}; known: "
                                        f"{', '.join(INDICATORS)}")
    if not wanted:
        raise InputError(files[0].path.parent, "no tasmax, tasmin or pr files")
    if not ssps:
        raise InputError(files[0].path.parent, "no SSP files (only historical)")
    needed_set = {INDICATORS[n][3] for n in wanted}
    if "tas" in needed_set and "tas" not in present:
        needed_set = (needed_set - {"tas"}) | {"tasmax", "tasmin"}
    needed = sorted(needed_set)
    echo(f"xclim {xclim.__version__}: models {', '.join(model_names)}; scenarios "
         f"{', '.join(ssps)}; epochs " + ", ".join(f"{e} {a}-{b}" for e, (a, b) in epochs.items()))
    if "tas" not in needed and any(INDICATORS[n][3] == "tas" for n in wanted):
        echo("note: no tas files; daily mean temperature = (tasmax + tasmin) / 2 for degree days")
    # group files per (model, experiment, variable) and check completeness and grids
    groups: dict[tuple[str, str, str], list[DailyFile]] = {}
    for f in files:
        groups.setdefault((f.model, f.experiment, f.variable), []).append(f)
    for model in model_names:
        for exp in ["historical", *ssps]:
            for var in needed:
                if (model, exp, var) not in groups:
                    raise InputError(files[0].path.parent,
                                     f"no {var} files for model {model}, experiment {exp} "
                                     "(choose models with --model, scenarios with --scenario)")
    first_grid: tuple | None = None
    regridded: list[str] = []
    series: dict[tuple[str, str, str], xr.DataArray] = {}
    for model in model_names:
        ref: tuple | None = None
        for exp in ["historical", *ssps]:
            for var in needed:
                fs = groups[(model, exp, var)]
                da = _open_series(fs)
                key = grid_key(da)
                if first_grid is None:
                    first_grid = key
                if ref is None:
                    ref = key
                    if key != first_grid and regrid is None:
                        raise InputError(fs[0].path, f"grid (lat/lon) of model {model} differs "
                                                     f"from that of {model_names[0]}; use "
                                                     "--regrid nearest|bilinear or regrid the "
                                                     "inputs to one grid first")
                    if key != first_grid:
                        regridded.append(model)
                elif key != ref:
                    raise InputError(fs[0].path, f"grid (lat/lon) differs from the other files "
                                                 f"of model {model}; regrid the inputs to one "
                                                 "grid first")
                series[(model, exp, var)] = da
    target = series[(model_names[0], "historical", needed[0])]  # the grid models go onto
    if regrid is not None:
        echo(f"regrid ({regrid}) onto the grid of {model_names[0]}: "
             f"{', '.join(regridded) or 'no model needs it'}")
    # annual indicators per model and run (historical alone; historical + SSP)
    baseline_members: dict[str, list[xr.DataArray]] = {n: [] for n in wanted}
    future_members: dict[str, dict[str, dict[str, list[xr.DataArray]]]] = {
        n: {s: {"2030": [], "2050": []} for s in ssps} for n in wanted}
    for model in model_names:
        hist = {v: series[(model, "historical", v)] for v in needed}
        where = groups[(model, "historical", needed[0])][0].path
        annual = _onto(annual_indicators(hist, wanted), model in regridded, target, regrid)
        for name in wanted:
            baseline_members[name].append(
                epoch_mean(annual[name], "baseline", epochs["baseline"], where))
        for ssp in ssps:
            joined = {}
            for v in needed:
                h, s = hist[v], series[(model, ssp, v)]
                h = h.sel(time=h["time"] < s["time"][0])
                joined[v] = xr.concat([h, s], dim="time")
            where = groups[(model, ssp, needed[0])][0].path
            annual = _onto(annual_indicators(joined, wanted), model in regridded, target, regrid)
            for name in wanted:
                for epoch in ("2030", "2050"):
                    future_members[name][ssp][epoch].append(
                        epoch_mean(annual[name], epoch, epochs[epoch], where))
        echo(f"{model}: indicators set up for historical and {', '.join(ssps)}")
    if len(model_names) > 1:
        echo(f"quantiles {', '.join(f'{q:g}' for q in quantiles)} across "
             f"{len(model_names)} models")
    products = sorted({f.product for f in files})
    used_files = [f.path for f in files if f.experiment in ("historical", *ssps)]
    source_files = provenance(used_files)
    regrid_attrs = {} if regrid is None else {
        "climrisk_regrid": _describe_regrid(regrid, model_names[0], target, regridded)}
    written = []
    for name in wanted:
        hazard, units, long_name, _ = INDICATORS[name]
        base = ensemble_quantiles(baseline_members[name], model_names, quantiles)
        future = {s: {e: ensemble_quantiles(future_members[name][s][e], model_names, quantiles)
                      for e in ("2030", "2050")} for s in ssps}
        data = stack_scenarios(base, future)
        ds = contract_dataset(
            data, hazard=hazard, indicator=name, units=units, long_name=long_name,
            kind="chronic_index",
            title=f"{long_name} from daily {', '.join(products)} data",
            institution="climate model data from the sources named; converted with climrisk",
            source=f"daily {', '.join(products)} netCDF, models {', '.join(model_names)}",
            references="; ".join([_CITATION[p] for p in products] + [_XCLIM_REF]),
            license="; ".join(_LICENSE[p] for p in products),
            command="cmip6-daily",
            source_files=source_files,
            comment=("Annual values averaged over the years of each epoch; SSP runs are "
                     "appended to the historical run of the same model. Baseline is the "
                     "historical run, the same for every scenario."),
            epoch_periods={e: f"{a}-{b}" for e, (a, b) in epochs.items()},
            extra_attrs={
                "climrisk_xclim_version": xclim.__version__,
                "climrisk_method": _XCLIM_CALLS[name] + ", freq='YS'; mean over epoch years",
                "climrisk_models": ", ".join(model_names),
                "climrisk_daily_mean_temperature": (
                    "tas" if "tas" in needed else "(tasmax + tasmin) / 2"),
                **regrid_attrs,
            },
        )
        echo(f"computing {hazard}__{name} ...")
        target = write_layer(ds, out_dir)
        echo(f"wrote {target} ({', '.join(map(str, ds[name].dims))} = "
             f"{', '.join(map(str, ds[name].shape))})")
        written.append(target)
    return written


def _onto(annual: dict[str, xr.DataArray], needed: bool, target: xr.DataArray,
          regrid: str | None) -> dict[str, xr.DataArray]:
    """Interpolate annual indicators onto ``target``'s lat/lon when ``needed``."""
    if not needed or regrid is None:
        return annual
    return {name: _interp(da, target, REGRID_METHODS[regrid]) for name, da in annual.items()}


def _interp(da: xr.DataArray, target: xr.DataArray, method: str) -> xr.DataArray:
    """``da`` (year, lat, lon) interpolated onto ``target``'s lat/lon (NaN outside ``da``)."""
    lat_t, lon_t = target["lat"].values, target["lon"].values
    lon_s = da["lon"].values
    if lon_t.min() < 0 and lon_s.max() > 180:  # bring the source into the target's convention
        lon_s = (lon_s + 180.0) % 360.0 - 180.0
    elif lon_t.max() > 180 and lon_s.min() < 0:
        lon_s = lon_s % 360.0
    src = da.assign_coords(lon=lon_s).sortby("lat").sortby("lon")
    if src.chunks is not None:
        src = src.chunk({"lat": -1, "lon": -1})
    kwargs = {"fill_value": None} if method == "nearest" else {}
    out = src.interp(lat=lat_t, lon=lon_t, method=method, kwargs=kwargs)
    if method == "nearest":  # no values beyond the outer cells' edges (half a cell spacing)
        inside = None
        for dim, values in (("lat", lat_t), ("lon", lon_t)):
            coords = src[dim].values
            half = float(np.min(np.diff(coords))) / 2.0 if coords.size > 1 else 0.0
            ok = xr.DataArray((values >= coords[0] - half - 1e-9)
                              & (values <= coords[-1] + half + 1e-9), dims=dim,
                              coords={dim: values})
            inside = ok if inside is None else inside & ok
        out = out.where(inside)
    return out.transpose("year", "lat", "lon")


def _describe_regrid(regrid: str, first: str, target: xr.DataArray, regridded: list[str]) -> str:
    """Text of the ``climrisk_regrid`` attribute."""
    lat, lon = target["lat"].values, target["lon"].values
    grid = (f"lat {lat.size} points {lat.min():g}..{lat.max():g}, lon {lon.size} points "
            f"{lon.min():g}..{lon.max():g}")
    done = ", ".join(regridded) if regridded else "none (all models on one grid)"
    return (f"{regrid} (xarray interp method {REGRID_METHODS[regrid]!r}) onto the grid of "
            f"{first} ({grid}); models interpolated: {done}")
