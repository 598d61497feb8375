"""Wildfire: days with FWI above 30 from temperature, dryness and fuel (proxy)."""

from __future__ import annotations

import numpy as np
from scipy import special

from hazard_data.build.common import (
    _REF_HS,
    MONTH_DAYS,
    P_INPUTS,
    Climate,
    Context,
    Key,
    LayerSpec,
    _cached,
)

_REF_QUILCAILLE = ("Quilcaille, Y. et al. (2023) Fire weather index data under historical and "
                   "shared socioeconomic pathway projections in the 6th phase of the Coupled "
                   "Model Intercomparison Project. ESSD 15, 2153-2177. "
                   "doi:10.5194/essd-15-2153-2023")

_REF_VANWAGNER = ("Van Wagner, C.E. (1987) Development and structure of the Canadian Forest Fire "
                  "Weather Index System. Canadian Forestry Service, Forestry Tech. Rep. 35")


def _wildfire(clim: Climate, kg: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Days per year with FWI > 30 from temperature and dryness (logistic proxy, assumed)."""
    t = clim.t + dt[None]
    tx = t + clim.dtr / 2.0
    pet = clim.pet(dt[None])
    p = clim.p
    supply = p + 0.5 * np.roll(p, 1, axis=0)
    r = supply / (1.5 * pet + 0.1)
    dry = -np.log(r + 0.05)
    score = (tx - 32.0) / 4.0 + 2.0 * (dry - 1.2)
    prob = special.expit(score) * (t > 0.0)
    p_ann = (p * MONTH_DAYS.reshape(12, 1, 1)).sum(axis=0)
    fuel = np.clip((p_ann - 50.0) / 300.0, 0.05, 1.0) * (kg != 5)
    return (MONTH_DAYS.reshape(12, 1, 1) * prob).sum(axis=0) * fuel



SPECS: dict[str, LayerSpec] = {
    "wildfire": LayerSpec(
        "wildfire", "days_fwi_above_30", "day/year",
        "days per year with Fire Weather Index above 30 (fuel-limited proxy)",
        "chronic_index", 0.1,
        "Monthly probability of FWI > 30 = logistic((Tmax - 32 C)/4 K + 2 (D - 1.2)) with "
        "dryness D = -ln((P_m + 0.5 P_m-1)/(1.5 PET_m + 0.1) + 0.05) (Hargreaves PET), zero "
        "when the monthly mean is below 0 C (snow) and in Koppen group E, times a fuel "
        "factor clip((P_annual - 50 mm)/300 mm, 0.05, 1) because fire weather without fuel "
        "is not a hazard (the meteorological FWI is high in deserts). All coefficients "
        "assumed, tuned to FWI > 30 being common in Mediterranean/semi-arid/savanna "
        "climates and rare in humid tropics. Future: the temperature and PET of the warmer "
        "climate (precipitation unchanged), consistent in direction with AR6 (more frequent "
        "fire weather).",
        [_REF_VANWAGNER, _REF_QUILCAILLE, _REF_HS, "IPCC AR6 WG1 SPM C.2 / Chapter 12"],
        "CMIP6 FWI (Quilcaille et al. 2023, doi:10.3929/ethz-b-000583391, indicator fwixd) or "
        "ERA5-based C3S fire danger indices",
        P_INPUTS, res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Fire-weather days for every (scenario, epoch, quantile)."""
    cache: dict = {}
    out = {}
    for key in ctx.keys:
        dt = ctx.amp50 * ctx.fut.dgwl[key]
        out[key] = ctx.m50(
            _cached(cache, ctx.fut.dgwl[key],
                    lambda dt=dt: _wildfire(ctx.clim50, ctx.kg50, dt))
        )
    return {"wildfire": out}
