"""Print the hazard pack beside published reference values at named places.

Run from the repository root::

    python benchmarks/validate_hazards.py [--hazards DIR] [--no-engine]

For every ``{hazard}__{indicator}.nc`` in the folder (default: the embedded pack) the script
prints the baseline median value at each named place (GeoNames cities15000 coordinates: the most
populous city of that name in the country) beside a published reference value, its source and
year.  Reference values of another quantity than the pack's are converted as stated in the
``note`` (e.g. a 3-second gust to a 1-minute mean with the factor 1.23, a 10-minute mean to a
1-minute mean with 1/0.93, WMO guidance of Harper et al. 2010), and a return period that the
pack does not carry is interpolated in ln T.  National WRI Aqueduct 4.0 categories (Kuzma et al.
2023, ``../shared/data/aqueduct40_country_cat``) give the water-stress and riverine references of
every place.  Layers for which no open point reference was found are printed without one (say
so rather than invent one).  Finally the engine is run on ``assets/sample_portfolio.csv`` and the
portfolio's expected annual damage is printed as a share of value by hazard, scenario and
horizon.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import xarray as xr

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
GEONAMES = SHARED / "geonames_cities15000"
AQUEDUCT = SHARED / "aqueduct40_country_cat" / "aqueduct_country_scores.csv"

G_3S = 1.23  # 3-s gust / 1-min mean over open terrain (Harper et al. 2010, WMO TD 1555)
G_10 = 1.0 / 0.93  # 1-min / 10-min mean (Harper et al. 2010, at-sea / off-land exposure)
MPH = 0.44704

TC = "tropical_cyclone__max_wind_speed"
COAST = "coastal_flood__flood_depth"
HOT = "extreme_heat__days_above_35c"

# (place, ISO2, layer, return period or None, reference value, source, year, note)
REFERENCES: list[tuple[str, str, str, float | None, float, str, int, str]] = [
    # --- tropical cyclone: design-code and best-track numbers, converted to 1-min at 10 m ---
    ("Miami", "US", TC, 700.0, 175 * MPH / G_3S, "ASCE 7-16 Fig. 26.5-1B, Risk Cat. II", 2016,
     "175 mph 3-s gust, exposure C, MRI 700 yr; /1.23"),
    ("Houston", "US", TC, 700.0, 140 * MPH / G_3S, "ASCE 7-16 Fig. 26.5-1B, Risk Cat. II", 2016,
     "~140 mph contour (read from the map), MRI 700 yr; /1.23"),
    ("New Orleans", "US", TC, 700.0, 145 * MPH / G_3S, "ASCE 7-16 Fig. 26.5-1B, Risk Cat. II",
     2016, "~145 mph contour (read from the map), MRI 700 yr; /1.23"),
    ("Tampa", "US", TC, 700.0, 150 * MPH / G_3S, "ASCE 7-16 Fig. 26.5-1B, Risk Cat. II", 2016,
     "~150 mph contour (read from the map), MRI 700 yr; /1.23"),
    ("Naha", "JP", TC, 50.0, 46.0 * G_10, "Japan MLIT Notice 1454 basic wind speed V0", 2000,
     "Okinawa V0 = 46 m/s, 10-min, ~50 yr, all wind types; x1/0.93"),
    ("Tokyo", "JP", TC, 50.0, 34.0 * G_10, "Japan MLIT Notice 1454 basic wind speed V0", 2000,
     "V0 = 34 m/s, 10-min, ~50 yr, all wind types; x1/0.93"),
    ("Shanghai", "CN", TC, 50.0, np.sqrt(2 * 550 / 1.25) * G_10, "GB 50009-2012 basic wind "
     "pressure", 2012, "w0 = 0.55 kN/m2, 10-min, 50 yr, all wind types; V = sqrt(2 w0/rho)"),
    ("Guangzhou", "CN", TC, 50.0, np.sqrt(2 * 500 / 1.25) * G_10, "GB 50009-2012 basic wind "
     "pressure", 2012, "w0 = 0.50 kN/m2, 10-min, 50 yr, all wind types"),
    ("Shenzhen", "CN", TC, 50.0, np.sqrt(2 * 750 / 1.25) * G_10, "GB 50009-2012 basic wind "
     "pressure", 2012, "w0 = 0.75 kN/m2, 10-min, 50 yr, all wind types"),
    ("Mumbai", "IN", TC, 50.0, 44.0 / G_3S, "IS 875 (Part 3) basic wind speed Vb", 2015,
     "Vb = 44 m/s 3-s gust, 50 yr, all wind types (upper bound for TC); /1.23"),
    ("Chennai", "IN", TC, 50.0, 50.0 / G_3S, "IS 875 (Part 3) basic wind speed Vb", 2015,
     "Vb = 50 m/s 3-s gust, 50 yr, all wind types; /1.23"),
    ("Kolkata", "IN", TC, 50.0, 50.0 / G_3S, "IS 875 (Part 3) basic wind speed Vb", 2015,
     "Vb = 50 m/s 3-s gust, 50 yr, all wind types; /1.23"),
    ("Darwin", "AU", TC, 500.0, 69.0 / G_3S, "AS/NZS 1170.2 Table 3.1, region C V500", 2011,
     "69 m/s 3-s gust, 500 yr; /1.23 (Tracy 1974 predates the 1980-2024 record)"),
    ("Townsville", "AU", TC, 500.0, 69.0 / G_3S, "AS/NZS 1170.2 Table 3.1, region C V500", 2011,
     "69 m/s 3-s gust, 500 yr; /1.23"),
    ("Port Hedland", "AU", TC, 500.0, 88.0 / G_3S, "AS/NZS 1170.2 Table 3.1, region D V500",
     2011, "88 m/s 3-s gust, 500 yr; /1.23"),
    ("Sydney", "AU", TC, 500.0, 0.0, "AS/NZS 1170.2 Table 3.1, region A (non-cyclonic)", 2011,
     "region A: no tropical-cyclone wind"),
    ("Dubai", "AE", TC, 1000.0, 0.0, "IBTrACS v04 1980-2024 (shared/data SOURCES.md)", 2024,
     "no track fix in the Persian Gulf"),
    ("Singapore", "SG", TC, 100.0, 0.0, "IBTrACS v04 1980-2024", 2024,
     "equatorial; one storm (Vamei 2001) within 200 km in 45 years"),
    ("Amsterdam", "NL", TC, 1000.0, 0.0, "IBTrACS v04 1980-2024", 2024, "no tropical cyclones"),
    ("Bangkok", "TH", TC, 100.0, 0.0, "IBTrACS v04 1980-2024 (shared/data SOURCES.md)", 2024,
     "no >=34 kt fix within 200 km; Gulf of Thailand a low tail (Gay 1989)"),
    # --- coastal flood: observed storm tides (height above mean sea level) where the pack gives
    # undefended depth on the low-lying share: depth ~ water level - ground level ---
    ("Rotterdam", "NL", COAST, 250.0, 3.85, "Rijkswaterstaat, 1953 storm surge at Hoek van "
     "Holland", 1953, "peak 3.85 m NAP (~1/250 yr); polders at -2..-6 m NAP -> depth 5-9 m "
     "undefended"),
    ("Gulfport", "US", COAST, 250.0, 8.5, "Knabb et al., NHC report Hurricane Katrina", 2005,
     "storm tide 24-28 ft at Pass Christian/Bay St. Louis"),
    ("Galveston", "US", COAST, 100.0, 4.0, "Berg, NHC report Hurricane Ike", 2009,
     "storm tide 15-20 ft Bolivar Peninsula, ~12 ft Galveston"),
    ("Barishal", "BD", COAST, 50.0, 5.0, "Cyclone Sidr 2007 post-event surveys (e.g. Tasnim "
     "et al. 2015)", 2015, "surge 4-6 m on the Bangladesh coast"),
    ("Tacloban", "PH", COAST, 100.0, 6.0, "Mori et al. 2014, Typhoon Haiyan survey (GRL 41)",
     2014, "inundation heights 5-7 m at Tacloban"),
    ("Hong Kong", "HK", COAST, 50.0, 2.35, "HKO report on Super Typhoon Mangkhut", 2018,
     "max sea level 3.88 m CD at Quarry Bay, surge 2.35 m; steep 20' cell -> 0"),
    ("Miami", "US", COAST, 100.0, 2.5, "FEMA FIRM coastal BFE, Miami-Dade", 2009,
     "coastal 1 % base flood elevations ~7-10 ft NAVD88 (depth above ground ~1-2 m)"),
    ("Jakarta", "ID", COAST, 100.0, 1.0, "Muis et al. 2016 GTSR (Nat. Commun. 7, 11969)", 2016,
     "no-TC coast, 100-yr ESL ~1 m above MSL; land subsidence not in the pack"),
    ("London", "GB", COAST, 1000.0, 0.0, "Environment Agency TE2100 (Thames Barrier)", 2012,
     "defended to 1/1000 yr; inner London > 60 km from the open coast in the pack"),
    # --- extreme heat: observed normals ---
    ("Phoenix", "US", HOT, None, 111.0, "NOAA NCEI 1991-2020 normals, Phoenix Sky Harbor", 2021,
     "days >= 37.8 C (100 F); days > 35 C are more"),
    ("London", "GB", HOT, None, 0.0, "Met Office UK climate 1991-2020", 2021,
     "35 C reached in a few summers only"),
    ("Singapore", "SG", HOT, None, 0.0, "Meteorological Service Singapore, record 37.0 C", 1983,
     "days > 35 C are rare"),
    ("Mumbai", "IN", HOT, None, 10.0, "IMD Santacruz normals (Tmax > 35 C ~5-15 days)", 2010,
     "pre-monsoon March-May"),
]

# Places for the national Aqueduct 4.0 references (and the pack values of every other layer).
EXTRA_PLACES = [
    ("Riyadh", "SA"), ("Delhi", "IN"), ("Dhaka", "BD"), ("Manila", "PH"), ("Taipei", "TW"),
    ("Karachi", "PK"), ("Cairo", "EG"), ("Lagos", "NG"), ("Madrid", "ES"),
    ("Frankfurt am Main", "DE"),
    ("Paris", "FR"), ("Moscow", "RU"), ("Yakutsk", "RU"), ("Harbin", "CN"), ("Beijing", "CN"),
    ("Wuhan", "CN"), ("Ürümqi", "CN"), ("Denver", "US"), ("Los Angeles", "US"),
    ("Chicago", "US"), ("São Paulo", "BR"), ("Mexico City", "MX"), ("Nairobi", "KE"),
    ("Johannesburg", "ZA"), ("Perth", "AU"), ("Kathmandu", "NP"), ("Lhasa", "CN"),
    ("Istanbul", "TR"), ("Tehran", "IR"), ("Ho Chi Minh City", "VN"), ("Seoul", "KR"),
]
BWS_RANGE = {0: "<0.1", 1: "0.1-0.2", 2: "0.2-0.4", 3: "0.4-0.8", 4: ">0.8"}


def load_places(names: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """GeoNames coordinates: the most populous city of each (name, ISO2)."""
    want = set(names)
    best: dict[tuple[str, str], tuple[int, float, float]] = {}
    with zipfile.ZipFile(GEONAMES / "cities15000.zip") as z:
        text = z.read("cities15000.txt").decode("utf-8")
    for line in text.splitlines():
        f = line.split("\t")
        for nm in (f[1], f[2]):
            key = (nm, f[8])
            if key in want:
                pop = int(f[14] or 0)
                if key not in best or pop > best[key][0]:
                    best[key] = (pop, float(f[4]), float(f[5]))
    missing = want - set(best)
    if missing:
        raise SystemExit(f"error: not in GeoNames cities15000: {sorted(missing)}")
    return {k: (v[1], v[2]) for k, v in best.items()}


def iso3() -> dict[str, str]:
    """ISO2 -> ISO3 from GeoNames countryInfo.tsv."""
    out = {}
    for line in (GEONAMES / "countryInfo.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            f = line.split("\t")
            out[f[0]] = f[1]
    return out


def aqueduct() -> dict[str, dict[str, float]]:
    """Aqueduct 4.0 national categories by ISO3."""
    with AQUEDUCT.open(encoding="utf-8") as fh:
        return {r["gid_0"]: {k: float(r[k] or -9999) for k in ("bws_cat_0_4", "rfr_cat_0_4")}
                for r in csv.DictReader(fh)}


def pack_value(da: xr.DataArray, lat: float, lon: float, rp: float | None) -> float:
    """Baseline median at the nearest cell; RP interpolated in ln T when not on the axis."""
    v = da.sel(scenario=da.scenario.values[0], epoch="baseline", quantile=0.5)
    v = v.sel(lat=lat, lon=lon, method="nearest")
    if "return_period" not in v.dims:
        return float(v)
    rps = v.return_period.values.astype(float)
    t = rp if rp is not None else 100.0
    return float(np.interp(np.log(t), np.log(rps), v.values.astype(float)))


def hazard_table(folder: Path) -> list[tuple[str, ...]]:
    """Rows: place, layer, RP, pack value, reference, source, year, note."""
    files = {p.stem: p for p in sorted(folder.glob("*__*.nc"))}
    places = load_places([(r[0], r[1]) for r in REFERENCES] + EXTRA_PLACES)
    arrays = {k: xr.open_dataset(p)[k.split("__")[1]] for k, p in files.items()}
    rows: list[tuple[str, ...]] = []
    for place, cc, layer, rp, ref, src, year, note in REFERENCES:
        if layer not in arrays:
            continue
        la, lo = places[(place, cc)]
        v = pack_value(arrays[layer], la, lo, rp)
        rows.append((place, layer, f"{rp:g}" if rp else "", f"{v:.2f}", f"{ref:.2f}", src,
                     str(year), note))
    codes, aq = iso3(), aqueduct()
    ws = "water_stress__water_stress_ratio"
    rf = "riverine_flood__flood_depth"
    for (place, cc), (la, lo) in sorted(places.items()):
        cat = aq.get(codes.get(cc, ""), {})
        if ws in arrays and cat.get("bws_cat_0_4", -9999) >= 0:
            c = int(cat["bws_cat_0_4"])
            rows.append((place, ws, "", f"{pack_value(arrays[ws], la, lo, None):.2f}",
                         BWS_RANGE[c], "WRI Aqueduct 4.0 national bws category (Kuzma et al.)",
                         "2023", f"country {cc} category {c}"))
        if rf in arrays and cat.get("rfr_cat_0_4", -9999) >= 0:
            c = int(cat["rfr_cat_0_4"])
            rows.append((place, rf, "100", f"{pack_value(arrays[rf], la, lo, 100.0):.2f}",
                         f"cat {c}/4", "WRI Aqueduct 4.0 national riverine flood risk "
                         "category", "2023", "risk class (people exposed), not a depth"))
    # every other layer: the pack value at each place, no open point reference
    seen = {(r[0], r[1]) for r in rows}
    for layer in arrays:
        for (place, _cc), (la, lo) in sorted(places.items()):
            if (place, layer) not in seen and layer not in (ws, rf):
                if layer in (TC, COAST, HOT):
                    continue
                rows.append((place, layer, "100" if "return_period" in arrays[layer].dims
                             else "", f"{pack_value(arrays[layer], la, lo, None):.2f}", "",
                             "no open point reference found", "", ""))
    return rows


def loss_ratios(folder: Path) -> list[tuple[str, ...]]:
    """Sample portfolio EAD / value [% per year] by hazard, scenario and horizon."""
    import os

    os.environ["CLIMRISK_HAZARD_DATA"] = str(folder)
    from climrisk import assess, read_portfolio

    portfolio = read_portfolio(REPO / "assets" / "sample_portfolio.csv")
    res = assess(portfolio).asset_results
    with (REPO / "assets" / "sample_portfolio.csv").open(encoding="utf-8") as fh:
        total = sum(float(r["value"]) for r in csv.DictReader(fh))
    g = res.groupby(["hazard", "scenario", "horizon"])["ead"].sum(min_count=1)
    rows = [(h, s, hz, f"{100.0 * v / total:.4f}") for (h, s, hz), v in g.items()
            if np.isfinite(v)]
    tot = res.groupby(["scenario", "horizon"])["ead"].sum()
    rows += [("ALL", s, hz, f"{100.0 * v / total:.4f}") for (s, hz), v in tot.items()]
    return rows


def _print(rows: list[tuple[str, ...]], header: tuple[str, ...], out: io.TextIOBase) -> None:
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "---|" * len(header) + "\n")
    for r in rows:
        out.write("| " + " | ".join(r) + " |\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hazards", type=Path, default=REPO / "hazard_data")
    ap.add_argument("--no-engine", action="store_true", help="skip the sample-portfolio run")
    args = ap.parse_args(argv)
    rows = hazard_table(args.hazards)
    places = {r[0] for r in rows if r[6]}
    sys.stdout.write(f"# Hazard pack vs published references ({len(places)} places with a "
                     "reference; baseline, median)\n\n")
    _print(rows, ("place", "layer", "RP", "pack", "reference", "source", "year", "note"),
           sys.stdout)
    if not args.no_engine:
        sys.stdout.write("\n# Sample portfolio: expected annual damage, % of value per year\n\n")
        _print(loss_ratios(args.hazards), ("hazard", "scenario", "horizon", "EAD % of value"),
               sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
