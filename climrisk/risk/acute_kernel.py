"""Fused kernel for return-period layers: horizon blend -> level -> curves -> expected loss.

For every asset, scenario, horizon and quantile the kernel walks the return periods once:
blends the two bracketing epochs to the horizon year (contracts.md, linear between epoch
centre years, in the layer's float type as :func:`climrisk.hazard.time.at_horizons` does),
turns the intensity into the level the model reads (depth above the critical floor for floods),
evaluates the damage and downtime curves (:class:`climrisk.vulnerability.EventCurves`) at the
return periods the protection standard leaves, and integrates them with the contract's rule
(:func:`climrisk.vulnerability.ead.protected_ead`, the one implementation, which
:func:`~climrisk.vulnerability.expected_annual_damage` also runs) and takes the 1-in-100 loss
(:func:`~climrisk.vulnerability.ead.event_loss`). Nothing of size assets x return periods is
ever allocated.

Compiled with numba when available (:mod:`climrisk.risk._jit`: cached across processes, run
without the GIL, so chunks can be computed on several threads); plain Python otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from climrisk.errors import ClimriskError
from climrisk.hazard.time import horizon_weights
from climrisk.risk._jit import jit
from climrisk.vulnerability.ead import (
    between,
    event_loss,
    first_needed,
    protected_ead,
    return_period_weight,
)
from climrisk.vulnerability.event_curves import NO_CURVE, CurveSet, EventCurves, curve_value

__all__ = ["acute_expected_losses", "intensity_at_return_period"]


@jit()
def _kernel(
    values, rows, out_rows, lower, upper, weight, order, return_periods, probability,
    protection, floor, use_floor, target_rp, hi, target_weight,
    d_kind, d_index, d_points, d_values, d_counts, d_v_half, d_v_thresh, d_scale,
    t_kind, t_index, t_points, t_values, t_counts, t_v_half, t_v_thresh, t_scale,
    ead, downtime, loss,
):
    _, n_scen, n_epoch, n_rp, n_q = values.shape
    n_hor = lower.shape[0]
    damage = np.empty(n_rp)
    days = np.empty(n_rp)
    for j in range(rows.shape[0]):  # asset rows[j]: curves row j, output row out_rows[j]
        i, o = rows[j], out_rows[j]
        prot, fl = protection[j], floor[j]
        first = first_needed(return_periods, prot)
        dc, tc = d_index[j], t_index[j]
        dk = d_counts[dc] if dc >= 0 else 0
        tk = t_counts[tc] if tc >= 0 else 0
        dv, ds, tv, ts = d_v_half[j], d_scale[j], t_v_half[j], t_scale[j]
        # a dry (or calm) site, 0 everywhere, gives one answer for every horizon and quantile
        dry = True
        for s in range(n_scen):
            for e in range(n_epoch):
                for r in range(n_rp):
                    for q in range(n_q):
                        if values[i, s, e, r, q] != 0:
                            dry = False
        for s in range(n_scen):
            for h in range(n_hor):
                e0, e1, w = lower[h], upper[h], weight[h]
                for q in range(n_q):
                    if dry and (s > 0 or h > 0 or q > 0):
                        ead[o, s, h, q] = ead[o, 0, 0, 0]
                        downtime[o, s, h, q] = downtime[o, 0, 0, 0]
                        loss[o, s, h, q] = loss[o, 0, 0, 0]
                        continue
                    for r in range(first):  # removed by the protection standard
                        damage[r] = 0.0
                        days[r] = 0.0
                    for r in range(first, n_rp):
                        rr = order[r]
                        x = values[i, s, e0, rr, q]
                        if w > 0:  # the blend in the layer's float type, as at_horizons does
                            x = x + w * (values[i, s, e1, rr, q] - x)
                        level = np.float64(x)
                        if use_floor and level == level:
                            level = max(level - fl, 0.0) if level > 0.0 else 0.0
                        damage[r] = curve_value(d_kind, level, d_points, d_values, dc, dk, dv,
                                           d_v_thresh, ds)
                        days[r] = curve_value(t_kind, level, t_points, t_values, tc, tk, tv,
                                         t_v_thresh, ts)
                    ead[o, s, h, q] = protected_ead(return_periods, probability, damage, prot)
                    downtime[o, s, h, q] = protected_ead(return_periods, probability, days, prot)
                    loss[o, s, h, q] = event_loss(damage, hi, target_weight, target_rp, prot)


@jit()
def _at_return_period(values, lower, upper, weight, order, hi, target_weight, out):
    n, n_scen, _, n_rp, n_q = values.shape
    a, b = order[max(hi - 1, 0)], order[hi]
    for i in range(n):
        for s in range(n_scen):
            for h in range(lower.shape[0]):
                e0, e1, w = lower[h], upper[h], weight[h]
                for q in range(n_q):
                    xa = values[i, s, e0, a, q]
                    xb = values[i, s, e0, b, q]
                    if w > 0:
                        xa = xa + w * (values[i, s, e1, a, q] - xa)
                        xb = xb + w * (values[i, s, e1, b, q] - xb)
                    if n_rp == 1:
                        out[i, s, h, q] = np.float64(xb)
                    else:
                        out[i, s, h, q] = between(np.float64(xa), np.float64(xb), target_weight)


def _plan(
    values: np.ndarray,
    epoch_years: Sequence[int],
    horizon_years: Sequence[int],
    return_periods: Sequence[float],
    target_rp: float,
) -> tuple:
    """Checked inputs shared by both kernels."""
    if values.ndim != 5:
        raise ClimriskError(
            f"values need dims (asset, scenario, epoch, return_period, quantile), got {values.ndim}"
        )
    if values.dtype not in (np.float32, np.float64):
        values = values.astype(np.float64)
    values = np.ascontiguousarray(values)
    rps = tuple(float(rp) for rp in np.asarray(return_periods, dtype=np.float64).ravel())
    if len(rps) != values.shape[3] or not rps:
        raise ClimriskError(f"{len(rps)} return periods for an axis of {values.shape[3]}")
    if len(epoch_years) != values.shape[2]:
        raise ClimriskError(f"{len(epoch_years)} epoch years for an axis of {values.shape[2]}")
    axes = _axes(
        tuple(int(y) for y in epoch_years), tuple(int(y) for y in horizon_years), rps,
        float(target_rp), values.dtype.str,
    )
    return (values, *axes)


@functools.lru_cache(maxsize=64)
def _axes(epoch_years: tuple[int, ...], horizon_years: tuple[int, ...],
          rps_in: tuple[float, ...], target_rp: float, dtype: str) -> tuple:
    """Horizon blend and return-period axis of :func:`_plan` (the same for every chunk)."""
    rps = np.asarray(rps_in, dtype=np.float64)
    if not np.all(np.isfinite(rps)) or np.any(rps < 1.0) or np.unique(rps).size != rps.size:
        raise ClimriskError(f"return periods must be finite, distinct and >= 1: {rps.tolist()}")
    lower, upper, t = horizon_weights(epoch_years, horizon_years)
    order = np.argsort(rps, kind="stable")
    sorted_rp = rps[order]
    hi, target_weight = return_period_weight(sorted_rp, target_rp)
    arrays = (lower.astype(np.int64), upper.astype(np.int64), t.astype(np.dtype(dtype)),
              order.astype(np.int64), sorted_rp)
    for array in arrays:  # shared between calls and threads: never written
        array.flags.writeable = False
    return (*arrays, hi, float(target_weight))


def _spec(curves: CurveSet | None, n: int) -> tuple:
    if curves is None:
        empty = np.zeros((1, 1))
        return (NO_CURVE, np.full(n, -1, dtype=np.int64), empty, empty,
                np.ones(1, dtype=np.int64), np.zeros(n), 0.0, np.ones(n))
    if len(curves) != n:
        raise ClimriskError(f"curves are for {len(curves)} assets, values for {n}")
    return (curves.kind, curves.index, curves.points, curves.values, curves.counts,
            curves.v_half, float(curves.v_thresh), curves.scale)


def acute_expected_losses(
    values: np.ndarray,
    epoch_years: Sequence[int],
    horizon_years: Sequence[int],
    return_periods: Sequence[float],
    curves: EventCurves,
    protection_rp: np.ndarray | None = None,
    target_rp: float = 100.0,
    rows: np.ndarray | None = None,
    out: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Expected annual damage and downtime, and the loss at ``target_rp``, per horizon.

    Parameters
    ----------
    values
        Intensity with dims (asset, scenario, epoch, return_period, quantile), float32 or
        float64. [indicator units]
    epoch_years
        Centre year of each epoch, in the array's order (baseline 2000, ...). [year]
    horizon_years
        Horizon years. [year]
    return_periods
        Return period of each position on the return-period axis (any order). [years]
    curves
        The model for the assets computed (:class:`~climrisk.vulnerability.EventCurves`).
    protection_rp
        Protection standard per asset computed: it removes every event more frequent than
        itself (:mod:`climrisk.vulnerability.ead`); NaN or ``None`` means none. [years]
    target_rp
        Return period of the reported event loss. [years]
    rows
        Positions in ``values`` of the assets to compute (default: all), so that one asset
        type can be done without copying its rows out first.
    out
        Arrays for the results, shaped (asset, scenario, horizon, quantile) over every asset of
        ``values``: row ``rows[j]`` is written in place (and nothing else), so several asset
        types can fill one array. By default new arrays hold just the assets in ``rows``.

    Returns
    -------
    dict
        ``damage_ratio`` (expected annual damage ratio) [1/year], ``downtime_days`` (expected
        annual downtime; NaN without a downtime curve) [days/year] and ``loss_ratio`` (damage
        ratio of the ``target_rp`` event) [0-1], each shaped (asset, scenario, horizon,
        quantile) for the assets in ``rows`` (or ``out``, filled).
    """
    vals, lower, upper, weight, order, sorted_rp, hi, target_weight = _plan(
        np.asarray(values), epoch_years, horizon_years, return_periods, target_rp
    )
    rows = (
        np.arange(vals.shape[0], dtype=np.int64) if rows is None
        else np.asarray(rows, dtype=np.int64)
    )
    if rows.size and (rows.min() < 0 or rows.max() >= vals.shape[0]):
        raise ClimriskError(f"rows outside the {vals.shape[0]} assets")
    m = rows.size
    protection = (
        np.zeros(m) if protection_rp is None
        else np.nan_to_num(np.asarray(protection_rp, dtype=np.float64), nan=0.0)
    )
    if protection.shape != (m,):
        raise ClimriskError(f"protection_rp has shape {protection.shape}, expected ({m},)")
    floor = (
        np.zeros(m) if curves.floor is None
        else np.nan_to_num(np.asarray(curves.floor, dtype=np.float64), nan=0.0)
    )
    names = ("damage_ratio", "downtime_days", "loss_ratio")
    if out is None:
        shape = (m, vals.shape[1], lower.size, vals.shape[4])
        out = {name: np.empty(shape) for name in names}
        out_rows = np.arange(m, dtype=np.int64)
    else:
        shape = (vals.shape[0], vals.shape[1], lower.size, vals.shape[4])
        if any(out[name].shape != shape or out[name].dtype != np.float64 for name in names):
            raise ClimriskError(f"out arrays must be float64 of shape {shape}")
        out_rows = rows
    _kernel(
        vals, rows, out_rows, lower, upper, weight, order, sorted_rp, 1.0 / sorted_rp,
        protection,
        floor, curves.floor is not None, float(target_rp), hi, target_weight,
        *_spec(curves.damage, m), *_spec(curves.downtime, m),
        out["damage_ratio"], out["downtime_days"], out["loss_ratio"],
    )
    if curves.downtime is None:  # protection zeroes damage, but there is no downtime to zero
        out["downtime_days"][out_rows] = np.nan
    return out


def intensity_at_return_period(
    values: np.ndarray,
    epoch_years: Sequence[int],
    horizon_years: Sequence[int],
    return_periods: Sequence[float],
    target_rp: float = 100.0,
) -> np.ndarray:
    """The intensity of the ``target_rp`` event per horizon, linear in log(T), flat outside.

    Same inputs as :func:`acute_expected_losses`; returns (asset, scenario, horizon, quantile).
    """
    vals, lower, upper, weight, order, _, hi, target_weight = _plan(
        np.asarray(values), epoch_years, horizon_years, return_periods, target_rp
    )
    out = np.empty((vals.shape[0], vals.shape[1], lower.size, vals.shape[4]))
    _at_return_period(vals, lower, upper, weight, order, hi, target_weight, out)
    return out
