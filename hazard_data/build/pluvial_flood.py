"""Pluvial flood: T-year daily rainfall above a drainage capacity, ponding on flat land."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _REF_CC,
    P_INPUTS,
    RP_FLOOD,
    Context,
    Key,
    LayerSpec,
)

PLUVIAL_CAPACITY_RP = 5.0  # years: drainage designed for the 5-year daily rain (assumed)
PLUVIAL_PONDING = 5.0  # excess rain concentrates 5x in low spots (assumed)


SPECS: dict[str, LayerSpec] = {
    "pluvial": LayerSpec(
        "pluvial_flood", "flood_depth", "m",
        "pluvial (surface-water) inundation depth from extreme rainfall",
        "acute_return_period", 0.01,
        "T-year daily rainfall from CMAP monthly means with a wet-day model (wet-day "
        "fraction f = 0.65 (1 - exp(-P/3 mm/day)), gamma-distributed wet-day amounts with "
        "shape 0.7; the annual-maximum CDF is the product over months of F^(wet days); all "
        "assumed). Excess over a drainage capacity equal to the 5-year daily rainfall "
        "(assumed design standard) ponds 5x in low spots (assumed) on flat land: depth = "
        "5 x (R_T - R_5)/1000 x exp(-relief/300 m), capped at 2 m; relief = max - min ETOPO "
        "elevation over ~1 deg. Future: R_T x (1.07)^dGWL (AR6 SPM B.2.4), capacity fixed.",
        [_REF_CC],
        "no open global SSP-ready pluvial map: Fathom Global (commercial) or local surface-"
        "water maps; scale with CMIP6 Rx1day changes (C3S sis-extreme-indices-cmip6 "
        "maximum_1_day_precipitation)",
        (*P_INPUTS, "ipcc_reference/extremes_scaling.csv"), res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Pluvial depth for every (scenario, epoch, quantile)."""
    rl = ctx.rain_rl50
    r5 = rl[RP_FLOOD.index(PLUVIAL_CAPACITY_RP)]
    flat = np.exp(-ctx.relief50 / 300.0)
    out = {}
    for key in ctx.keys:
        f = ctx.fut.precip_factor(key)
        dep = np.minimum(2.0, PLUVIAL_PONDING * np.maximum(f * rl - r5, 0.0) / 1000.0 * flat)
        out[key] = ctx.m50(dep)
    return {"pluvial": out}
