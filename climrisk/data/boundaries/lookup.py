"""The country of each cell of a grid, derived from the country boundaries for fast lookups.

:func:`climrisk.portfolio.countries.countries_at` gives a point inside a country polygon that
country. ``cell_countries.parquet``, built from the packaged boundaries by
``tools/boundaries/cell_countries.py`` (in the source tree, not installed), spares
most points that test: it holds the country of every cell of a :data:`CELL_DEG` grid that lies,
with a margin of :data:`CELL_MARGIN_DEG`, strictly inside exactly one polygon part and touches
no other, or "no country" where the cell touches no polygon at all; every other cell is "mixed"
and its points are tested polygon by polygon. (Column ``country``, int16, row by row from the
south-west corner: an index into the ``codes`` of the file's metadata, :data:`NO_COUNTRY` or
:data:`MIXED`.)

Usage, from a source checkout (``tools/boundaries/build.py`` runs it after writing the
boundaries)::

    python -m tools.boundaries.cell_countries [--boundaries PATH] [--output-dir DIR]

References
----------
Natural Earth, Admin 0 - Countries, 1:10m, version 5.1.1 (public domain).
"""

from __future__ import annotations

__all__ = ["CELL_DEG", "CELL_MARGIN_DEG", "MIXED", "NO_COUNTRY"]

CELL_DEG: float = 0.25
"""Cell size [degree] of the grid of ``cell_countries.parquet`` (a power of two: exact)."""

CELL_MARGIN_DEG: float = 1e-9
"""Margin [degree] added around each cell before it is classified, far more than the rounding
of ``floor((lon + 180) / CELL_DEG)`` (about 3e-14 degree) that puts a point in a cell."""

NO_COUNTRY: int = -1
"""Value of a cell that touches no polygon."""

MIXED: int = -2
"""Value of a cell whose points must be tested polygon by polygon."""
