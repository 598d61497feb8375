"""Extreme heat and cold: days above 35 C, days below -10 C, cooling and heating degree-days."""

from __future__ import annotations

import numpy as np

from hazard_data.build.common import (
    _T_INPUTS,
    MONTH_DAYS,
    Climate,
    Context,
    Key,
    LayerSpec,
    _cached,
    _expected_positive_part,
    _norm_cdf,
)

_REF_ICAO = "ICAO (1993) Manual of the ICAO Standard Atmosphere, Doc 7488/3 (lapse rate 6.5 K/km)"

_REF_ERBS = ("Erbs, D.G., Klein, S.A., Beckman, W.A. (1983) Estimation of degree-days and "
             "ambient temperature bin data from monthly-average temperatures. ASHRAE J. 25(6), 60")

_REF_THOM = ("Thom, H.C.S. (1954) The rational relationship between heating degree days and "
             "temperature. Mon. Wea. Rev. 82, 1-6. "
             "doi:10.1175/1520-0493(1954)082<0001:TRRBHD>2.0.CO;2")

_REF_DAI = ("Dai, A., Trenberth, K.E., Karl, T.R. (1999) Effects of clouds, soil moisture, "
            "precipitation, and water vapor on diurnal temperature range. J. Climate 12, "
            "2451-2473")

_REF_FAO = ("Allen, R.G. et al. (1998) Crop evapotranspiration. FAO Irrigation and Drainage "
            "Paper 56 (extraterrestrial radiation, eqs. 21-25)")

_HEAT_METHOD = (
    "NCEP/NCAR Reanalysis 1 monthly mean near-surface (sigma 0.995) air temperature 1981-2010, "
    "bilinearly interpolated from 2.5 deg and corrected with a 6.5 K/km lapse rate (ICAO) for "
    "ETOPO elevation minus the mean ETOPO height of the 2.5 deg cell. Daily Tmax = monthly mean "
    "+ DTR/2, Tmin = mean - DTR/2, with DTR = (6 + 9 exp(-P/2 mm/day)) x (0.5 + 0.5 min(1, "
    "Ra/25 MJ m-2 d-1)) K (assumed: larger in dry, sunny months, cf. Dai et al. 1999), and a "
    "normal day-to-day spread sigma = s(lat) x (0.55 + 0.45 exp(-P/3 mm/day)), s = 1.5 K within "
    "10 deg of the equator rising linearly to 4.5 K at 50 deg (assumed; smaller in wet months); "
    "expected exceedance days per month summed over the year. "
    "Degree-days with the normal-distribution expected positive part of daily mean "
    "temperature (Thom 1954; Erbs et al. 1983 method) with sigma_d = 0.8 x sigma. Future: the "
    "monthly means are shifted by local warming = amplification x dGWL with amplification 1.5 "
    "over land (AR6 SPM B.2.1: land 1.4-1.7x) rising to 2.5 at >= 70N (Arctic > 2x)."
)

_REAL_HEAT = ("NASA NEX-GDDP-CMIP6 (0.25 deg daily tasmax/tas; files "
              "{var}_day_{MODEL}_{exp}_r1i1p1f1_gn_{YYYY}.nc) or the C3S CMIP6 extreme indices "
              "(sis-extreme-indices-cmip6), computing the indicator per model and epoch")


SIGMA_TX_TROPICS, SIGMA_TX_EXTRA = 1.5, 4.5  # K, daily Tmax/Tmin spread at <=10 and >=50 deg
SIGMA_TMEAN_FACTOR = 0.8  # daily-mean spread relative to the Tmax spread (assumed)
BASE_DD = 18.0  # degC, degree-day base (HAZARDS.md)

HEAT_REFS = [_REF_ICAO, _REF_THOM, _REF_ERBS, _REF_DAI, _REF_FAO]


def _sigma_daily(lat: np.ndarray) -> np.ndarray:
    """Day-to-day spread of daily Tmax/Tmin within a month [K] (assumed, by latitude)."""
    w = np.clip((np.abs(lat) - 10.0) / 40.0, 0.0, 1.0)
    return SIGMA_TX_TROPICS + (SIGMA_TX_EXTRA - SIGMA_TX_TROPICS) * w


def _heat_cold(clim: Climate, dt: np.ndarray) -> dict[str, np.ndarray]:
    """Days > 35 C (Tmax), days < -10 C (Tmin), CDD and HDD (base 18 C) for a warming dt [K]."""
    glat, _ = clim.grid.mesh()
    sx = _sigma_daily(glat)[None] * (0.55 + 0.45 * np.exp(-clim.p / 3.0))
    sd = SIGMA_TMEAN_FACTOR * sx
    t = clim.t + dt[None]
    nd = MONTH_DAYS.reshape(12, 1, 1)
    tx = t + clim.dtr / 2.0
    tn = t - clim.dtr / 2.0
    hot = (nd * _norm_cdf((tx - 35.0) / sx)).sum(axis=0)
    cold = (nd * _norm_cdf((-10.0 - tn) / sx)).sum(axis=0)
    cdd = (nd * _expected_positive_part(t - BASE_DD, sd)).sum(axis=0)
    hdd = (nd * _expected_positive_part(BASE_DD - t, sd)).sum(axis=0)
    return {"hot": hot, "cold": cold, "cdd": cdd, "hdd": hdd}



SPECS: dict[str, LayerSpec] = {
    "hot": LayerSpec(
        "extreme_heat", "days_above_35c", "day/year",
        "days per year with daily maximum temperature above 35 degC", "chronic_index", 0.1,
        _HEAT_METHOD, HEAT_REFS, _REAL_HEAT, _T_INPUTS),
    "cdd": LayerSpec(
        "extreme_heat", "cooling_degree_days", "K*day/year",
        "annual cooling degree-days, base 18 degC", "chronic_index", 1.0,
        _HEAT_METHOD, HEAT_REFS, _REAL_HEAT, _T_INPUTS),
    "cold": LayerSpec(
        "extreme_cold", "days_below_minus_10c", "day/year",
        "days per year with daily minimum temperature below -10 degC", "chronic_index", 0.1,
        _HEAT_METHOD, HEAT_REFS, _REAL_HEAT, _T_INPUTS),
    "hdd": LayerSpec(
        "extreme_cold", "heating_degree_days", "K*day/year",
        "annual heating degree-days, base 18 degC", "chronic_index", 1.0,
        _HEAT_METHOD, HEAT_REFS, _REAL_HEAT, _T_INPUTS),
}


def compute(ctx: Context) -> dict[str, dict[Key, np.ndarray]]:
    """Values of the four heat and cold layers for every (scenario, epoch, quantile)."""
    vals: dict[str, dict[Key, np.ndarray]] = {k: {} for k in SPECS}
    fut = ctx.fut
    cache: dict = {}
    for key in ctx.keys:
        dt = ctx.amp25 * fut.dgwl[key]
        res = _cached(cache, fut.dgwl[key], lambda dt=dt: _heat_cold(ctx.clim25, dt))
        # cold indicators fall with warming: their q-quantile comes from the (1 - q) warming
        mirror = (key[0], key[1], round(1.0 - key[2], 1))
        for name in ("hot", "cold", "cdd", "hdd"):
            vals[name][mirror if name in ("cold", "hdd") else key] = ctx.m25(res[name])
    return vals
