"""Pure, vectorised formulas of the transition assessment (numpy arrays in, arrays out).

Each function works element-wise on arrays of assets; the orchestration (pathway look-ups,
business units, aggregation) is in :mod:`climrisk.transition.assess`. Units are in brackets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "HOURS_PER_YEAR",
    "annuity_factor",
    "carbon_cost",
    "clean_share_path",
    "cumulative_efficiency_gain",
    "data_centre_energy_mwh",
    "market_scope2",
    "pue_retrofit",
]

HOURS_PER_YEAR = 8760.0


def data_centre_energy_mwh(it_load_mw: ArrayLike, pue: ArrayLike, utilisation: float) -> np.ndarray:
    """Annual energy of a data centre from its IT load.

    Parameters
    ----------
    it_load_mw
        Installed IT load. [MW]
    pue
        Power usage effectiveness. [-]
    utilisation
        Average IT load as a share of installed IT load. [0-1]

    Returns
    -------
    numpy.ndarray
        it_load_mw x pue x 8,760 h x utilisation. [MWh/yr]

    References
    ----------
    .. [1] E. Masanet, A. Shehabi, N. Lei, S. Smith, J. Koomey, "Recalibrating global data center
       energy-use estimates", Science 367:984-986, 2020. doi:10.1126/science.aba3758
    """
    return np.asarray(it_load_mw, float) * np.asarray(pue, float) * HOURS_PER_YEAR * utilisation


def annuity_factor(rate: float, years: int) -> float:
    """Capital recovery factor: the annual payment that repays 1 over ``years`` at ``rate``.

    Parameters
    ----------
    rate
        Discount rate. [1/yr]
    years
        Annuity period. [yr]

    Returns
    -------
    float
        r / (1 - (1 + r)^-n), or 1/n when r = 0. [1/yr]
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** (-years))


def clean_share_path(
    base_share: ArrayLike, targets: Sequence[tuple[int, float]], base_year: int, year: float
) -> np.ndarray:
    """Clean-power share in ``year`` on the way to a company's targets.

    The share runs linearly from each asset's ``base_share`` in ``base_year`` through the
    target points ``(year, share)`` and stays at the last one; it never falls below the
    asset's own share.

    Parameters
    ----------
    base_share
        Renewable / clean share of each asset's energy in the base year. [0-1]
    targets
        Target points, sorted by year; empty means no target. [(year, 0-1)]
    base_year
        Year of ``base_share``. [year]
    year
        Year asked for. [year]

    Returns
    -------
    numpy.ndarray
        Clean share in ``year``. [0-1]
    """
    s0 = np.clip(np.asarray(base_share, float), 0.0, 1.0)
    if not targets or year <= base_year:
        return s0.copy()
    years = [float(base_year)] + [float(max(y, base_year)) for y, _ in targets]
    shares = [float(s) for _, s in targets]
    # position of `year` between the points: weight of the base point and of each target
    if year >= years[-1]:
        target = np.full_like(s0, shares[-1])
    else:
        i = int(np.searchsorted(years, year, side="right")) - 1
        lo_y, hi_y = years[i], years[i + 1]
        t = 0.0 if hi_y == lo_y else (year - lo_y) / (hi_y - lo_y)
        lo_s = s0 if i == 0 else np.full_like(s0, shares[i - 1])
        target = lo_s + (shares[i] - lo_s) * t
    return np.maximum(s0, target)


def market_scope2(
    scope2_base: ArrayLike,
    base_share: ArrayLike,
    clean_share: ArrayLike,
    intensity_base: ArrayLike,
    intensity_year: ArrayLike,
) -> np.ndarray:
    """Market-based Scope 2 emissions projected from a base year.

    scope2(year) = scope2_base x (1 - clean_share) / (1 - base_share) x intensity(year) /
    intensity(base): the grid part of the energy shrinks with the clean-power path and its
    emission factor follows the pathway's grid intensity. The residual mix is approximated by the
    grid average (GHG Protocol Scope 2 Guidance, 2015, allows this where no residual mix exists).

    Parameters
    ----------
    scope2_base
        Market-based Scope 2 in the base year. [t CO2e/yr]
    base_share, clean_share
        Clean-power share in the base year and in the year asked for. [0-1]
    intensity_base, intensity_year
        Grid emission factor in the base year and in the year asked for. [t CO2/MWh]

    Returns
    -------
    numpy.ndarray
        [t CO2e/yr]
    """
    s2 = np.asarray(scope2_base, float)
    s0 = np.asarray(base_share, float)
    sc = np.asarray(clean_share, float)
    eb = np.asarray(intensity_base, float)
    ey = np.asarray(intensity_year, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid_part = np.where(s0 < 1.0, (1.0 - sc) / (1.0 - s0), 0.0)
        ef_ratio = np.where(eb > 0.0, ey / eb, 0.0)
    return s2 * np.clip(grid_part, 0.0, None) * ef_ratio


def carbon_cost(emissions: ArrayLike, price: ArrayLike, share: ArrayLike) -> np.ndarray:
    """Annual carbon cost: emissions x carbon price x priced share.

    Parameters
    ----------
    emissions
        Emissions. [t CO2e/yr]
    price
        Carbon price. [currency/t CO2e]
    share
        Coverage or pass-through share of the emissions that bears the price. [0-1]

    Returns
    -------
    numpy.ndarray
        [currency/yr]
    """
    return np.asarray(emissions, float) * np.asarray(price, float) * np.asarray(share, float)


def pue_retrofit(
    pue: ArrayLike,
    limit: ArrayLike,
    it_load_mw: ArrayLike,
    cost_per_mw_per_0_1: float,
    max_reduction: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Retrofit capex to bring a data centre's PUE to a limit, and whether it can.

    Parameters
    ----------
    pue
        Current annual PUE; NaN means unknown (no gap). [-]
    limit
        Regulatory limit or best-practice PUE in the year asked for. [-]
    it_load_mw
        Installed IT load. [MW]
    cost_per_mw_per_0_1
        Capex per MW of IT load per 0.1 of PUE reduction. [currency/MW]
    max_reduction
        Largest PUE reduction a retrofit delivers. [-]

    Returns
    -------
    gap : numpy.ndarray
        max(pue - limit, 0). [-]
    capex : numpy.ndarray
        One-off capex for the reduction a retrofit can deliver, min(gap, max_reduction). [currency]
    unable : numpy.ndarray of bool
        True where the gap exceeds ``max_reduction`` (impairment risk).
    """
    p = np.asarray(pue, float)
    gap = np.where(np.isnan(p), 0.0, np.maximum(p - np.asarray(limit, float), 0.0))
    gap = np.where(np.isnan(gap), 0.0, gap)
    fixable = np.minimum(gap, max_reduction)
    it = np.nan_to_num(np.asarray(it_load_mw, float))
    capex = it * fixable / 0.1 * cost_per_mw_per_0_1
    unable = gap > max_reduction + 1e-12
    return gap, capex, unable


def cumulative_efficiency_gain(rate: float, years: float, cap: float) -> float:
    """Share of energy saved after ``years`` of efficiency gains at ``rate`` per year.

    Parameters
    ----------
    rate
        Annual efficiency gain. [1/yr]
    years
        Years since the base year (negative counts as 0). [yr]
    cap
        Largest cumulative gain. [0-1]

    Returns
    -------
    float
        min(1 - (1 - rate)^years, cap). [0-1]
    """
    return float(min(1.0 - (1.0 - rate) ** max(years, 0.0), cap))
