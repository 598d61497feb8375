"""The ``Portfolio`` type: a validated GeoDataFrame of assets plus the defaults applied to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from climrisk.errors import Issue, format_warning

__all__ = ["Assumption", "Portfolio"]


@dataclass(frozen=True)
class Assumption:
    """A default applied to a missing optional value, reported in the manifest and the report.

    Parameters
    ----------
    column
        The column that was filled, e.g. ``pue``.
    asset_type
        The asset type the default is for.
    value
        The value used, as text (numbers keep their units in ``column``'s suffix).
    count
        How many assets received it.
    source
        Where the default comes from (publication or documented judgement).
    """

    column: str
    asset_type: str
    value: str
    count: int
    source: str

    def as_dict(self) -> dict[str, object]:
        """Plain-dict form for JSON manifests."""
        return {
            "column": self.column,
            "asset_type": self.asset_type,
            "value": self.value,
            "count": self.count,
            "source": self.source,
        }


@dataclass(frozen=True)
class Portfolio:
    """A validated asset portfolio.

    Built only by :func:`climrisk.read_portfolio`, so every instance is already valid.

    Attributes
    ----------
    assets
        One row per asset, index ``asset_id``, CRS EPSG:4326, canonical columns from
        :mod:`climrisk.portfolio.schema`. ``geometry`` is the footprint when one was given,
        else the point; ``latitude``/``longitude`` always hold the (representative) point.
    source
        The file the portfolio was read from.
    assumptions
        Defaults applied to missing optional values.
    currency
        The portfolio's ISO 4217 currency (``None`` when no money columns or currency given).
    warnings
        Problems that do not stop the run but that the user should check (a point at sea, a
        country that disagrees with the location, which sheet or layer was read, ...).
    """

    assets: gpd.GeoDataFrame
    source: Path
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)
    currency: str | None = None
    warnings: tuple[Issue, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.assets)

    @property
    def has_footprint(self) -> pd.Series:
        """Boolean per asset: True where a polygon footprint was given."""
        return self.assets["has_footprint"]

    def summary(self) -> dict[str, object]:
        """Counts and totals for ``climrisk validate`` and the web view."""
        assets = self.assets
        value = assets["value"]
        return {
            "assets": len(assets),
            "by_type": assets["asset_type"].value_counts().sort_index().to_dict(),
            "by_country": assets["country"].fillna("??").value_counts().sort_index().to_dict(),
            "total_value": float(value.sum(skipna=True)),
            "assets_without_value": int(value.isna().sum()),
            "currency": self.currency,
            "footprints": int(assets["has_footprint"].sum()),
            "points": int((~assets["has_footprint"]).sum()),
            "assumptions": [a.as_dict() for a in self.assumptions],
            "warnings": [format_warning(w) for w in self.warnings],
        }
