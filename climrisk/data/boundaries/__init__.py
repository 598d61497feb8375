"""Country boundaries (Natural Earth admin-0, public domain) shipped as GeoParquet.

The file is made by :mod:`climrisk.data.boundaries.build`; ``SOURCES.md`` in this folder records
the source package, the Natural Earth version and the exact build command. Read it through
:func:`climrisk.portfolio.countries.load_boundaries`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["BOUNDARIES_FILE", "boundaries_path"]

BOUNDARIES_FILE: str = "ne_10m_admin0_countries.parquet"
"""Name of the data file inside this package."""


def boundaries_path() -> Traversable:
    """Return the packaged boundaries file (a path-like resource)."""
    return files(__name__).joinpath(BOUNDARIES_FILE)
