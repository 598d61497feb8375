"""Drought: expected annual maximum dry spell from a Markov wet-day model."""

from __future__ import annotations

import numba
import numpy as np

from hazard_data.build.common import (
    MID_DOY,
    MONTH_DAYS,
    P_INPUTS,
    Climate,
    Context,
    Key,
    LayerSpec,
    _wet_days,
)

_REF_AR6_CH11 = ("Seneviratne, S.I. et al. (2021) Weather and climate extreme events in a "
                 "changing climate. IPCC AR6 WG1 Chapter 11. doi:10.1017/9781009157896.013")


DRY_PERSISTENCE = 0.3  # lag-1 autocorrelation of the wet/dry state (assumed)


@numba.njit(cache=False)
def _cdd_kernel(f_day: np.ndarray, rho: float) -> np.ndarray:
    """Expected annual maximum dry spell [days] for daily wet probabilities (cells, 365).

    Markov chain with lag-1 correlation rho: P(dry|dry) = q + rho (1 - q), dry-spell starts per
    day f q (1 - rho); lambda(l) = sum_d start_d prod P(dry|dry) over the next l - 1 days;
    P(max >= l) = 1 - exp(-lambda(l)) (Poisson clumping), summed over l.
    """
    ncell, nd = f_day.shape
    out = np.zeros(ncell)
    for c in range(ncell):
        q = 1.0 - f_day[c]
        pdd = q + rho * (1.0 - q)
        start = f_day[c] * q * (1.0 - rho)
        run = start.copy()
        total = 0.0
        for ell in range(1, 366):
            lam = run.sum()
            total += 1.0 - np.exp(-lam)
            if lam < 1e-6:
                break
            new = np.empty(nd)
            for d in range(nd):
                new[d] = run[d] * pdd[(d + ell) % nd]
            run = new
        out[c] = total
    return out


def _cdd(p: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Expected annual maximum run of days with < 1 mm [days] on valid cells."""
    f = _wet_days(p)  # (12, lat, lon)
    # daily values by linear interpolation between mid-month points (periodic)
    doy = np.arange(365) + 0.5
    w = np.zeros((365, 12))
    xp = np.concatenate([[MID_DOY[-1] - 365.0], MID_DOY, [MID_DOY[0] + 365.0]])
    for d in range(365):
        k = np.searchsorted(xp, doy[d]) - 1
        a = (doy[d] - xp[k]) / (xp[k + 1] - xp[k])
        w[d, (k - 1) % 12] += 1.0 - a
        w[d, k % 12] += a
    fd = np.ascontiguousarray((w @ f[:, valid]).T)
    out = np.full(valid.shape, np.nan)
    out[valid] = _cdd_kernel(fd, DRY_PERSISTENCE)
    return out



def _drought_sensitivity(clim: Climate, kg: np.ndarray) -> np.ndarray:
    """Fractional CDD change per K of GWL: 5 % in drying regimes, 2 % elsewhere (assumed)."""
    glat, _ = clim.grid.mesh()
    nd = MONTH_DAYS.reshape(12, 1, 1)
    p = clim.p * nd
    summer = np.where(glat >= 0, p[3:9].sum(axis=0), p[[0, 1, 2, 9, 10, 11]].sum(axis=0))
    summer_dry = summer < 0.4 * p.sum(axis=0)
    sub = (np.abs(glat) >= 25.0) & (np.abs(glat) <= 50.0)
    drying = (kg == 2) | (summer_dry & sub & ((kg == 3) | (kg == 4)))
    s = np.where(drying, 0.05, 0.02)
    return s * (1.0 - np.clip((np.abs(glat) - 50.0) / 10.0, 0.0, 1.0))



SPECS: dict[str, LayerSpec] = {
    "drought": LayerSpec(
        "drought", "consecutive_dry_days", "day",
        "expected annual maximum run of days with less than 1 mm precipitation",
        "chronic_index", 0.1,
        "Daily wet-day probabilities from CMAP monthly means (f = 0.65 (1 - exp(-P/3 "
        "mm/day)), assumed), interpolated to days; first-order Markov chain with lag-1 "
        "correlation 0.3 (assumed); expected annual maximum dry spell from a Poisson "
        "clumping approximation P(max >= l) = max(1 - exp(-lambda(l)), max window "
        "probability). Future: CDD x (1 + s dGWL) with s = 5 %/K in drying regimes (Koppen "
        "B, or C/D with a dry summer at 25-50 deg) and 2 %/K elsewhere, tapering to 0 "
        "between 50 and 60 deg (assumed, in the direction of AR6 Chapter 11 and SPM.6).",
        [_REF_AR6_CH11, "IPCC AR6 WG1 Figure SPM.6 (drought)"],
        "C3S CMIP6 extreme indices consecutive_dry_days (sis-extreme-indices-cmip6) or "
        "ISIMIP3b bias-adjusted daily pr",
        P_INPUTS, res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Consecutive dry days for every (scenario, epoch, quantile)."""
    cdd0 = _cdd(ctx.clim50.p, ctx.valid50)
    sens = _drought_sensitivity(ctx.clim50, ctx.kg50)
    return {"drought": {
        key: ctx.m50(cdd0 * (1.0 + sens * ctx.fut.dgwl[key])) for key in ctx.keys
    }}
