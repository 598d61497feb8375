"""Benefit-cost arithmetic: the avoided annual loss path, discounting, ratios (whole-array)."""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_DISCOUNT_RATE", "annual_path", "present_value"]

#: Real discount rate: the UK Treasury Green Book (2022) social time preference rate for
#: years 0-30. Set ``[adaptation] discount_rate`` in the run file to use another.
DEFAULT_DISCOUNT_RATE = 0.035


def annual_path(years: np.ndarray, horizon_years: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Annual values at ``years``, linear between the horizon years, flat beyond the ends.

    Parameters
    ----------
    years
        Years wanted, shape ``(t,)``.
    horizon_years
        The horizons' years, increasing, shape ``(h,)``.
    values
        Values at the horizons, shape ``(..., h)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., t)``.
    """
    values = np.asarray(values, dtype=float)
    flat = values.reshape(-1, values.shape[-1])
    out = np.stack([np.interp(years, horizon_years, row) for row in flat]) if len(flat) else (
        np.zeros((0, len(years))))
    return out.reshape(*values.shape[:-1], len(years))


def present_value(annual: np.ndarray, rate: float) -> np.ndarray:
    """Sum over the last axis of ``annual[t] / (1 + rate) ** (t + 1)`` (end-of-year flows).

    A one-off cost paid now is not discounted; the first year's benefit is discounted once.
    """
    annual = np.asarray(annual, dtype=float)
    factors = (1.0 + rate) ** -np.arange(1, annual.shape[-1] + 1, dtype=float)
    return annual @ factors
