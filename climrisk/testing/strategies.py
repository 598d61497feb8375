"""Hypothesis strategies for hazard property tests (public, like ``xarray.testing.strategies``).

Requires the ``hypothesis`` package (a test dependency).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from hypothesis import strategies as st

from climrisk.hazard.layer import EPOCHS

__all__ = [
    "epoch_arrays",
    "horizon_mappings",
    "horizon_years",
    "intensities",
    "lonlat_points",
]


def horizon_years(min_year: int = 1950, max_year: int = 2150) -> st.SearchStrategy[int]:
    """Calendar years, including years before the baseline and after the last epoch."""
    return st.integers(min_value=min_year, max_value=max_year)


def horizon_mappings(max_size: int = 4) -> st.SearchStrategy[dict[str, int]]:
    """Horizon name -> year mappings such as ``{"short": 2027, "long": 2050}``."""
    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
    return st.dictionaries(names, horizon_years(), min_size=1, max_size=max_size)


def intensities(allow_nan: bool = False) -> st.SearchStrategy[float]:
    """Hazard intensities of a realistic magnitude (0 to 1e4), optionally NaN."""
    finite = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)
    return st.one_of(finite, st.just(float("nan"))) if allow_nan else finite


@st.composite
def epoch_arrays(draw: Any, n_assets: int | None = None, allow_nan: bool = False) -> xr.DataArray:
    """DataArray with dims (asset, epoch) over the contract's epochs."""
    n = n_assets if n_assets is not None else draw(st.integers(min_value=1, max_value=5))
    values = draw(st.lists(intensities(allow_nan), min_size=n * len(EPOCHS),
                           max_size=n * len(EPOCHS)))
    return xr.DataArray(np.asarray(values, dtype=np.float64).reshape(n, len(EPOCHS)),
                        dims=("asset", "epoch"),
                        coords={"asset": np.arange(n), "epoch": list(EPOCHS)},
                        attrs={"units": "m"})


@st.composite
def lonlat_points(draw: Any, min_size: int = 1, max_size: int = 50,
                  lon_range: tuple[float, float] = (-180.0, 180.0),
                  lat_range: tuple[float, float] = (-90.0, 90.0)
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Arrays (lon, lat) of points [degrees] within the given ranges."""
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    lon = draw(st.lists(st.floats(*lon_range, allow_nan=False), min_size=n, max_size=n))
    lat = draw(st.lists(st.floats(*lat_range, allow_nan=False), min_size=n, max_size=n))
    return np.asarray(lon), np.asarray(lat)
