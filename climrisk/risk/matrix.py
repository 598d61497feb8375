"""The physical risk matrix: Table 1 of an IFRS S2 / TCFD disclosure, built from asset results.

One row per category x hazard x asset type x scenario x horizon, with exposure counts and value,
the value share at score >= 3, the value-weighted score, ``material`` and the annual financial
channels the models produce (``opex_up``, ``capex_up``, ``revenue_down``, ``asset_value_down``,
in the portfolio currency; 0 where no model produces the channel).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from climrisk.risk.physical import HAZARD_CATEGORY
from climrisk.risk.row_kernels import SUM_NAMES, sum_rows
from climrisk.risk.scoring import Materiality

__all__ = [
    "PHYSICAL_CHANNELS",
    "PHYSICAL_MATRIX_COLUMNS",
    "aggregate_block",
    "aggregate_physical",
    "build_physical_matrix",
    "combine",
    "finalise_physical",
]

# Annual financial channels of Table 1, in the portfolio currency.
PHYSICAL_CHANNELS: tuple[str, ...] = ("opex_up", "capex_up", "revenue_down", "asset_value_down")

PHYSICAL_MATRIX_COLUMNS: tuple[str, ...] = (
    "category",
    "hazard",
    "asset_type",
    "scenario",
    "horizon",
    "year",
    "asset_count",
    "assets_with_data",
    "assets_score_ge3",
    "value",
    "value_share_score_ge3",
    "value_weighted_score",
    "max_score",
    "material",
    "opex_up",
    "capex_up",
    "revenue_down",
    "asset_value_down",
    "loss_100yr",
)

_KEYS = ["hazard", "asset_type", "scenario", "horizon", "year"]


_SUMS = SUM_NAMES  # additive partial aggregates, in the order the compiled sums give them


def aggregate_physical(asset_results: pd.DataFrame, materiality: Materiality) -> pd.DataFrame:
    """Additive partial aggregates of one chunk of asset results (combine with :func:`combine`).

    Parameters
    ----------
    asset_results
        Rows of ``asset_results`` (any subset of assets).
    materiality
        Gives the score counted as high (``score_at_least``).
    """
    frame = asset_results
    score = frame["score"].astype("float64")
    value = frame["value"].astype("float64").fillna(0.0)
    high = score >= materiality.score_at_least
    work = pd.DataFrame(
        {
            **{key: frame[key] for key in _KEYS},
            "asset_count": 1,
            "assets_with_data": score.notna().astype("int64"),
            "assets_score_ge3": high.astype("int64"),
            "value": value,
            "value_scored": value.where(score.notna(), 0.0),
            "value_high": value.where(high, 0.0),
            "value_x_score": (value * score).fillna(0.0),
            "score_sum": score.fillna(0.0),
            "max_score": score,
            "opex_up": frame["opex_delta"].clip(lower=0).fillna(0.0),
            "capex_up": frame["capex"].clip(lower=0).fillna(0.0),
            "revenue_down": frame["bi_loss"].fillna(0.0),
            "asset_value_down": frame["ead"].fillna(0.0),
            "loss_100yr": frame["loss_100yr"].fillna(0.0),
        }
    )
    grouped = work.groupby(_KEYS, sort=False, observed=True)
    out = grouped[list(_SUMS)].sum()
    out["max_score"] = grouped["max_score"].max()
    return out.reset_index()


def aggregate_block(block: dict, materiality: Materiality) -> dict[str, np.ndarray]:
    """Partial aggregates of one hazard's rows given as columns (see ``assess_hazard``).

    Text columns are :class:`~climrisk.risk.chunk.Coded`; ``score`` is int8 with 0 for none.
    Same sums as :func:`aggregate_physical`, in one compiled pass
    (:func:`climrisk.risk.row_kernels.sum_rows`), returned as plain arrays (a few rows per
    block: a data frame is made once, by :func:`combine`).
    """
    asset_type = block["asset_type"]
    scenario = block["scenario"]
    horizon = block["horizon"]
    n_type, n_scen, n_hor = (len(c.categories) for c in (asset_type, scenario, horizon))
    group = (
        np.asarray(asset_type.codes, np.int64) * n_scen + np.asarray(scenario.codes)
    ) * n_hor + np.asarray(horizon.codes)
    n_groups = n_type * n_scen * n_hor
    score = np.asarray(block["score"])
    sums, max_score = sum_rows(
        group, n_groups, score, np.asarray(block["value"], dtype=float),
        {name: np.asarray(block[name], dtype=float)
         for name in ("opex_delta", "capex", "bi_loss", "ead", "loss_100yr")},
        materiality.score_at_least,
    )
    present = sums[:, 0] > 0
    codes = np.flatnonzero(present)
    hor_code = codes % n_hor
    scen_code = (codes // n_hor) % n_scen
    type_code = codes // (n_hor * n_scen)
    years = np.zeros(n_hor, dtype=np.int64)
    years[np.asarray(horizon.codes)] = np.asarray(block["year"])
    hazard = block["hazard"]
    name = (
        str(np.asarray(hazard.categories, dtype=object)[0])
        if hasattr(hazard, "categories")
        else str(hazard)
    )
    columns = {
        key: sums[present, k].astype(np.int64) if key in _COUNTS else sums[present, k]
        for k, key in enumerate(SUM_NAMES)
    }
    return {
        "hazard": np.full(codes.size, name, dtype=object),
        "asset_type": np.asarray(asset_type.categories, dtype=object)[type_code],
        "scenario": np.asarray(scenario.categories, dtype=object)[scen_code],
        "horizon": np.asarray(horizon.categories, dtype=object)[hor_code],
        "year": years[hor_code],
        **{key: columns[key] for key in _SUMS},
        "max_score": np.where(max_score[present] < 0, np.nan, max_score[present]),
    }


_COUNTS = frozenset({"asset_count", "assets_with_data", "assets_score_ge3"})


def combine(partials: Sequence[Mapping[str, np.ndarray] | pd.DataFrame]) -> pd.DataFrame:
    """Combine partial aggregates (of :func:`aggregate_block`, or frames) into one frame."""
    if not partials:
        raise ValueError("no partial aggregates to combine")
    columns = [*_KEYS, *_SUMS, "max_score"]
    joined = pd.DataFrame({
        key: np.concatenate([np.asarray(part[key]) for part in partials]) for key in columns
    })
    if len(partials) == 1:
        return joined
    grouped = joined.groupby(_KEYS, sort=False, observed=True)
    out = grouped[list(_SUMS)].sum()
    out["max_score"] = grouped["max_score"].max()
    return out.reset_index()


def finalise_physical(partial: pd.DataFrame, materiality: Materiality) -> pd.DataFrame:
    """The physical matrix from (combined) partial aggregates."""
    out = partial.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share_by_value = out["value_high"] / out["value_scored"]
        share_by_count = out["assets_score_ge3"] / out["assets_with_data"]
        weighted = out["value_x_score"] / out["value_scored"]
        mean_score = out["score_sum"] / out["assets_with_data"]
    by_value = out["value_scored"] > 0
    out["value_share_score_ge3"] = share_by_value.where(by_value, share_by_count).round(4)
    out["value_weighted_score"] = weighted.where(by_value, mean_score).round(3)
    out["material"] = (
        (
            (out["value_share_score_ge3"] >= materiality.value_share)
            | (out["value_weighted_score"] >= materiality.weighted_score)
        )
        .fillna(False)
        .astype(bool)
    )
    out["category"] = out["hazard"].astype(str).map(HAZARD_CATEGORY)
    out["max_score"] = out["max_score"].astype("Int8")
    for key in _KEYS:
        if isinstance(out[key].dtype, pd.CategoricalDtype):
            out[key] = out[key].astype(str if key != "year" else "int64")
    return out[list(PHYSICAL_MATRIX_COLUMNS)].sort_values(
        ["category", "hazard", "asset_type", "scenario", "year"], ignore_index=True
    )


def build_physical_matrix(asset_results: pd.DataFrame, materiality: Materiality) -> pd.DataFrame:
    """Aggregate ``asset_results`` into the physical risk matrix.

    Parameters
    ----------
    asset_results
        One row per asset x hazard x scenario x horizon (see ``RESULT_COLUMNS``).
    materiality
        The rule that sets ``material``.
    """
    return finalise_physical(aggregate_physical(asset_results, materiality), materiality)
