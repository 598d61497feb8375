"""Electricity prices for large non-household consumers by pathway region (one shared table).

``electricity_prices.csv`` beside this module holds the 2024 level per region of the default
pathway table (US$/MWh, excluding VAT and explicit carbon-cost pass-through) with its source and
confidence. The physical side (cooling energy cost) and the transition side (the 2025 level of
the default pathway table's ``Price|Secondary Energy|Electricity``) both read it, so that the two
never use different prices for the same site.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "ELECTRICITY_PRICE_FILE",
    "electricity_price_for_countries",
    "electricity_price_usd_per_mwh",
    "read_electricity_prices",
]

ELECTRICITY_PRICE_FILE = Path(__file__).resolve().parent / "electricity_prices.csv"


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return pd.read_csv(ELECTRICITY_PRICE_FILE, keep_default_na=False)


def read_electricity_prices() -> pd.DataFrame:
    """The table: ``region, year, price_usd_per_mwh, confidence, source, notes`` (a copy)."""
    return _table().copy()


def electricity_price_usd_per_mwh(regions: Sequence[str] | np.ndarray) -> np.ndarray:
    """Price per pathway region [US$/MWh]; regions not in the table take the ``World`` value.

    Parameters
    ----------
    regions
        Region names of the default pathway table (case-insensitive), e.g. from
        :func:`climrisk.transition.read_country_regions`.
    """
    table = _table()
    prices = {
        str(r).casefold(): float(p)
        for r, p in zip(table["region"], table["price_usd_per_mwh"], strict=True)
    }
    world = prices["world"]
    names = np.asarray(regions, dtype=object)
    uniq, inverse = np.unique(names.astype(str), return_inverse=True)
    values = np.array([prices.get(u.casefold(), world) for u in uniq], dtype=float)
    return values[inverse].reshape(names.shape)


def electricity_price_for_countries(countries: Sequence[object] | np.ndarray) -> np.ndarray:
    """Price per country (ISO 3166-1 alpha-2 or alpha-3) through the embedded country map.

    A missing or unknown country takes the ``Rest of world`` value.
    """
    from climrisk.transition.regions import read_country_regions, regions_of

    uniq, inverse = np.unique(
        np.asarray([("" if c is None else str(c)) for c in countries], dtype=object).astype(str),
        return_inverse=True,
    )
    regions, _ = regions_of([u or None for u in uniq], read_country_regions())
    return electricity_price_usd_per_mwh(regions)[inverse]
