"""Import WRI Aqueduct Floods v2 GeoTIFFs into contract files.

Riverine: ``inunriver_{scenario}_{model}_{year}_rp{RP:05d}.tif`` with the model padded to 14
characters with zeros (``000000000WATCH`` for the historical run, year 1980; GCMs
``00000NorESM1-M``, ``0000GFDL-ESM2M``, ``0000HadGEM2-ES``, ``00IPSL-CM5A-LR``,
``MIROC-ESM-CHEM``). Coastal:
``inuncoast_{scenario}_{wtsub|nosub}_{year|hist}_rp{RP:04d}_{slr}.tif`` where ``slr`` is
``0`` (95th percentile sea-level rise), ``0_perc_05`` or ``0_perc_50``.

The output is ``riverine_flood__flood_depth.nc`` and ``coastal_flood__flood_depth.nc``:
historical -> ``baseline`` (copied to every scenario), 2030 -> ``"2030"``, 2050 -> ``"2050"``
(2080 is not a climrisk epoch and is left out). Aqueduct Floods is driven by CMIP5 RCPs; an RCP is
used for an SSP only through an explicit mapping that is printed and stored in the file
(default ``rcp4p5 -> ssp126``, ``rcp8p5 -> ssp370``, an approximation). Several GCMs become
quantiles across models; several sea-level-rise percentiles become the coastal quantiles.

References
----------
.. [1] P. J. Ward, H. C. Winsemius, S. Kuzma, M. F. P. Bierkens, A. Bouwman, H. de Moel,
   A. Díaz Loaiza, et al., "Aqueduct Floods Methodology", Technical Note, World Resources
   Institute, Washington, D.C., 2020. https://www.wri.org/research/aqueduct-floods-methodology
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard.layer import EPOCH_PERIODS
from climrisk.io.atomic import atomic_file
from climrisk.io.hashing import file_sha256

__all__ = [
    "DEFAULT_SCENARIO_MAP",
    "AqueductFile",
    "find_aqueduct_files",
    "import_aqueduct_floods",
    "parse_aqueduct_name",
    "parse_scenario_map",
]

DEFAULT_SCENARIO_MAP: dict[str, str] = {"rcp4p5": "ssp126", "rcp8p5": "ssp370"}
"""RCP -> SSP used unless the user gives another mapping (an approximation, printed on import)."""

_CITATION = (
    "Ward, P.J., Winsemius, H.C., Kuzma, S., Bierkens, M.F.P., Bouwman, A., de Moel, H., "
    "Diaz Loaiza, A., et al. (2020). Aqueduct Floods Methodology. Technical Note. World "
    "Resources Institute, Washington, D.C. https://www.wri.org/research/aqueduct-floods-methodology"
)
_SOURCE_URL = "https://wri-projects.s3.amazonaws.com/AqueductFloodTool/download/v2/"
_RIVER = re.compile(
    r"^inunriver_(?P<scenario>historical|rcp\dp\d)_(?P<model>[0-9A-Za-z-]{14})_"
    r"(?P<year>\d{4})_rp(?P<rp>\d{5})\.tif$"
)
_COAST = re.compile(
    r"^inuncoast_(?P<scenario>historical|rcp\dp\d)_(?P<model>wtsub|nosub)_"
    r"(?P<year>\d{4}|hist)_rp(?P<rp>\d{4})_(?P<slr>0(?:_perc_\d{2})?)\.tif$"
)
_SLR_PERCENTILE = {"0": 95.0}  # "_0" is the 95th percentile of sea-level rise (Aqueduct v2)
_EPOCH_OF_YEAR = {2030: "2030", 2050: "2050"}


@dataclass(frozen=True)
class AqueductFile:
    """One parsed Aqueduct Floods file name."""

    path: Path
    hazard: str
    scenario: str
    model: str
    year: int | None
    return_period: float
    slr_percentile: float | None

    @property
    def epoch(self) -> str | None:
        """The climrisk epoch, or ``None`` for years that are not a climrisk epoch (2080)."""
        if self.scenario == "historical":
            return "baseline"
        return _EPOCH_OF_YEAR.get(self.year) if self.year is not None else None


def parse_aqueduct_name(path: str | Path) -> AqueductFile:
    """Parse an Aqueduct Floods v2 file name.

    Raises
    ------
    climrisk.errors.InputError
        The name follows neither the riverine nor the coastal pattern.
    """
    path = Path(path)
    m = _RIVER.match(path.name)
    if m:
        return AqueductFile(path, "riverine_flood", m["scenario"], m["model"].lstrip("0"),
                            int(m["year"]), float(m["rp"]), None)
    m = _COAST.match(path.name)
    if m:
        slr = m["slr"]
        pct = _SLR_PERCENTILE.get(slr, float(slr.rsplit("_", 1)[-1]) if "perc" in slr else None)
        year = None if m["year"] == "hist" else int(m["year"])
        return AqueductFile(path, "coastal_flood", m["scenario"], m["model"], year,
                            float(m["rp"]), pct)
    raise InputError(path, "not an Aqueduct Floods v2 file name; expected "
                           "inunriver_{scenario}_{model14}_{year}_rp{RP:05d}.tif or "
                           "inuncoast_{scenario}_{wtsub|nosub}_{year|hist}_rp{RP:04d}_{slr}.tif")


def find_aqueduct_files(sources: Iterable[str | Path]) -> list[AqueductFile]:
    """Parse files given directly or found (``*.tif``) in given folders."""
    files: list[AqueductFile] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            files.extend(parse_aqueduct_name(p) for p in sorted(source.glob("*.tif")))
        elif source.exists():
            files.append(parse_aqueduct_name(source))
        else:
            raise InputError(source, "file or folder does not exist")
    return files


def parse_scenario_map(text: str | None) -> dict[str, str]:
    """Parse ``"rcp4p5=ssp126,rcp8p5=ssp370"``; ``None`` or empty gives the default."""
    if not text:
        return dict(DEFAULT_SCENARIO_MAP)
    mapping: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError("--scenario-map", f"{part!r} is not of the form rcpXpY=sspXYZ")
        mapping[key.strip()] = value.strip()
    return mapping


def _open(path: Path) -> xr.DataArray:
    import rioxarray

    da = rioxarray.open_rasterio(path, chunks={"x": 2048, "y": 2048}, masked=True)
    da = da.squeeze("band", drop=True)
    return da.drop_vars([c for c in da.coords if c not in ("x", "y")])


def _grid_key(da: xr.DataArray) -> tuple:
    return (da.shape, tuple(np.round(da.rio.transform(), 10)))


def _build(files: list[AqueductFile], hazard: str, scenario_map: Mapping[str, str],
           quantiles: Sequence[float], echo: Callable[[str], None]) -> xr.DataArray:
    """One lazily computed DataArray (scenario, epoch, return_period, [quantile], lat, lon)."""
    base = [f for f in files if f.epoch == "baseline"]
    if not base:
        raise InputError(files[0].path.parent, f"no historical {hazard} files (the baseline)")
    future = [f for f in files if f.epoch not in (None, "baseline") and f.scenario in scenario_map]
    scenarios = list(dict.fromkeys(scenario_map[f.scenario] for f in future))
    groups = [("baseline", None)] + [(e, s) for s in dict.fromkeys(f.scenario for f in future)
                                     for e in ("2030", "2050")]
    members: dict[tuple[str, str | None], list[AqueductFile]] = {
        (e, s): [f for f in (base if e == "baseline" else future)
                 if e == "baseline" or (f.scenario == s and f.epoch == e)]
        for e, s in groups
    }
    missing = [f"{s} {e}" for (e, s), fs in members.items() if not fs]
    if missing:
        raise InputError(files[0].path.parent, f"no {hazard} files for {', '.join(missing)}")
    rp_sets = [{f.return_period for f in fs} for fs in members.values()]
    rps = sorted(set.intersection(*rp_sets))
    dropped = sorted(set.union(*rp_sets) - set(rps))
    if dropped:
        echo(f"note: {hazard}: return periods {', '.join(f'{r:g}' for r in dropped)} are not "
             "available for every scenario and epoch and are left out")
    if not rps:
        raise InputError(files[0].path.parent, f"no {hazard} return period common to all files")
    ref_key = None
    epochs_data: dict[tuple[str, str | None], xr.DataArray] = {}
    spread: list[float] | None = None
    for key, fs in members.items():
        variants = sorted({(f.model if hazard == "riverine_flood" else f.slr_percentile)
                           for f in fs})
        stacks = []
        for variant in variants:
            by_rp = {f.return_period: f for f in fs
                     if (f.model if hazard == "riverine_flood" else f.slr_percentile) == variant}
            layers = []
            for rp in rps:
                if rp not in by_rp:
                    raise InputError(fs[0].path.parent, f"{hazard}: no file for return period "
                                                        f"{rp:g} of {variant} ({key[1] or key[0]})")
                da = _open(by_rp[rp].path)
                if ref_key is None:
                    ref_key = _grid_key(da)
                elif _grid_key(da) != ref_key:
                    raise InputError(by_rp[rp].path, "grid differs from the other files "
                                                     "(shape or transform)")
                layers.append(da)
            stacks.append(xr.concat(layers, dim="return_period"))
        stacked = xr.concat(stacks, dim="member").assign_coords(return_period=rps)
        if hazard == "riverine_flood" and key[0] != "baseline" and len(variants) > 1:
            stacked = stacked.chunk({"member": -1})
            q = stacked.quantile(list(quantiles), dim="member", skipna=True)
            epochs_data[key] = q.transpose("return_period", "quantile", "y", "x")
            spread = list(quantiles)
        elif hazard == "coastal_flood" and len(variants) > 1:
            stacked = stacked.assign_coords(member=[float(v) / 100.0 for v in variants])
            epochs_data[key] = stacked.rename(member="quantile").transpose(
                "return_period", "quantile", "y", "x")
            spread = [float(v) / 100.0 for v in variants]
        else:
            epochs_data[key] = stacked.isel(member=0, drop=True)
    per_scenario = []
    for scenario in dict.fromkeys(f.scenario for f in future):
        parts = []
        for epoch in ("baseline", "2030", "2050"):
            da = epochs_data[("baseline", None) if epoch == "baseline" else (epoch, scenario)]
            if spread is not None and "quantile" not in da.dims:
                da = da.expand_dims(quantile=spread, axis=1)
            elif spread is not None and len(da["quantile"]) != len(spread):
                raise InputError(files[0].path.parent, f"{hazard}: the {epoch} files have a "
                                                       "different set of quantiles")
            parts.append(da.assign_coords(quantile=spread) if spread is not None else da)
        per_scenario.append(xr.concat(parts, dim="epoch").assign_coords(
            epoch=["baseline", "2030", "2050"]))
    data = xr.concat(per_scenario, dim="scenario").assign_coords(scenario=scenarios)
    data = data.rename(y="lat", x="lon")
    if data["lat"].size > 1 and float(data["lat"][0]) > float(data["lat"][-1]):
        data = data.isel(lat=slice(None, None, -1))
    return data.astype(np.float32)


def _dataset(data: xr.DataArray, hazard: str, files: list[AqueductFile],
             scenario_map: Mapping[str, str], subsidence: str | None) -> xr.Dataset:
    used = ", ".join(f"{k}->{v}" for k, v in scenario_map.items())
    long_name = {"riverine_flood": "riverine inundation depth",
                 "coastal_flood": "coastal inundation depth including sea-level rise"}[hazard]
    var = data.rename("flood_depth")
    var.attrs = {"units": "m", "long_name": long_name}
    var["lat"].attrs.update(units="degrees_north", standard_name="latitude")
    var["lon"].attrs.update(units="degrees_east", standard_name="longitude")
    var["return_period"].attrs.update(units="year", long_name="return period")
    if "quantile" in var.dims:
        var["quantile"].attrs["long_name"] = (
            "quantile across climate models (GCMs)" if hazard == "riverine_flood"
            else "sea-level-rise percentile / 100 of the projection used")
    provenance = "\n".join(f"{f.path.name} sha256:{file_sha256(f.path)}" for f in files)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    attrs = {
        "title": f"{long_name} from WRI Aqueduct Floods v2",
        "institution": "World Resources Institute (data); converted with climrisk",
        "source": f"WRI Aqueduct Floods v2 GeoTIFFs ({_SOURCE_URL})",
        "references": _CITATION,
        "license": "CC BY 4.0 (World Resources Institute); attribute WRI Aqueduct Floods",
        "history": f"{now}: converted by climrisk hazards import aqueduct-floods",
        "Conventions": "CF-1.8",
        "climrisk_hazard": hazard,
        "climrisk_indicator": "flood_depth",
        "climrisk_kind": "acute_return_period",
        "climrisk_illustrative": "false",
        "climrisk_scenario_map": used,
        "climrisk_source_files": provenance,
        "source_epochs": "baseline <- Aqueduct historical run (year label 1980 riverine, 'hist' "
                         "coastal); 2030 <- Aqueduct 2030; 2050 <- Aqueduct 2050; Aqueduct's own "
                         "periods are given in Ward et al. (2020)",
        "comment": f"CMIP5 RCP scenarios stand in for SSPs through the mapping {used}; this is an "
                   "approximation. The baseline is the same historical run for every scenario.",
        **{f"epoch_{e}": p for e, p in EPOCH_PERIODS.items()},
    }
    if subsidence is not None:
        attrs["coastal_subsidence"] = subsidence
    return xr.Dataset({"flood_depth": var}, attrs=attrs)


def _write(ds: xr.Dataset, target: Path) -> None:
    """Write atomically: a temporary file beside the target, then rename."""
    shape = ds["flood_depth"].shape
    chunks = tuple([1] * (len(shape) - 2) + [min(shape[-2], 512), min(shape[-1], 512)])
    encoding = {"flood_depth": {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan),
                                "chunksizes": chunks, "dtype": "float32"}}
    with atomic_file(target) as tmp:
        ds.to_netcdf(tmp, encoding=encoding)


def import_aqueduct_floods(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scenario_map: Mapping[str, str] | None = None,
    models: Sequence[str] | None = None,
    subsidence: str = "wtsub",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert Aqueduct Floods v2 GeoTIFFs into climrisk contract files.

    Parameters
    ----------
    sources
        GeoTIFF files and/or folders holding them (read lazily with rioxarray).
    out_dir
        Folder for ``riverine_flood__flood_depth.nc`` / ``coastal_flood__flood_depth.nc``.
    scenario_map
        RCP -> SSP mapping (default :data:`DEFAULT_SCENARIO_MAP`); RCPs not in it are skipped.
    models
        Riverine GCMs to use (names without zero padding, e.g. ``NorESM1-M``); default all.
    subsidence
        Coastal projections ``wtsub`` (with land subsidence) or ``nosub``; the historical run
        is ``nosub`` in Aqueduct and is used as the baseline either way.
    quantiles
        Quantiles across GCMs for the riverine layer when several GCMs are given.
    echo
        Where the scenario mapping and notes are printed.

    Returns
    -------
    list of Path
        The files written.
    """
    scenario_map = dict(scenario_map or DEFAULT_SCENARIO_MAP)
    files = find_aqueduct_files(sources)
    if not files:
        raise InputError(", ".join(map(str, sources)), "no Aqueduct Floods GeoTIFF found")
    echo("scenario mapping (RCP -> SSP, an approximation): "
         + ", ".join(f"{k} -> {v}" for k, v in scenario_map.items()))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    skipped = sorted({f.scenario for f in files
                      if f.scenario != "historical" and f.scenario not in scenario_map})
    if skipped:
        echo(f"note: scenarios without a mapping are left out: {', '.join(skipped)}")
    if any(f.year == 2080 for f in files):
        echo("note: 2080 files are left out (climrisk epochs are baseline, 2030 and 2050)")
    written = []
    for hazard in ("riverine_flood", "coastal_flood"):
        chosen = [f for f in files if f.hazard == hazard]
        if hazard == "riverine_flood" and models:
            wanted = set(models)
            chosen = [f for f in chosen if f.scenario == "historical" or f.model in wanted]
        if hazard == "coastal_flood":
            hist = {f.model for f in chosen if f.scenario == "historical"}
            hist_model = subsidence if subsidence in hist else "nosub"
            chosen = [f for f in chosen if f.model == (
                hist_model if f.scenario == "historical" else subsidence)]
        if not chosen:
            continue
        data = _build(chosen, hazard, scenario_map, quantiles, echo)
        used = [f for f in chosen if f.epoch is not None
                and (f.scenario == "historical" or f.scenario in scenario_map)]
        ds = _dataset(data, hazard, used, scenario_map,
                      subsidence if hazard == "coastal_flood" else None)
        target = out / f"{hazard}__flood_depth.nc"
        _write(ds, target)
        echo(f"wrote {target} ({', '.join(map(str, ds['flood_depth'].dims))} = "
             f"{', '.join(map(str, ds['flood_depth'].shape))})")
        written.append(target)
    return written
