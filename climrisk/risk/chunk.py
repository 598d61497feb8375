"""A chunk of assets with the per-asset arrays every hazard needs, computed once.

Each hazard of a chunk needs the same things from the asset table: the rows of each asset
type (and their sub-table for the models), values, revenues, protection standards, and the
text columns of the result rows as dictionary codes. :class:`AssetChunk` derives them once per
chunk instead of once per hazard and layer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from climrisk.data.protection import default_protection

__all__ = ["AssetChunk", "Coded"]

T = TypeVar("T")

# Text columns with few distinct values that the models look up: as categoricals, every
# lookup works on the distinct values only.
_CATEGORICAL = ("asset_type", "country", "business_unit", "cooling", "currency")


class Coded(NamedTuple):
    """A text column as integer codes into its distinct values (-1: missing)."""

    codes: np.ndarray
    categories: pa.Array

    def __len__(self) -> int:
        return int(self.codes.size)

    def to_arrow(self) -> pa.DictionaryArray:
        """As an Arrow dictionary array (null where the code is -1)."""
        codes = np.asarray(self.codes, dtype=np.int32)
        missing = codes < 0
        indices = pa.array(codes, mask=missing) if missing.any() else pa.array(codes)
        # codes come from factorising (or index into) the categories: no bounds check needed
        return pa.DictionaryArray.from_arrays(indices, self.categories, safe=False)

    def to_pandas(self) -> pd.Categorical:
        """As a pandas categorical."""
        return pd.Categorical.from_codes(
            self.codes, pd.Index(self.categories.to_pylist(), dtype=object)
        )


def coded(values: pd.Series | pd.Index | np.ndarray) -> Coded:
    """Factorise text values (missing -> -1); the categories as Arrow strings."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return Coded(codes.astype(np.int32), pa.array([str(u) for u in uniques], pa.string()))


class AssetChunk:
    """The assets of one chunk (canonical portfolio columns, index ``asset_id``)."""

    def __init__(self, assets: pd.DataFrame) -> None:
        frame = assets.copy(deep=False)
        for column in _CATEGORICAL:
            if column in frame.columns and not isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype("category")
        self.frame = frame
        self.n = len(assets)
        self._subsets: dict[str, pd.DataFrame] = {}
        self._text: dict[str, Coded] = {}
        self._repeat: dict[int, np.ndarray] = {}
        self._memo: dict[Hashable, Any] = {}
        self._protection: dict[str, np.ndarray] = {}

    @cached_property
    def type_groups(self) -> list[tuple[str, np.ndarray]]:
        """``(asset_type, row positions)`` for each asset type present."""
        kinds = self.text("asset_type")
        return [
            (str(name), np.flatnonzero(kinds.codes == code))
            for code, name in enumerate(kinds.categories.to_pylist())
        ]

    def subset(self, asset_type: str, rows: np.ndarray) -> pd.DataFrame:
        """The sub-table of one asset type (cached: every layer's models read it)."""
        if asset_type not in self._subsets:
            self._subsets[asset_type] = self.frame.iloc[rows]
        return self._subsets[asset_type]

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()`` once per chunk and key (e.g. event curves shared by several layers)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def numbers(self, column: str) -> np.ndarray:
        """A numeric column as float64 (NaN where missing)."""
        return self.frame[column].to_numpy(dtype=float, na_value=np.nan)

    @cached_property
    def value(self) -> np.ndarray:
        """Asset value."""
        return self.numbers("value")

    @cached_property
    def revenue(self) -> np.ndarray:
        """Annual revenue."""
        return self.numbers("annual_revenue")

    @cached_property
    def gross_profit(self) -> np.ndarray:
        """Annual gross profit: revenue x ``gross_margin`` (1 where no margin is known)."""
        if "gross_margin" not in self.frame:
            return self.revenue
        margin = self.numbers("gross_margin")
        return self.revenue * np.where(np.isnan(margin), 1.0, margin)

    def protection(self, hazard: str) -> np.ndarray:
        """Flood protection standard for ``hazard`` [years]: the file's, else the default.

        The default is the location's FLOPROS standard for the hazard, at least the design
        standard for data centres (:func:`climrisk.data.protection.default_protection`).
        """
        if hazard not in self._protection:
            given = self.numbers("flood_protection_rp")
            gaps = np.isnan(given)
            if gaps.any():
                country = self.frame["country"] if "country" in self.frame else [None] * self.n
                default = default_protection(country, self.frame["asset_type"], hazard)
                given = np.where(gaps, default, given)
            self._protection[hazard] = given
        return self._protection[hazard]

    @cached_property
    def ids(self) -> Coded:
        """``asset_id`` in row order (code i is row i)."""
        return Coded(
            np.arange(self.n, dtype=np.int32),
            pa.array(self.frame.index.astype(str).to_numpy(dtype=object), pa.string()),
        )

    def text(self, column: str) -> Coded:
        """A text column as codes (cached)."""
        if column not in self._text:
            self._text[column] = coded(self.frame[column])
        return self._text[column]

    def repeat(self, per_asset: int) -> np.ndarray:
        """Row -> asset position for ``per_asset`` consecutive rows per asset."""
        if per_asset not in self._repeat:
            self._repeat[per_asset] = np.repeat(
                np.arange(self.n, dtype=np.int32), per_asset
            )
        return self._repeat[per_asset]
