"""Build ``cell_countries.parquet``: the country of each grid cell, from the boundaries file.

The table's layout and constants are described in :mod:`climrisk.data.boundaries.lookup`.

Usage, from a source checkout (``tools/boundaries/build.py`` runs it after writing the
boundaries)::

    python -m tools.boundaries.cell_countries [--boundaries PATH] [--output-dir DIR]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from climrisk.data.boundaries import BOUNDARIES_FILE, CELL_COUNTRIES_FILE, boundaries_path
from climrisk.data.boundaries.lookup import CELL_DEG, CELL_MARGIN_DEG, MIXED, NO_COUNTRY
from climrisk.io.hashing import file_sha256

__all__ = ["build_and_write", "build_cell_countries", "main"]

_PACKAGE_DATA = Path(__file__).resolve().parents[2] / "climrisk" / "data" / "boundaries"


def _classify(
    tree: shapely.STRtree,
    parts: np.ndarray,
    owner: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    size: float,
) -> np.ndarray:
    """Return the owner, :data:`NO_COUNTRY` or :data:`MIXED` of the cells at ``x0``, ``y0``.

    Cell ``i`` is ``[x0[i], x0[i] + size] x [y0[i], y0[i] + size]`` [degree], plus the margin.
    """
    m = CELL_MARGIN_DEG
    boxes = shapely.box(x0 - m, y0 - m, x0 + size + m, y0 + size + m)
    out = np.full(boxes.size, MIXED, dtype=np.int16)
    if parts.size == 0:
        out[:] = NO_COUNTRY
        return out
    box_i, part_i = tree.query(boxes, predicate="intersects")
    count = np.bincount(box_i, minlength=boxes.size)
    out[count == 0] = NO_COUNTRY
    single = count[box_i] == 1
    box_1, part_1 = box_i[single], part_i[single]
    inside = shapely.contains_properly(parts[part_1], boxes[box_1])
    out[box_1[inside]] = owner[part_1[inside]]
    return out


def build_cell_countries(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return the country of every :data:`CELL_DEG` cell, or no country, or mixed.

    A cell (grown by :data:`CELL_MARGIN_DEG` on every side) gets a country when it lies strictly
    inside one polygon part and touches no other part: every point there is inside that part
    alone. It gets :data:`NO_COUNTRY` when it touches no part, and :data:`MIXED` otherwise.
    Cells of one degree are classified first; only the mixed ones are split.

    Parameters
    ----------
    frame
        The country boundaries (``geometry`` (multi)polygons, EPSG:4326).

    Returns
    -------
    numpy.ndarray
        int16 ``(180 / CELL_DEG, 360 / CELL_DEG)``, rows from the south, columns from the west:
        the row of ``frame`` of the cell's country, :data:`NO_COUNTRY` or :data:`MIXED`.
    """
    parts, owner = shapely.get_parts(frame.geometry.to_numpy(), return_index=True)
    shapely.prepare(parts)
    tree = shapely.STRtree(parts)
    split = round(1.0 / CELL_DEG)
    coarse_row, coarse_col = np.divmod(np.arange(180 * 360), 360)
    coarse = _classify(tree, parts, owner, coarse_col - 180.0, coarse_row - 90.0, 1.0)
    out = np.repeat(np.repeat(coarse.reshape(180, 360), split, axis=0), split, axis=1)
    mixed = np.flatnonzero(coarse == MIXED)
    sub_row, sub_col = np.divmod(np.arange(split * split), split)
    row = (coarse_row[mixed, None] * split + sub_row[None, :]).ravel()
    col = (coarse_col[mixed, None] * split + sub_col[None, :]).ravel()
    out[row, col] = _classify(
        tree, parts, owner, col * CELL_DEG - 180.0, row * CELL_DEG - 90.0, CELL_DEG
    )
    return out


def build_and_write(boundaries: Path, output_dir: Path) -> int:
    """Build ``cell_countries.parquet`` from a boundaries GeoParquet file into ``output_dir``.

    Parameters
    ----------
    boundaries
        The boundaries file (as ``tools/boundaries/build.py`` writes it).
    output_dir
        Folder to write the table to (created if missing).

    Returns
    -------
    int
        The number of cells with one country.
    """
    frame = gpd.read_parquet(boundaries)
    cells = build_cell_countries(frame)
    provenance = {
        "derived_from": boundaries.name,
        "derived_from_sha256": file_sha256(boundaries),
        "licence": "public domain (derived from Natural Earth, "
        "https://www.naturalearthdata.com/about/terms-of-use/)",
        "cell_deg": repr(CELL_DEG),
        "cell_margin_deg": repr(CELL_MARGIN_DEG),
        "shape": list(cells.shape),
        "codes": frame["iso_a2"].astype(str).tolist(),
        "no_country": NO_COUNTRY,
        "mixed": MIXED,
    }
    table = pa.table({"country": cells.ravel()})
    table = table.replace_schema_metadata(
        {b"climrisk:source": json.dumps(provenance, sort_keys=True).encode()}
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / CELL_COUNTRIES_FILE
    pq.write_table(table, path, compression="zstd", compression_level=19)
    return int((cells >= 0).sum())


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: build the cell table from the boundaries file."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.boundaries.cell_countries",
        description="Build the cell table of climrisk.portfolio.countries.countries_at.",
    )
    parser.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help=f"boundaries GeoParquet (default: the packaged {BOUNDARIES_FILE})",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=_PACKAGE_DATA,
        help="where to write the table (default: this package)",
    )
    args = parser.parse_args(argv)
    source = args.boundaries if args.boundaries is not None else Path(str(boundaries_path()))
    cells = build_and_write(source, args.output_dir)
    print(f"wrote {args.output_dir / CELL_COUNTRIES_FILE} ({cells} cells with one country)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
