"""Water stress: irrigation-deficit withdrawals over Budyko runoff (proxy)."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _REF_FU,
    _REF_HS,
    MONTH_DAYS,
    P_INPUTS,
    Climate,
    Context,
    Key,
    LayerSpec,
    _runoff,
)

_REF_KUZMA = ("Kuzma, S. et al. (2023) Aqueduct 4.0: updated decision-relevant global water risk "
              "indicators. WRI Technical Note. doi:10.46830/writn.23.00061")


WS_BETA = 0.5  # share of the growing-season deficit that is withdrawn (assumed)
WS_CAP = 5.0  # cap of the ratio
WS_DEMAND = {("ssp126", "2030"): 1.00, ("ssp126", "2050"): 1.00,
             ("ssp370", "2030"): 1.05, ("ssp370", "2050"): 1.10}  # assumed demand growth


def _water_stress(clim: Climate, dt: np.ndarray, demand: float) -> np.ndarray:
    """Withdrawal / available-water proxy: irrigation deficit over Budyko runoff."""
    nd = MONTH_DAYS.reshape(12, 1, 1)
    t = clim.t + dt[None]
    deficit = (nd * np.maximum(clim.pet(dt[None]) - clim.p, 0.0) * (t > 5.0)).sum(axis=0)
    # irrigated agriculture needs a warm season: weight by the baseline growing degree-days
    # above 10 C (the pattern of water use is held at the baseline)
    gdd10 = (nd * np.maximum(clim.t - 10.0, 0.0)).sum(axis=0)
    deficit = deficit * np.clip((gdd10 - 500.0) / 1500.0, 0.0, 1.0)
    runoff, _ = _runoff(clim, dt[None])
    return np.minimum(WS_CAP, demand * WS_BETA * deficit / (runoff + 10.0))



SPECS: dict[str, LayerSpec] = {
    "water": LayerSpec(
        "water_stress", "water_stress_ratio", "1",
        "water stress: withdrawals / available renewable water (Aqueduct bws_raw proxy)",
        "chronic_index", 0.001,
        "Withdrawal proxy = 0.5 x growing-season (T > 5 C) irrigation deficit "
        "sum(max(PET - P, 0)) (Hargreaves PET; 0.5 assumed) weighted by clip((GDD10 - 500)/"
        "1500, 0, 1) with the baseline growing degree-days above 10 C (assumed: irrigation "
        "needs a warm season); available water = local "
        "Budyko runoff (Fu curve) + 10 mm; ratio capped at 5 (hyper-arid cells, which "
        "Aqueduct classes 'arid and low water use', reach the cap). No upstream inflow, "
        "population or actual withdrawals. Future: PET and runoff of the warmer climate "
        "(precipitation unchanged) x demand growth 1.00/1.00 (SSP1-2.6 2030/2050) and "
        "1.05/1.10 (SSP3-7.0) (assumed; Aqueduct 4.0 'bau' demand > 'opt').",
        [_REF_HS, _REF_FU, _REF_KUZMA],
        "WRI Aqueduct 4.0 (bws_raw; Aqueduct40_baseline_annual_y2023m07d05.csv and future "
        "columns {opt|bau}{30|50}_ws_x_r)",
        P_INPUTS, res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Water-stress ratio for every (scenario, epoch, quantile)."""
    out = {}
    for key in ctx.keys:
        s, e, _ = key
        dt = ctx.amp50 * ctx.fut.dgwl[key]
        demand = 1.0 if e == "baseline" else WS_DEMAND[(s, e)]
        out[key] = ctx.m50(_water_stress(ctx.clim50, dt, demand))
    return {"water": out}
