"""Scores and matrix sums of result rows, each in one compiled pass over the rows.

Rows are asset x scenario x horizon, flattened in that order (row ``(a * S + s) * H + h``).
:func:`score_rows` applies the scoring rule of :mod:`climrisk.risk.scoring` (the higher of the
hazard class and the financial class; "no data" never scored) and :func:`sum_rows` adds the
rows up per asset type x scenario x horizon for the physical matrix
(:func:`climrisk.risk.matrix.aggregate_block`). Both replace a few dozen whole-array numpy
passes with one loop; :func:`climrisk.risk.scoring.classify` and
:func:`climrisk.risk.matrix.aggregate_physical` are the references the tests compare with.
"""

from __future__ import annotations

import numpy as np

from climrisk.risk._jit import jit

__all__ = ["SUM_NAMES", "score_rows", "sum_rows"]

#: Sums per group, in the column order of the array :func:`sum_rows` returns.
SUM_NAMES: tuple[str, ...] = (
    "asset_count",
    "assets_with_data",
    "assets_score_ge3",
    "value",
    "value_scored",
    "value_high",
    "value_x_score",
    "score_sum",
    "opex_up",
    "capex_up",
    "revenue_down",
    "asset_value_down",
    "loss_100yr",
)
_NO_DATA, _NO_MODEL = 2, 3  # flag and status codes (climrisk.risk.physical)
_LABEL_NO_DATA = 6


@jit(inline=True)
def _classify(value, bounds):
    """1 + the number of boundaries at or below ``value`` (0 for NaN or no boundaries)."""
    if value != value or bounds.shape[0] == 0:
        return 0
    out = 1
    for b in bounds:
        if value >= b:
            out += 1
    return out


@jit()
def _score_rows(ead, bi_loss, opex, intensity, value, revenue, flags, has_model, per_asset,
                hazard_bounds, financial_bounds, score, hazard_score, financial_score, label,
                status):
    for row in range(ead.shape[0]):
        a = row // per_asset
        e, b, o = ead[row], bi_loss[row], opex[row]
        if e != e and b != b and o != o:
            share = np.nan
        else:
            annual = (0.0 if e != e else e) + (0.0 if b != b else b) + (0.0 if o != o else o)
            v, r = value[a], revenue[a]
            base = v if v > 0 else (r if r > 0 else np.nan)
            share = annual / base
        hs = _classify(intensity[row], hazard_bounds)
        fs = _classify(share, financial_bounds)
        s = max(hs, fs)
        no_data = flags[a] == _NO_DATA
        if no_data:
            s = 0
        hazard_score[row] = hs
        financial_score[row] = fs
        score[row] = s
        label[row] = s if s > 0 else (_LABEL_NO_DATA if no_data else 0)
        status[row] = _NO_MODEL if (not has_model[a] and not no_data) else flags[a]


def score_rows(
    ead: np.ndarray,
    bi_loss: np.ndarray,
    opex_delta: np.ndarray,
    intensity: np.ndarray,
    value: np.ndarray,
    revenue: np.ndarray,
    flags: np.ndarray,
    has_model: np.ndarray,
    hazard_bounds: tuple[float, ...] | None,
    financial_bounds: tuple[float, ...],
) -> dict[str, np.ndarray]:
    """Scores of result rows.

    Parameters
    ----------
    ead, bi_loss, opex_delta, intensity
        Per row (NaN where missing).
    value, revenue, flags, has_model
        Per asset; rows come in equal runs per asset.
    hazard_bounds
        The indicator's four class boundaries, or ``None`` when it has none.
    financial_bounds
        Class boundaries of the annual impact as a share of value (else revenue).

    Returns
    -------
    dict
        ``score``, ``hazard_score``, ``financial_score`` (int8, 1-5, 0 where there is none),
        ``label`` (index into "", the five labels, "no data") and ``status`` (0 ok, 1 filled
        from a neighbour, 2 no data, 3 no model), as int32.
    """
    n_rows = ead.shape[0]
    per_asset = n_rows // max(len(value), 1)
    out = {
        "score": np.empty(n_rows, np.int8),
        "hazard_score": np.empty(n_rows, np.int8),
        "financial_score": np.empty(n_rows, np.int8),
        "label": np.empty(n_rows, np.int32),
        "status": np.empty(n_rows, np.int32),
    }
    bounds = np.asarray(hazard_bounds if hazard_bounds else (), dtype=np.float64)
    _score_rows(
        np.ascontiguousarray(ead, np.float64), np.ascontiguousarray(bi_loss, np.float64),
        np.ascontiguousarray(opex_delta, np.float64), np.ascontiguousarray(intensity, np.float64),
        np.asarray(value, np.float64), np.asarray(revenue, np.float64),
        np.asarray(flags, np.int8), np.asarray(has_model, np.bool_), max(per_asset, 1),
        bounds, np.asarray(financial_bounds, np.float64),
        out["score"], out["hazard_score"], out["financial_score"], out["label"], out["status"],
    )
    return out


@jit()
def _sum_rows(group, score, value, opex, capex, bi_loss, ead, loss, at_least, sums, max_score):
    for row in range(group.shape[0]):
        g = group[row]
        s = score[row]
        v = value[row]
        v = 0.0 if v != v else v
        sums[g, 0] += 1
        if s > 0:
            sums[g, 1] += 1
            sums[g, 4] += v
            sums[g, 6] += v * s
            sums[g, 7] += s
            if s > max_score[g]:
                max_score[g] = s
            if s >= at_least:
                sums[g, 2] += 1
                sums[g, 5] += v
        sums[g, 3] += v
        x = opex[row]
        if x > 0:
            sums[g, 8] += x
        x = capex[row]
        if x > 0:
            sums[g, 9] += x
        x = bi_loss[row]
        if x == x:
            sums[g, 10] += x
        x = ead[row]
        if x == x:
            sums[g, 11] += x
        x = loss[row]
        if x == x:
            sums[g, 12] += x


def sum_rows(
    group: np.ndarray,
    n_groups: int,
    score: np.ndarray,
    value: np.ndarray,
    channels: dict[str, np.ndarray],
    score_at_least: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sums of the rows per group, for the physical matrix.

    Parameters
    ----------
    group
        Group of each row, 0 .. ``n_groups - 1``.
    score
        int8 score per row, 0 where there is none.
    value
        Asset value per row (NaN counts as 0).
    channels
        ``opex_delta``, ``capex`` (positive parts summed), ``bi_loss``, ``ead``, ``loss_100yr``
        per row (NaN counts as 0).
    score_at_least
        Scores at or above this count as high.

    Returns
    -------
    sums, max_score
        ``sums`` (n_groups, len(:data:`SUM_NAMES`)) float64; ``max_score`` per group (-1 where
        no row is scored).
    """
    sums = np.zeros((n_groups, len(SUM_NAMES)))
    max_score = np.full(n_groups, -1, dtype=np.int64)
    _sum_rows(
        np.ascontiguousarray(group, np.int64), np.ascontiguousarray(score, np.int8),
        np.ascontiguousarray(value, np.float64),
        *(np.ascontiguousarray(channels[name], np.float64)
          for name in ("opex_delta", "capex", "bi_loss", "ead", "loss_100yr")),
        int(score_at_least), sums, max_score,
    )
    return sums, max_score
