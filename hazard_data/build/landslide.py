"""Landslide: heuristic relief x rainfall susceptibility."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _REF_SPM6,
    P_INPUTS,
    RP_FLOOD,
    Context,
    Key,
    LayerSpec,
)

_REF_STANLEY = ("Stanley, T., Kirschbaum, D.B. (2017) A heuristic approach to global landslide "
                "susceptibility mapping. Nat. Hazards 87, 145-164. doi:10.1007/s11069-017-2757-y")


LANDSLIDE_P_MAX = 0.01  # 1/yr at the most susceptible sites (assumed, illustrative)


def _landslide(relief: np.ndarray, r10: np.ndarray) -> np.ndarray:
    """Annual probability of a damaging rainfall-triggered landslide (relief x rain, assumed)."""
    s_rel = np.clip(relief / 2500.0, 0.0, 1.0) ** 2
    s_rain = 1.0 - np.exp(-r10 / 100.0)
    return LANDSLIDE_P_MAX * s_rel * s_rain



SPECS: dict[str, LayerSpec] = {
    "landslide": LayerSpec(
        "landslide", "annual_probability", "1/year",
        "annual probability of a damaging precipitation-triggered landslide at the site",
        "chronic_index", 1e-6,
        "Heuristic susceptibility in the spirit of Stanley & Kirschbaum (2017): p = 0.01/yr "
        "x s_relief x s_rain with s_relief = min(1, relief/2500 m)^2, relief = "
        "max - min ETOPO elevation over ~1 deg, s_rain = 1 - exp(-R10/100 mm), R10 the "
        "10-year daily rainfall of the pluvial model (weights assumed, illustrative). "
        "Future: p x the ratio of the AR6 SPM.6 10-year heavy-precipitation frequency "
        "multipliers at the epoch and baseline GWLs.",
        [_REF_STANLEY, _REF_SPM6],
        "NASA Global Landslide Susceptibility Map / LHASA v2 (1 km) with LHASA-F or Rx1day "
        "scaling for the future",
        (*P_INPUTS, "ipcc_reference/extremes_scaling.csv"), res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Landslide probability for every (scenario, epoch, quantile)."""
    r10 = ctx.rain_rl50[RP_FLOOD.index(10.0)]
    base = _landslide(ctx.relief50, r10)
    return {"landslide": {
        key: ctx.m50(base * ctx.fut.heavy_frequency_ratio(key)) for key in ctx.keys
    }}
