"""Country boundaries (Natural Earth admin-0, public domain) shipped as GeoParquet.

The file is made by ``tools/boundaries/build.py`` (source tree); ``SOURCES.md`` here records
the source package, the Natural Earth version and the exact build command. Read it through
:func:`climrisk.portfolio.countries.load_boundaries`. Beside it,
``tools/boundaries/cell_countries.py`` writes a table derived from it, the country of each grid
cell, that makes :func:`climrisk.portfolio.countries.countries_at` fast.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = [
    "BOUNDARIES_FILE",
    "CELL_COUNTRIES_FILE",
    "boundaries_path",
    "cell_countries_path",
]

BOUNDARIES_FILE: str = "ne_10m_admin0_countries.parquet"
"""Name of the data file inside this package."""

CELL_COUNTRIES_FILE: str = "cell_countries.parquet"
"""Name of the table of the country of each grid cell inside this package."""


def boundaries_path() -> Traversable:
    """Return the packaged boundaries file (a path-like resource)."""
    return files(__name__).joinpath(BOUNDARIES_FILE)


def cell_countries_path() -> Traversable:
    """Return the packaged table of the country of each grid cell (a path-like resource)."""
    return files(__name__).joinpath(CELL_COUNTRIES_FILE)
