"""Import WRI Aqueduct 4.0 baseline water stress into a gridded contract layer.

Inputs: the baseline table ``Aqueduct40_baseline_annual_y2023m07d05.csv`` (``pfaf_id``,
``bws_raw``, ``bws_cat``, ...; one row per basin x aquifer x admin unit, so a basin repeats),
the future table ``Aqueduct40_future_annual_y2023m07d05.csv`` (``pfaf_id``,
``{opt,bau,pes}{30,50,80}_ws_x_r``, one row per basin) and the HydroBASINS level-6 basin
polygons (GeoPackage or shapefile with a ``pfaf_id`` column; e.g. a layer of WRI's
``Aq40_Y2023D07M05.gdb`` exported to GeoPackage). The tables hold no geometry, so the basins are
burned into a regular latitude/longitude grid (cell centre inside a polygon,
``rasterio.features.rasterize``) at a chosen resolution (default 0.25 degree).

The output ``water_stress__water_stress_ratio.nc`` holds the raw water-stress ratio
(withdrawals / available renewable blue water): ``bws_raw`` for the baseline, ``{scen}30_ws_x_r``
for "2030" and ``{scen}50_ws_x_r`` for "2050"; 2080 is not a climrisk epoch. Aqueduct's scenarios
map to SSPs as ``opt -> ssp126`` (optimistic, SSP1 RCP2.6), ``bau -> ssp370``
(business as usual, SSP3 RCP7.0) and ``pes -> ssp585`` (pessimistic, SSP5 RCP8.5) [1]_; the
mapping is printed and stored and can be changed. Aqueduct's no-data value -9999 becomes NaN.

References
----------
.. [1] S. Kuzma, M. F. P. Bierkens, S. Lakshman, T. Luo, L. Saccoccia, E. H. Sutanudjaja and
   R. Van Beek, "Aqueduct 4.0: Updated decision-relevant global water risk indicators",
   Technical Note, World Resources Institute, Washington, D.C., 2023.
   doi:10.46830/writn.23.00061
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from climrisk.errors import InputError
from climrisk.hazard.importers._common import (
    contract_dataset,
    expand_sources,
    format_mapping,
    provenance,
    stack_scenarios,
    write_layer,
)

__all__ = ["DEFAULT_SCENARIO_MAP", "import_aqueduct_water", "rasterize_basins", "read_basins"]

DEFAULT_SCENARIO_MAP: dict[str, str] = {"opt": "ssp126", "bau": "ssp370", "pes": "ssp585"}
"""Aqueduct 4.0 future scenario -> SSP (Kuzma et al. 2023, doi:10.46830/writn.23.00061)."""

_CITATION = (
    "Kuzma, S., Bierkens, M.F.P., Lakshman, S., Luo, T., Saccoccia, L., Sutanudjaja, E.H., "
    "Van Beek, R. (2023). Aqueduct 4.0: Updated decision-relevant global water risk indicators. "
    "Technical Note. World Resources Institute, Washington, D.C. doi:10.46830/writn.23.00061"
)
_NODATA = -9999.0
_EPOCH_YEAR = {"2030": "30", "2050": "50"}


def _read_table(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    try:
        header = pd.read_csv(path, nrows=0).columns
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(path, f"cannot be read as CSV: {exc}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}")
    table = pd.read_csv(path, usecols=list(columns))
    for column in columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise InputError(path, f"column {column} is not numeric", column=column)
    return table


def _per_basin(table: pd.DataFrame, column: str, path: Path,
               echo: Callable[[str], None]) -> pd.Series:
    """One value per pfaf_id (rows of a basin repeat in the baseline table); -9999 -> NaN."""
    values = table[column].astype(np.float64).where(lambda s: s != _NODATA)
    grouped = values.groupby(table["pfaf_id"].astype(np.int64))
    spread = (grouped.max() - grouped.min()).fillna(0.0)
    if (spread > 1e-9 * grouped.max().abs().fillna(1.0).clip(lower=1.0)).any():
        echo(f"note: {path.name}: {column} differs between rows of {int((spread > 0).sum())} "
             "basin(s); the mean is used")
    return grouped.mean()


def read_basins(path: str | Path):
    """Basin polygons with ``pfaf_id`` in EPSG:4326 (reprojected if needed).

    Raises
    ------
    climrisk.errors.InputError
        The file cannot be read, has no ``pfaf_id`` column, no CRS or no polygons.
    """
    import geopandas as gpd

    path = Path(path)
    try:
        basins = gpd.read_file(path, columns=["pfaf_id"])
    except Exception as exc:  # any driver error means the file is unusable
        raise InputError(path, f"cannot be read as a vector file: {exc}") from None
    if "pfaf_id" not in basins.columns:
        raise InputError(path, "has no pfaf_id column (HydroBASINS level-6 basin id)")
    ids = pd.to_numeric(basins["pfaf_id"], errors="coerce")
    if ids.isna().any():
        raise InputError(path, "pfaf_id has empty or non-numeric values", column="pfaf_id")
    basins["pfaf_id"] = ids.astype(np.int64)
    if basins.crs is None:
        raise InputError(path, "has no coordinate reference system")
    if not basins.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise InputError(path, "holds geometries that are not polygons")
    if not basins.crs.equals("EPSG:4326"):
        basins = basins.to_crs("EPSG:4326")
    return basins


def rasterize_basins(basins, resolution: float) -> xr.DataArray:
    """Grid of ``pfaf_id`` (cell centre inside the polygon; -1 outside), dims (lat, lon).

    The grid is aligned to multiples of ``resolution`` [degrees] and covers the basins.
    """
    from affine import Affine
    from rasterio.features import rasterize

    west, south, east, north = basins.total_bounds
    west = np.floor(west / resolution) * resolution
    south = np.floor(south / resolution) * resolution
    east = np.ceil(east / resolution) * resolution
    north = np.ceil(north / resolution) * resolution
    width = round((east - west) / resolution)
    height = round((north - south) / resolution)
    transform = Affine(resolution, 0.0, west, 0.0, -resolution, north)
    index = rasterize(((geom, i) for i, geom in enumerate(basins.geometry)),
                      out_shape=(height, width), transform=transform, fill=-1, dtype="int32")
    pfaf = np.where(index >= 0, basins["pfaf_id"].to_numpy(np.int64)[index], -1)
    lat = north - resolution * (np.arange(height) + 0.5)
    lon = west + resolution * (np.arange(width) + 0.5)
    return xr.DataArray(pfaf[::-1], dims=("lat", "lon"),
                        coords={"lat": lat[::-1], "lon": lon}, name="pfaf_id")


def _to_grid(pfaf: xr.DataArray, values: pd.Series) -> xr.DataArray:
    lookup = values.reindex(pfaf.values.ravel()).to_numpy(np.float64).reshape(pfaf.shape)
    return xr.DataArray(lookup, dims=pfaf.dims, coords=pfaf.coords)


def import_aqueduct_water(
    sources: Sequence[str | Path],
    out_dir: str | Path,
    *,
    basins: str | Path | None = None,
    resolution: float = 0.25,
    scenario_map: Mapping[str, str] | None = None,
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """Convert Aqueduct 4.0 baseline and future water stress into a gridded contract file.

    Parameters
    ----------
    sources
        The baseline and future CSV tables (and the basins file if ``basins`` is not given),
        or folders holding them.
    out_dir
        Folder for ``water_stress__water_stress_ratio.nc``.
    basins
        GeoPackage/shapefile of HydroBASINS level-6 polygons with ``pfaf_id``.
    resolution
        Output grid spacing [degrees].
    scenario_map
        Aqueduct scenario (``opt``, ``bau``, ``pes``) -> SSP; default
        :data:`DEFAULT_SCENARIO_MAP`. Scenarios not in it are left out.
    echo
        Where the mapping and progress lines are printed.

    Returns
    -------
    list of Path
        The file written.

    References
    ----------
    .. [1] Kuzma et al. (2023), Aqueduct 4.0 technical note. doi:10.46830/writn.23.00061
    """
    scenario_map = dict(DEFAULT_SCENARIO_MAP if scenario_map is None else scenario_map)
    unknown = [k for k in scenario_map if k not in DEFAULT_SCENARIO_MAP]
    if unknown:
        raise InputError("--scenario-map", f"unknown Aqueduct scenario(s) {', '.join(unknown)}; "
                                           "Aqueduct 4.0 has opt, bau and pes")
    if not resolution > 0:
        raise InputError("--resolution", "must be a positive number of degrees")
    files = expand_sources(sources, ["*.csv", "*.gpkg", "*.shp", "*.geojson"])
    baseline = [p for p in files if p.name.startswith("Aqueduct40_baseline_annual")]
    future = [p for p in files if p.name.startswith("Aqueduct40_future_annual")]
    vectors = [p for p in files if p.suffix.lower() in (".gpkg", ".shp", ".geojson")]
    other = [p for p in files if p not in baseline + future + vectors]
    if other:
        raise InputError(other[0], "not an Aqueduct 4.0 table (Aqueduct40_baseline_annual_*.csv "
                                   "or Aqueduct40_future_annual_*.csv) nor a basins file")
    if len(baseline) != 1:
        raise InputError(", ".join(map(str, sources)),
                         "give exactly one Aqueduct40_baseline_annual_*.csv "
                         f"({len(baseline)} found)")
    if len(future) != 1:
        raise InputError(", ".join(map(str, sources)),
                         f"give exactly one Aqueduct40_future_annual_*.csv ({len(future)} found)")
    if basins is None:
        if len(vectors) != 1:
            raise InputError(", ".join(map(str, sources)),
                             "give the HydroBASINS level-6 basins (GeoPackage or shapefile with "
                             "pfaf_id) with --basins; the Aqueduct tables hold no geometry")
        basins = vectors[0]
    basins = Path(basins)
    echo("scenario mapping (Aqueduct 4.0 -> SSP): " + format_mapping(scenario_map, " -> "))
    base_table = _read_table(baseline[0], ["pfaf_id", "bws_raw", "bws_cat"])
    columns = [f"{s}{_EPOCH_YEAR[e]}_ws_x_r" for s in scenario_map for e in ("2030", "2050")]
    fut_table = _read_table(future[0], ["pfaf_id", *columns])
    echo(f"read {baseline[0].name} ({len(base_table)} rows) and {future[0].name} "
         f"({len(fut_table)} rows)")
    arid = int((base_table["bws_cat"] == -1).sum())
    if arid:
        echo(f"note: {arid} baseline row(s) are Aqueduct class -1 (arid and low water use); "
             "their bws_raw is kept as given")
    shapes = read_basins(basins)
    pfaf = rasterize_basins(shapes, resolution)
    echo(f"rasterised {len(shapes)} basins from {basins.name} onto a {resolution:g} degree grid "
         f"({pfaf.sizes['lat']} x {pfaf.sizes['lon']})")
    base_grid = _to_grid(pfaf, _per_basin(base_table, "bws_raw", baseline[0], echo))
    fut: dict[str, dict[str, xr.DataArray]] = {}
    for scen, ssp in scenario_map.items():
        fut[ssp] = {e: _to_grid(pfaf, _per_basin(fut_table, f"{scen}{_EPOCH_YEAR[e]}_ws_x_r",
                                                 future[0], echo))
                    for e in ("2030", "2050")}
    data = stack_scenarios(base_grid, fut)
    used = format_mapping(scenario_map)
    ds = contract_dataset(
        data, hazard="water_stress", indicator="water_stress_ratio", units="1",
        long_name="baseline water stress: withdrawals / available renewable blue water",
        kind="chronic_index", title="Water stress ratio from WRI Aqueduct 4.0",
        institution="World Resources Institute (data); converted with climrisk",
        source="WRI Aqueduct 4.0 annual baseline and future tables (bws_raw, "
               "{scen}{30,50}_ws_x_r) on HydroBASINS level-6 basins",
        references=_CITATION,
        license="CC BY 4.0 (World Resources Institute); attribute WRI Aqueduct 4.0",
        command="aqueduct-water",
        source_files=provenance([baseline[0], future[0], basins]),
        comment=(f"Aqueduct scenarios stand in for SSPs through the mapping {used}. Basin "
                 f"values burned into a {resolution:g} degree grid (cell centre in basin). "
                 "Aqueduct class -1 (arid and low water use) keeps its bws_raw."),
        extra_attrs={
            "climrisk_scenario_map": used,
            "climrisk_grid_resolution_deg": f"{resolution:g}",
            "source_epochs": "baseline <- Aqueduct 4.0 baseline (1979-2019); 2030 <- "
                             "{scen}30 (2015-2045); 2050 <- {scen}50 (2035-2065); Kuzma et al. "
                             "(2023)",
        },
    )
    target = write_layer(ds, out_dir)
    echo(f"wrote {target} (scenario, epoch, lat, lon = "
         f"{', '.join(map(str, ds['water_stress_ratio'].shape))})")
    return [target]
