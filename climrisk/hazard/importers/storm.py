"""Import STORM tropical-cyclone wind return-period maps into a contract layer.

Inputs are the STORM fixed-return-period GeoTIFF mosaics
``STORM_FIXED_RETURN_PERIODS_{MODEL}_{RP}_YR_RP.tif`` [1]_ [2]_: ``MODEL`` is ``constant`` for
the present climate (synthetic tracks resampled from IBTrACS 1980-2017) or one of the
HighResMIP models ``CMCC-CM2-VHR4``, ``CNRM-CM6-1-HR``, ``EC-Earth3P-HR``, ``HadGEM3-GC31-HM``
for the future climate (about 2050, 2015-2050, under SSP5-8.5 forcing). Values are the maximum
10-minute sustained wind speed at 10 m [m/s] for the return period ``RP`` [years].

Conversions and assumptions, all stored in the output attributes:

* 10-minute to 1-minute sustained wind: divide by 0.88 (WMO guidance for "at-sea" exposure,
  Harper et al. 2010, WMO/TD-No. 1555 [3]_), because climrisk's layer is a 1-minute wind.
* baseline <- ``constant``; "2050" <- the future models (0.1/0.5/0.9 quantiles across models
  when several are given); "2030" <- linear interpolation between the baseline and "2050" at
  the epoch centre years (2000, 2030, 2050), i.e. ``base + 0.6 * (future - base)``.
* STORM's future climate is SSP5-8.5 (HighResMIP); it is written under ``ssp370`` by default,
  an approximation that is printed and can be changed (``scenarios``).

References
----------
.. [1] N. Bloemendaal, I. D. Haigh, H. de Moel, S. Muis, R. J. Haarsma and J. C. J. H. Aerts,
   "Generation of a global synthetic tropical cyclone hazard dataset using STORM",
   Scientific Data 7, 40, 2020. doi:10.1038/s41597-020-0381-2
.. [2] N. Bloemendaal, H. de Moel, A. B. Martinez, S. Muis, I. D. Haigh, K. van der Wiel,
   R. J. Haarsma, P. J. Ward, M. J. Roberts, J. C. M. Dullaart and J. C. J. H. Aerts,
   "A globally consistent local-scale assessment of future tropical cyclone risk",
   Science Advances 8(17), eabm8438, 2022. doi:10.1126/sciadv.abm8438
.. [3] B. A. Harper, J. D. Kepert and J. D. Ginger, "Guidelines for converting between various
   wind averaging periods in tropical cyclone conditions", WMO/TD-No. 1555, World
   Meteorological Organization, Geneva, 2010.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard.importers._common import (
    contract_dataset,
    expand_sources,
    provenance,
    stack_scenarios,
    write_layer,
)

__all__ = [
    "CONTRACT_RETURN_PERIODS",
    "FUTURE_MODELS",
    "TEN_TO_ONE_MINUTE",
    "StormFile",
    "import_storm",
    "parse_storm_name",
]

TEN_TO_ONE_MINUTE = 0.88
"""1-minute wind = 10-minute wind / 0.88 (Harper et al. 2010, WMO/TD-No. 1555, at sea)."""
FUTURE_MODELS = ("CMCC-CM2-VHR4", "CNRM-CM6-1-HR", "EC-Earth3P-HR", "HadGEM3-GC31-HM")
CONTRACT_RETURN_PERIODS = (10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
_NAME = re.compile(r"^STORM_FIXED_RETURN_PERIODS_(?P<model>constant|" + "|".join(
    re.escape(m) for m in FUTURE_MODELS) + r")_(?P<rp>\d+)_YR_RP\.tif$")
_CITATION = (
    "Bloemendaal, N., et al. (2020). Generation of a global synthetic tropical cyclone hazard "
    "dataset using STORM. Scientific Data 7, 40. doi:10.1038/s41597-020-0381-2; "
    "Bloemendaal, N., et al. (2022). A globally consistent local-scale assessment of future "
    "tropical cyclone risk. Science Advances 8(17), eabm8438. doi:10.1126/sciadv.abm8438; "
    "Harper, B.A., Kepert, J.D., Ginger, J.D. (2010). Guidelines for converting between various "
    "wind averaging periods in tropical cyclone conditions. WMO/TD-No. 1555"
)
_SOURCE = ("STORM fixed-return-period maps, 4TU.ResearchData doi:10.4121/12705164 (present) and "
           "doi:10.4121/14510817 (future climate)")
_CENTRE = {"baseline": 2000, "2030": 2030, "2050": 2050}


@dataclass(frozen=True)
class StormFile:
    """One parsed STORM file name."""

    path: Path
    model: str
    return_period: float

    @property
    def present(self) -> bool:
        """``True`` for the present-climate (``constant``) maps."""
        return self.model == "constant"


def parse_storm_name(path: str | Path) -> StormFile:
    """Parse ``STORM_FIXED_RETURN_PERIODS_{MODEL}_{RP}_YR_RP.tif``.

    Raises
    ------
    climrisk.errors.InputError
        The name does not follow the pattern or names an unknown model.
    """
    path = Path(path)
    m = _NAME.match(path.name)
    if not m:
        raise InputError(path, "not a STORM file name; expected "
                               "STORM_FIXED_RETURN_PERIODS_{MODEL}_{RP}_YR_RP.tif with MODEL "
                               f"constant or one of {', '.join(FUTURE_MODELS)}")
    return StormFile(path, m["model"], float(m["rp"]))


def _open(path: Path) -> xr.DataArray:
    import rioxarray

    try:
        da = rioxarray.open_rasterio(path, chunks={"x": 2048, "y": 2048}, masked=True)
    except Exception as exc:  # any GDAL failure means the file is unusable
        raise InputError(path, f"cannot be read as a GeoTIFF: {exc}") from None
    if da.sizes.get("band", 1) != 1:
        raise InputError(path, f"has {da.sizes['band']} bands; expected 1")
    crs = da.rio.crs
    if crs is None:
        raise InputError(path, "has no coordinate reference system")
    if crs.to_epsg() != 4326:
        raise InputError(path, f"CRS is {crs}; expected EPSG:4326 (longitude/latitude)")
    da = da.squeeze("band", drop=True)
    da = da.drop_vars([c for c in da.coords if c not in ("x", "y")])
    return da.rename(y="lat", x="lon")


def _grid_key(da: xr.DataArray) -> tuple:
    return (da.shape, tuple(np.round(da.rio.transform(), 10)))


def import_storm(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scenarios: Sequence[str] = ("ssp370",),
    models: Sequence[str] | None = None,
    return_periods: Sequence[float] | None = None,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert STORM return-period GeoTIFFs into ``tropical_cyclone__max_wind_speed.nc``.

    Parameters
    ----------
    sources
        GeoTIFF files and/or folders holding them (read lazily with rioxarray).
    out_dir
        Folder for the output.
    scenarios
        Scenario labels under which STORM's future (SSP5-8.5, about 2050) is written; default
        ``ssp370`` (an approximation, printed).
    models
        Future models to use (default every one given).
    return_periods
        Return periods [years] to keep; default the contract's 10, 20, 50, 100, 200, 500, 1000
        that are present in every model.
    quantiles
        Quantiles across future models when several are given.
    echo
        Where the mapping and progress lines are printed.

    Returns
    -------
    list of Path
        The file written.

    References
    ----------
    .. [1] Bloemendaal et al. (2020), Sci. Data 7, 40. doi:10.1038/s41597-020-0381-2
    .. [2] Harper, Kepert and Ginger (2010), WMO/TD-No. 1555.
    """
    if not scenarios:
        raise InputError("--scenario", "give at least one scenario label")
    files = [parse_storm_name(p) for p in expand_sources(sources, ["*.tif"])]
    if not files:
        raise InputError(", ".join(map(str, sources)), "no STORM GeoTIFF found")
    if models:
        unknown = [m for m in models if m not in FUTURE_MODELS]
        if unknown:
            raise InputError("--model", f"unknown STORM model(s) {', '.join(unknown)}; known: "
                                        f"{', '.join(FUTURE_MODELS)}")
        files = [f for f in files if f.present or f.model in set(models)]
    present = {f.return_period: f for f in files if f.present}
    future_models = sorted({f.model for f in files if not f.present})
    where = files[0].path.parent
    if not present:
        raise InputError(where, "no present-climate file (STORM_FIXED_RETURN_PERIODS_constant_*)")
    if not future_models:
        raise InputError(where, "no future-climate files (one of " + ", ".join(FUTURE_MODELS)
                         + ")")
    by_model = {m: {f.return_period: f for f in files if f.model == m} for m in future_models}
    common = set(present).intersection(*(set(v) for v in by_model.values()))
    if return_periods:
        missing = sorted(set(map(float, return_periods)) - common)
        if missing:
            raise InputError(where, "return period(s) " + ", ".join(f"{r:g}" for r in missing)
                             + " missing for the present climate or a future model")
        rps = sorted(set(map(float, return_periods)))
    else:
        rps = sorted(common.intersection(CONTRACT_RETURN_PERIODS))
        if not rps:
            raise InputError(where, "none of the return periods 10, 20, 50, 100, 200, 500, 1000 "
                                    "is available for the present climate and every model")
    echo(f"scenario mapping: STORM future climate (SSP5-8.5, ~2050) -> {', '.join(scenarios)} "
         "(an approximation)")
    echo(f"10-minute -> 1-minute sustained wind: divide by {TEN_TO_ONE_MINUTE} "
         "(WMO/TD-No. 1555); 2030 = baseline + 0.6 x (2050 - baseline)")
    ref = None
    used: list[Path] = []

    def stack(chosen: dict[float, StormFile]) -> xr.DataArray:
        nonlocal ref
        layers = []
        for rp in rps:
            da = _open(chosen[rp].path)
            key = _grid_key(da)
            if ref is None:
                ref = key
            elif key != ref:
                raise InputError(chosen[rp].path, "grid differs from the other STORM files "
                                                  "(shape or transform); regridding is not "
                                                  "implemented")
            used.append(chosen[rp].path)
            layers.append(da)
        return xr.concat(layers, dim="return_period").assign_coords(return_period=rps)

    base = stack(present) / TEN_TO_ONE_MINUTE
    members = [stack(by_model[m]) / TEN_TO_ONE_MINUTE for m in future_models]
    echo(f"present climate + {len(future_models)} future model(s): {', '.join(future_models)}; "
         f"return periods {', '.join(f'{r:g}' for r in rps)}")
    if len(members) > 1:
        fut = xr.concat(members, dim="model").chunk({"model": -1}).quantile(
            list(quantiles), dim="model", skipna=False).transpose("return_period", "quantile",
                                                                  "lat", "lon")
        base = base.expand_dims(quantile=list(quantiles), axis=1)
    else:
        fut = members[0]
    weight = (_CENTRE["2030"] - _CENTRE["baseline"]) / (_CENTRE["2050"] - _CENTRE["baseline"])
    mid = base + weight * (fut - base)
    data = stack_scenarios(base, {s: {"2030": mid, "2050": fut} for s in scenarios})
    ds = contract_dataset(
        data, hazard="tropical_cyclone", indicator="max_wind_speed", units="m/s",
        long_name="maximum 1-minute sustained wind speed at 10 m for the return period",
        kind="acute_return_period",
        title="Tropical-cyclone wind return levels from STORM",
        institution="Vrije Universiteit Amsterdam, IVM (data); converted with climrisk",
        source=_SOURCE, references=_CITATION, license="CC0 1.0 (STORM datasets on 4TU)",
        command="storm", source_files=provenance(used),
        comment=("STORM 10-minute winds divided by 0.88 to give 1-minute winds (Harper et al. "
                 "2010, WMO/TD-No. 1555). STORM's future climate (HighResMIP SSP5-8.5, "
                 f"2015-2050) is written under {', '.join(scenarios)}, an approximation. "
                 "The 2030 epoch is interpolated linearly between present and future."),
        extra_attrs={
            "climrisk_wind_conversion": f"1-minute = 10-minute / {TEN_TO_ONE_MINUTE} "
                                        "(Harper et al. 2010, WMO/TD-No. 1555)",
            "climrisk_scenario_map": "STORM future (SSP5-8.5) -> " + ", ".join(scenarios),
            "climrisk_models": ", ".join(future_models),
            "source_epochs": "baseline <- STORM present climate (IBTrACS 1980-2017); 2050 <- "
                             "STORM future climate (2015-2050, ~2050); 2030 <- baseline + "
                             f"{weight:g} x (2050 - baseline), linear in epoch centre year",
        },
    )
    target = write_layer(ds, out_dir)
    echo(f"wrote {target} ({', '.join(map(str, ds['max_wind_speed'].dims))} = "
         f"{', '.join(map(str, ds['max_wind_speed'].shape))})")
    return [target]
