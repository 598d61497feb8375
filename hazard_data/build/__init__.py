r"""Build the illustrative climrisk reference hazard pack from ``hazard_data/sources``.

Run from the repository root::

    python -m hazard_data.build                       # writes hazard_data/*.nc
    python -m hazard_data.build --only tropical_cyclone coastal_flood --out /tmp/pack
    python -m hazard_data.build --check               # also prints values at test places

One module per layer family (``heat_cold``, ``riverine_flood``, ``pluvial_flood``,
``coastal_flood``, ``tropical_cyclone``, ``landslide``, ``wildfire``, ``water_stress``,
``drought``) exposes ``SPECS`` (its :class:`~hazard_data.build.common.LayerSpec`\ s) and
``compute(ctx)`` (its values from the shared :class:`~hazard_data.build.common.Context`);
:mod:`hazard_data.build.common` holds the grids, readers, futures, climate, geography and the one
writer.  The methods, every assumed number and its source are documented in ``docs/hazards.md``
and in the ``comment``/``references`` attributes of each file.  The build is deterministic.

The one preparatory step that needs a file not in the repository is the aggregation of the
1-km Koppen-Geiger GeoTIFF (6 MB) to the committed 0.25 degree grid::

    python -m hazard_data.build --aggregate-koppen PATH/KG_simplified_uint8.tif
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

import xarray as xr

from hazard_data.build.common import PACK, SRC, Context, Grid, aggregate_koppen, write_layer

__all__ = ["FAMILIES", "build", "main"]

# Layer families in build order; each is a module of this package.
FAMILIES = [
    "heat_cold", "riverine_flood", "tropical_cyclone", "coastal_flood", "pluvial_flood",
    "landslide", "wildfire", "water_stress", "drought",
]
# Hazard names of the files -> the family that builds them.
HAZARD_FAMILY = {
    "extreme_heat": "heat_cold", "extreme_cold": "heat_cold",
    **{f: f for f in FAMILIES},
}

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
CHECK_PLACES = {
    "Riyadh": (24.71, 46.68), "Delhi": (28.61, 77.21), "London": (51.51, -0.13),
    "Singapore": (1.35, 103.82), "Harbin": (45.80, 126.53), "Yakutsk": (62.03, 129.73),
    "Manila": (14.60, 120.98), "Hong Kong": (22.30, 114.17), "Miami": (25.76, -80.19),
    "Frankfurt": (50.11, 8.68), "Madrid": (40.42, -3.70), "Dhaka": (23.81, 90.41),
    "Amsterdam": (52.37, 4.90), "Shanghai": (31.23, 121.47), "Denver": (39.74, -104.99),
    "Lhasa": (29.65, 91.14), "Los Angeles": (34.05, -118.24), "Perth": (-31.95, 115.86),
    "Beijing": (39.90, 116.40), "Houston": (29.76, -95.37), "Kolkata": (22.57, 88.36),
    "Guangzhou": (23.13, 113.26), "Kathmandu": (27.72, 85.32), "Cologne": (50.94, 6.96),
}




def _family(name: str) -> str:
    """Module name of a family or hazard name (``extreme_heat`` -> ``heat_cold``)."""
    try:
        return HAZARD_FAMILY[name]
    except KeyError:
        raise SystemExit(
            f"error: unknown hazard {name!r}; choose from {', '.join(sorted(HAZARD_FAMILY))}"
        ) from None


def build(
    out_dir: Path = PACK, only: list[str] | None = None, verbose: bool = True
) -> dict[str, Path]:
    """Build layers of the reference pack into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder for the ``{hazard}__{indicator}.nc`` files.
    only : list of str, optional
        Families or hazard names to build (default: all).
    verbose : bool
        Print progress and timings.

    Returns
    -------
    dict
        Layer key -> written path.
    """
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - t0:6.1f} s] {msg}", flush=True)

    wanted = {_family(n) for n in only} if only else set(FAMILIES)
    ctx = Context()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fam in FAMILIES:
        if fam not in wanted:
            continue
        mod = importlib.import_module(f"hazard_data.build.{fam}")
        vals = mod.compute(ctx)
        for name, spec in mod.SPECS.items():
            grid = Grid.make(spec.res)
            written[name] = write_layer(spec, grid, vals[name], ctx.fut, out_dir, ctx.hashes)
        log(fam)
    return written


def check(out_dir: Path, paths: list[Path] | None = None) -> None:
    """Print the median-quantile values at the check places."""
    rows = []
    files = paths if paths is not None else sorted(out_dir.glob("*__*.nc"))
    for f in files:
        with xr.open_dataset(f) as ds:
            var = ds[ds.attrs["climrisk_indicator"]]
            sel = var.sel(quantile=0.5)
            if "return_period" in sel.dims:
                sel = sel.sel(return_period=100.0)
            for place, (la, lo) in CHECK_PLACES.items():
                v = sel.sel(lat=la, lon=lo, method="nearest")
                b = float(v.sel(scenario="ssp370", epoch="baseline"))
                f50 = float(v.sel(scenario="ssp370", epoch="2050"))
                rows.append((f.stem, place, b, f50))
    cur = None
    for stem, place, b, f50 in rows:
        if stem != cur:
            print(f"\n{stem}  (baseline | ssp370 2050, q0.5, rp100 for acute)")
            cur = stem
        print(f"  {place:12s} {b:12.4g} {f50:12.4g}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(
        prog="python -m hazard_data.build", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--out", type=Path, default=PACK, help="output folder (default hazard_data)")
    ap.add_argument("--only", nargs="+", metavar="HAZARD",
                    help="build only these families or hazards (e.g. tropical_cyclone)")
    ap.add_argument("--check", action="store_true", help="print values at check places")
    ap.add_argument("--aggregate-koppen", type=Path, metavar="TIF",
                    help="only aggregate the 1-km Koppen GeoTIFF into sources/ and exit")
    args = ap.parse_args(argv)
    if args.aggregate_koppen:
        aggregate_koppen(args.aggregate_koppen, SRC / "koppen_beck2018" / "KG_main_groups_0p25.nc")
        return 0
    written = build(args.out, args.only)
    if args.check:
        check(args.out, sorted(written.values()))
    return 0
