"""Build the default transition pathway table and the country tables from the files in ``sources/``.

Run from anywhere (``python tools/build_pathways.py``); the output is deterministic: the same
inputs give byte-identical files. It reads ``climrisk/data/pathways/sources/`` and
``climrisk/data/electricity_prices.csv`` and writes into ``climrisk/data/pathways/``:

``iea_steps_nze_default.csv``
    The default pathway table, IAMC long format (``model, scenario, region, variable, unit,
    year, value``) plus ``source``, ``confidence`` and ``notes``, for ``steps`` and ``nze``,
    2025-2050 every five years. Every row names its source; derived rows say how they were
    derived; rows without a published number are labelled ``assumption`` and say what they
    rest on.
``country_regions.csv``
    Every ISO 3166-1 alpha-2 country mapped to one pathway region (IEA region conventions).
``country_grid_intensity.csv``
    Ember's latest yearly grid CO2 intensity per country (via co2.js), used to refine the regional
    path for assets in a given country.
``carbon_price_groups.csv``
    Every ISO 3166-1 alpha-2 country with the IEA WEO carbon-price group it belongs to in each
    pathway (the WEO's own groups: jurisdictions in STEPS, three country groups in NZE).

Confidence vocabulary: ``verified`` (read in a primary source or a faithful copy),
``verified_secondary`` (a secondary source quoting the primary), ``unverified`` (recalled or of
undocumented provenance), ``derived`` (arithmetic done here on the values named in ``notes``),
``proxy`` (the value of a parent or neighbouring region), ``assumption`` (a documented judgement;
illustrative, replace with your own).

References
----------
.. [1] IEA (2023), World Energy Outlook 2023, Free Dataset (Annex A).
   https://www.iea.org/reports/world-energy-outlook-2023
.. [2] Ember, Yearly Electricity Data (via thegreenwebfoundation/co2.js,
   data/output/average-intensities.json), CC BY-SA 4.0.
   https://ember-energy.org/data/yearly-electricity-data/
.. [3] Transition Pathway Initiative, Electricity Utilities carbon performance benchmarks
   (1.5 Degrees), as packaged by os-climate/ITR (Apache-2.0).
   https://www.transitionpathwayinitiative.org/
.. [4] IEA (2025), Energy and AI. https://www.iea.org/reports/energy-and-ai
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pandas as pd
import pycountry

__all__ = ["ALL_REGIONS", "REGIONS", "YEARS", "build"]

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "climrisk" / "data" / "pathways"
SOURCES = HERE / "sources"
ELECTRICITY_PRICES = REPO / "climrisk" / "data" / "electricity_prices.csv"

YEARS: tuple[int, ...] = (2025, 2030, 2035, 2040, 2045, 2050)
SCENARIOS: tuple[str, ...] = ("steps", "nze")
REGIONS: tuple[str, ...] = (
    "China",
    "European Union",
    "United States",
    "Japan",
    "Other advanced economies",
    "Southeast Asia",
    "India",
    "Middle East",
    "Africa",
    "Brazil",
    "Latin America",
    "Rest of world",
    "World",
)

CARBON = "Price|Carbon"
INTENSITY = "Emissions Intensity|Electricity"
ELEC_PRICE = "Price|Secondary Energy|Electricity"
RE_SHARE = "Secondary Energy|Electricity|Share|Renewables"
PREMIUM = "Price|Green Power Premium"
PUE_LIMIT = "Efficiency|Data Centre|PUE Limit"
DC_DEMAND = "Demand|Electricity|Data Centres"

UNITS = {
    CARBON: "US$/t CO2",
    INTENSITY: "g CO2/kWh",
    ELEC_PRICE: "US$/MWh",
    RE_SHARE: "share",
    PREMIUM: "US$/MWh",
    PUE_LIMIT: "PUE",
    DC_DEMAND: "TWh",
}

# ---------------------------------------------------------------------------------------------
# Source labels
# ---------------------------------------------------------------------------------------------
SRC_WEO = (
    "IEA (2023), World Energy Outlook 2023, Free Dataset (Annex A): Stated Policies Scenario, "
    "electricity generation (Total, Renewables) and CO2 combustion, power sector inputs "
    "[sources/iea_weo2023_annex_a]"
)
SRC_EMBER = (
    "Ember, Yearly Electricity Data, grid CO2 intensity (latest year), via "
    "thegreenwebfoundation/co2.js "
    "data/output/average-intensities.json, CC BY-SA 4.0 [sources/thegreenwebfoundation_co2.js]"
)
SRC_TPI = (
    "Transition Pathway Initiative, Electricity Utilities benchmark 'TPI 1.5 Degrees' (scope 1, t "
    "CO2/MWh), "
    "via os-climate/ITR benchmark_EI_TPI_1_5_degrees.json, Apache-2.0 [sources/os-climate_ITR]"
)
SRC_WEO_NZE_HEADLINE = (
    "IEA (2023), World Energy Outlook 2023: renewables share of world generation about 60 % (2030) "
    "and 91 % (2050) in NZE (derived from generation by technology; "
    "shared/reference/pathways/SOURCES.md)"
)
SRC_IEA_CO2_NZE = (
    "IEA WEO 2022/2023 table 'CO2 prices for electricity, industry and energy production in "
    "selected "
    "regions by scenario' (USD 2022), as recorded in "
    "sources/climrisk_reference/iea_weo_pathways.csv"
)
SRC_IEA_CO2_STEPS = (
    "IEA WEO 2022 Annex B Table B.2 'CO2 prices for electricity, industry and energy production "
    "in selected regions by scenario', Stated Policies (USD 2021); recalled, not retrieved"
)
SRC_CN_POLICY = "sources/climrisk_reference/china_policy_facts.csv"
SRC_ENERGY_AI = (
    "IEA (2025), Energy and AI, Base Case, as recorded in "
    "sources/climrisk_reference/iea_weo_pathways.csv"
)
SRC_ASSUMPTION = (
    "climrisk assumption (documented in docs/transition.md; illustrative, replace with your own)"
)

# ---------------------------------------------------------------------------------------------
# Region correspondences
# ---------------------------------------------------------------------------------------------
# WEO 2023 Annex A region (or composite) giving each pathway region's STEPS trajectory.
_OTHER_ADVANCED_COMPOSITE = (("Europe", "North America"), ("European Union", "United States"))
WEO_REGION: dict[str, str | tuple[tuple[str, ...], tuple[str, ...]]] = {
    "China": "China",
    "European Union": "European Union",
    "United States": "United States",
    "Japan": "Japan",
    "Other advanced economies": _OTHER_ADVANCED_COMPOSITE,
    "Southeast Asia": "Southeast Asia",
    "India": "India",
    "Middle East": "Middle East",
    "Africa": "Africa",
    "Brazil": "Brazil",
    "Latin America": "Central and South America",
    "Rest of world": "World",
    "World": "World",
}
# Ember entity giving each region's 2024 grid-intensity level.
EMBER_ENTITY: dict[str, str] = {
    "China": "CHN",
    "European Union": "EU",
    "United States": "USA",
    "Japan": "JPN",
    "Other advanced economies": "OECD",
    "Southeast Asia": "ASEAN",
    "India": "IND",
    "Middle East": "Middle East",
    "Africa": "Africa",
    "Brazil": "BRA",
    "Latin America": "Latin America and Caribbean",
    "Rest of world": "World",
    "World": "World",
}
# TPI benchmark region whose 1.5 Degrees decline shapes each region's NZE intensity.
TPI_REGION: dict[str, str] = {
    "China": "non-OECD",
    "European Union": "Europe",
    "United States": "North America",
    "Japan": "OECD",
    "Other advanced economies": "OECD",
    "Southeast Asia": "non-OECD",
    "India": "non-OECD",
    "Middle East": "non-OECD",
    "Africa": "non-OECD",
    "Brazil": "non-OECD",
    "Latin America": "non-OECD",
    "Rest of world": "Global",
    "World": "Global",
}


def _weo_region_label(region: str) -> str:
    spec = WEO_REGION[region]
    if isinstance(spec, str):
        return spec
    plus, minus = spec
    return "(" + " + ".join(plus) + ") - (" + " + ".join(minus) + ")"


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------
def _read_weo() -> pd.DataFrame:
    """STEPS generation (total, renewables) and power-sector CO2 by WEO region and year."""
    path = SOURCES / "iea_weo2023_annex_a" / "WEO2023_AnnexA_Free_Dataset_Regions_power_extract.csv"
    raw = pd.read_csv(path)
    raw = raw[raw["SCENARIO"] == "Stated Policies Scenario"]
    key = raw["CATEGORY"].astype(str) + "/" + raw["PRODUCT"].astype(str)
    raw = raw.assign(
        KEY=key.map(
            {
                "Energy/Total": "generation_twh",
                "Energy/Renewables": "renewables_twh",
                "CO2 combustion/Total": "power_co2_mt",
            }
        )
    )
    table = raw.pivot_table(
        index=["REGION", "YEAR"], columns="KEY", values="VALUE", aggfunc="first"
    )
    return table


def _weo_series(weo: pd.DataFrame, region: str, column: str) -> dict[int, float]:
    spec = WEO_REGION[region]
    plus, minus = ((spec,), ()) if isinstance(spec, str) else spec
    out: dict[int, float] = {}
    for year in (2022, 2030, 2050):
        value = sum(float(weo.loc[(r, year), column]) for r in plus)
        value -= sum(float(weo.loc[(r, year), column]) for r in minus)
        out[year] = value
    return out


def _read_ember() -> dict[str, dict[str, object]]:
    path = SOURCES / "thegreenwebfoundation_co2.js" / "average-intensities.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _read_tpi() -> dict[str, dict[int, float]]:
    """TPI 1.5 Degrees Electricity Utilities benchmark, t CO2/MWh, latest release per region."""
    path = SOURCES / "os-climate_ITR" / "benchmark_EI_TPI_1_5_degrees.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    best: dict[str, tuple[str, dict[int, float]]] = {}
    for bench in data["S1"]["benchmarks"]:
        if bench["sector"] != "Electricity Utilities":
            continue
        series = {int(p["year"]): float(p["value"]) for p in bench["projections_nounits"]}
        region, release = bench["region"], bench["release date"]
        if region not in best or release > best[region][0]:
            best[region] = (release, series)
    return {region: series for region, (_, series) in best.items()}


def _lin(points: dict[int, float], year: float) -> float:
    """Linear interpolation in a {year: value} dict (extrapolation is not allowed here)."""
    years = sorted(points)
    if year in points:
        return points[int(year)]
    for lo, hi in itertools.pairwise(years):
        if lo < year < hi:
            return points[lo] + (points[hi] - points[lo]) * (year - lo) / (hi - lo)
    raise ValueError(f"year {year} outside {years[0]}-{years[-1]}")


# ---------------------------------------------------------------------------------------------
# Row builder
# ---------------------------------------------------------------------------------------------
class _Rows:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(
        self,
        *,
        model: str,
        scenario: str,
        region: str,
        variable: str,
        year: int,
        value: float,
        source: str,
        confidence: str,
        notes: str,
    ) -> None:
        self.rows.append(
            {
                "model": model,
                "scenario": scenario,
                "region": region,
                "variable": variable,
                "unit": UNITS[variable],
                "year": int(year),
                "value": round(float(value), 4),
                "source": source,
                "confidence": confidence,
                "notes": notes,
            }
        )


def _intensity_and_share(rows: _Rows) -> None:
    weo = _read_weo()
    ember = _read_ember()
    tpi = _read_tpi()
    # World STEPS renewables share from WEO, for the NZE share scaling below.
    world_gen = _weo_series(weo, "World", "generation_twh")
    world_re = _weo_series(weo, "World", "renewables_twh")
    world_steps_share = {y: world_re[y] / world_gen[y] for y in world_gen}
    # IEA NZE world renewables share headline: 0.60 (2030), 0.91 (2050); 2025 taken equal to STEPS.
    world_nze_share = {2030: 0.60, 2050: 0.91}

    for region in REGIONS:
        gen = _weo_series(weo, region, "generation_twh")
        co2 = _weo_series(weo, region, "power_co2_mt")
        ren = _weo_series(weo, region, "renewables_twh")
        weo_int = {y: 1000.0 * co2[y] / gen[y] for y in gen}  # Mt/TWh = t/MWh -> g/kWh x1000
        weo_share = {y: ren[y] / gen[y] for y in gen}
        entity = EMBER_ENTITY[region]
        e = ember[entity]
        e_value, e_year = float(e["emissions_intensity_gco2_per_kwh"]), int(e["year"])
        weo_label = _weo_region_label(region)
        level_note = f"Ember {e['country_or_region']} {e_year}: {e_value:g} g/kWh" + (
            " (proxy level for this region)"
            if entity in {"OECD", "World"} and region != "World"
            else ""
        )
        tpi_series = tpi[TPI_REGION[region]]
        level_conf = "proxy" if entity in {"OECD", "World"} and region != "World" else "derived"
        share_conf = "proxy" if region == "Rest of world" else "derived"
        steps_int: dict[int, float] = {}
        for year in YEARS:
            # STEPS: Ember level scaled by the WEO STEPS relative change of power-sector CO2 per kWh
            # generated (the ratio removes most of WEO's CHP-heat bias in the level).
            ratio = _lin(weo_int, year) / _lin(weo_int, e_year)
            steps_int[year] = e_value * ratio
            rows.add(
                model="IEA WEO 2023 STEPS x Ember",
                scenario="steps",
                region=region,
                variable=INTENSITY,
                year=year,
                value=steps_int[year],
                source=f"{SRC_EMBER}; {SRC_WEO}",
                confidence=level_conf,
                notes=(
                    f"{level_note} x WEO STEPS ratio {ratio:.4f} = "
                    f"intensity({year})/intensity({e_year}) "
                    f"of {weo_label}, power-sector CO2 / total generation, linear between 2022, "
                    "2030, "
                    "2050"
                ),
            )
        for year in YEARS:
            tpi_ratio = tpi_series[year] / tpi_series[e_year]
            value = e_value * tpi_ratio
            note = (
                f"{level_note} x TPI 1.5 Degrees {TPI_REGION[region]} ratio {tpi_ratio:.4f} = "
                f"benchmark({year})/benchmark({e_year}); TPI 1.5 Degrees follows the IEA NZE power "
                "sector path (net zero around 2035 in advanced economies, 2040 globally)"
            )
            if value > steps_int[year]:
                note += f"; capped at the STEPS value ({value:.1f} before cap)"
                value = steps_int[year]
            rows.add(
                model="TPI 1.5 Degrees x Ember",
                scenario="nze",
                region=region,
                variable=INTENSITY,
                year=year,
                value=value,
                source=f"{SRC_EMBER}; {SRC_TPI}",
                confidence=level_conf,
                notes=note,
            )
        for year in YEARS:
            share = _lin(weo_share, year)
            rows.add(
                model="IEA WEO 2023 STEPS",
                scenario="steps",
                region=region,
                variable=RE_SHARE,
                year=year,
                value=share,
                source=SRC_WEO,
                confidence=share_conf,
                notes=(
                    f"renewables / total generation of {weo_label}, linear between 2022 "
                    f"({weo_share[2022]:.3f}), 2030 ({weo_share[2030]:.3f}) and 2050 "
                    f"({weo_share[2050]:.3f})"
                ),
            )
        for year in YEARS:
            steps_share = _lin(weo_share, year)
            if year <= 2025:
                factor = 1.0
            else:
                # non-renewable share scaled by the world NZE/STEPS ratio of non-renewable shares,
                # linear in time between 2025 (1.0), 2030 and 2050.
                f2030 = (1 - world_nze_share[2030]) / (1 - world_steps_share[2030])
                f2050 = (1 - world_nze_share[2050]) / (1 - world_steps_share[2050])
                factor = _lin({2025: 1.0, 2030: f2030, 2050: f2050}, year)
            share = 1.0 - (1.0 - steps_share) * factor
            rows.add(
                model="IEA WEO 2023 NZE headline (scaled)",
                scenario="nze",
                region=region,
                variable=RE_SHARE,
                year=year,
                value=share,
                source=f"{SRC_WEO}; {SRC_WEO_NZE_HEADLINE}",
                confidence="assumption",
                notes=(
                    f"1 - (1 - STEPS share) x {factor:.4f}: regional non-renewable share scaled "
                    "by the "
                    "world NZE/STEPS ratio of non-renewable shares (world NZE 0.60 in 2030, 0.91 "
                    "in "
                    "2050, unverified headline); equal to STEPS in 2025"
                ),
            )


# NZE CO2 prices (USD 2022 / t) by IEA country group, 2030/2040/2050 (recalled, unverified).
_NZE_CO2 = {
    "advanced": {2030: 140.0, 2040: 205.0, 2050: 250.0},
    "selected_emde": {2030: 90.0, 2040: 160.0, 2050: 200.0},
    "other_emde": {2030: 25.0, 2040: 85.0, 2050: 180.0},
}
_NZE_GROUP_LABEL = {
    "advanced": "Advanced economies",
    "selected_emde": "Selected emerging market and developing economies (China, India, Brazil, "
    "Indonesia, South Africa)",
    "other_emde": "Other emerging market and developing economies",
}
_NZE_GROUP = {
    "China": "selected_emde",
    "European Union": "advanced",
    "United States": "advanced",
    "Japan": "advanced",
    "Other advanced economies": "advanced",
    "Southeast Asia": "other_emde",
    "India": "selected_emde",
    "Middle East": "other_emde",
    "Africa": "other_emde",
    "Brazil": "selected_emde",
    "Latin America": "other_emde",
    "Rest of world": "other_emde",
    "World": "selected_emde",
}
# STEPS CO2 prices (US$/t) of the jurisdictions the IEA lists under stated policies, 2030/2040/2050:
# IEA WEO 2022 Annex B, Table B.2 "CO2 prices for electricity, industry and energy production in
# selected regions by scenario" (USD 2021). Recalled, not retrieved (the reference set has them as
# not_found): confidence unverified; check against WEO 2023/2024 before publication.
_WEO_STEPS_CO2: dict[str, dict[int, float]] = {
    "China": {2030: 28.0, 2040: 43.0, 2050: 53.0},
    "European Union": {2030: 90.0, 2040: 98.0, 2050: 113.0},
    "Korea": {2030: 42.0, 2040: 67.0, 2050: 89.0},
    "Chile and Colombia": {2030: 13.0, 2040: 21.0, 2050: 29.0},
}
# 2025 anchors of those jurisdictions (market prices; the WEO table starts in 2030).
_STEPS_CO2_2025: dict[str, tuple[float, str]] = {
    "China": (
        13.0,
        "China national ETS (CEA) 2024 implied average 95.8 CNY/t (verified_secondary, "
        "china_policy_facts.csv) / 7.2 CNY per USD",
    ),
    "European Union": (
        75.0,
        "EU ETS allowance price about EUR 65-80/t in 2024-2025 (recalled, unverified)",
    ),
    "Korea": (7.0, "K-ETS allowance (KAU) about 9,000-10,000 KRW/t in 2024 (recalled, unverified)"),
    "Chile and Colombia": (
        5.0,
        "Chile and Colombia carbon taxes of about US$5/t (recalled, unverified)",
    ),
}
_STEPS_GROUP_NOTE = (
    "IEA STEPS price of the jurisdiction (WEO 2022 Table B.2, USD 2021, recalled, unverified); "
    "2025 from the market price named; linear between"
)
# STEPS prices where the WEO lists no jurisdiction price: documented assumptions anchored on
# 2024-2025 market prices (the WEO itself applies none there).
_STEPS_CO2: dict[str, tuple[tuple[float, ...], str]] = {
    "United States": (
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        "no federal carbon price under stated policies; state schemes (California, RGGI) "
        "are not represented (assumption)",
    ),
    "Japan": (
        (2.0, 15.0, 25.0, 35.0, 40.0, 45.0),
        "2025: tax for climate change mitigation 289 JPY/t (recalled); GX-ETS and the fossil-fuel "
        "levy phase in from 2026-2028 (recalled, unverified; path is an assumption)",
    ),
    "Other advanced economies": (
        (30.0, 45.0, 55.0, 65.0, 70.0, 75.0),
        "mix of UK ETS, Canada's federal price, Korea ETS and no price elsewhere (assumption); "
        "Korea takes its WEO STEPS price through carbon_price_groups.csv (Canada's WEO value was "
        "not recalled with confidence and is left to this assumption)",
    ),
    "Southeast Asia": (
        (1.0, 5.0, 10.0, 15.0, 20.0, 25.0),
        "Singapore carbon tax and Indonesia's power-sector ETS cover a small share (assumption)",
    ),
    "India": (
        (0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
        "Carbon Credit Trading Scheme from 2026 (recalled; path is an assumption)",
    ),
    "Middle East": ((0.0, 0.0, 0.0, 5.0, 5.0, 10.0), "no carbon pricing in force (assumption)"),
    "Africa": ((0.0, 2.0, 5.0, 8.0, 10.0, 12.0), "South Africa carbon tax only (assumption)"),
    "Brazil": (
        (0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
        "Brazilian ETS (SBCE) law of 2024 phases in over several years (recalled; assumption)",
    ),
    "Latin America": (
        (1.0, 5.0, 10.0, 15.0, 20.0, 25.0),
        "carbon taxes in Mexico, Chile, Colombia at a few US$/t (assumption); Chile and Colombia "
        "take their WEO STEPS prices through carbon_price_groups.csv",
    ),
    "Rest of world": (
        (0.0, 3.0, 6.0, 10.0, 12.0, 15.0),
        "little carbon pricing in force (assumption)",
    ),
    "World": (
        (5.0, 10.0, 15.0, 20.0, 25.0, 30.0),
        "rough emissions-weighted average of the regions above (assumption)",
    ),
}
# Carbon-price group regions added to the table (beyond REGIONS) per scenario.
STEPS_CO2_GROUPS: tuple[str, ...] = ("Korea", "Chile and Colombia")
NZE_CO2_GROUPS: dict[str, str] = {
    "advanced": "Advanced economies",
    "selected_emde": "Selected emerging market and developing economies",
    "other_emde": "Other emerging market and developing economies",
}
NZE_GROUP_YEARS: tuple[int, ...] = YEARS
# 2025 point of the NZE group series: a placeholder so the series covers the base year. The
# assessment starts each country from its own region's 2025 value and runs linearly to the group's
# 2030 value (climrisk.transition.evaluate), because the IEA publishes no 2025 NZE price.
_NZE_GROUP_2025 = {"advanced": 75.0, "selected_emde": 13.0, "other_emde": 5.0}


def _steps_path(region: str) -> tuple[tuple[float, ...], str, str]:
    """STEPS values on YEARS, note and confidence label of one region or jurisdiction."""
    if region in _WEO_STEPS_CO2:
        pts = {2025: _STEPS_CO2_2025[region][0], **_WEO_STEPS_CO2[region]}
        values = tuple(_lin(pts, y) for y in YEARS)
        return values, f"{_STEPS_GROUP_NOTE}; 2025: {_STEPS_CO2_2025[region][1]}", "weo"
    values, basis = _STEPS_CO2[region]
    return values, f"IEA lists no STEPS price for this region; {basis}", "assumption"


def _add_steps(rows: _Rows, region: str) -> tuple[float, ...]:
    values, note, kind = _steps_path(region)
    for year, value in zip(YEARS, values, strict=True):
        weo = kind == "weo"
        rows.add(
            model="IEA WEO 2022 STEPS" if weo and year != 2025 else "climrisk assumption",
            scenario="steps",
            region=region,
            variable=CARBON,
            year=year,
            value=value,
            source=SRC_IEA_CO2_STEPS if weo else SRC_ASSUMPTION,
            confidence=(
                (
                    "unverified"
                    if year in _WEO_STEPS_CO2[region]
                    else "unverified"
                    if year == 2025
                    else "derived"
                )
                if weo
                else "assumption"
            ),
            notes=note,
        )
    return values


def _add_nze(rows: _Rows, region: str, group: str, start: float | None) -> None:
    """NZE rows of a region (2025 = ``start``) or of a group region (``start`` None: 2030-)."""
    pts = _NZE_CO2[group]
    label = _NZE_GROUP_LABEL[group]
    for year in YEARS:
        if year == 2025 and start is None:
            rows.add(
                model="climrisk assumption",
                scenario="nze",
                region=region,
                variable=CARBON,
                year=year,
                value=_NZE_GROUP_2025[group],
                source=SRC_ASSUMPTION,
                confidence="assumption",
                notes="placeholder (highest 2025 STEPS value of the members): the assessment "
                "starts each country from its own region's 2025 value and runs linearly to "
                "the group's 2030 value; IEA publishes no 2025 NZE price",
            )
            continue
        if year == 2025:
            rows.add(
                model="climrisk assumption",
                scenario="nze",
                region=region,
                variable=CARBON,
                year=year,
                value=start,
                source=SRC_ASSUMPTION,
                confidence="assumption",
                notes="IEA publishes no 2025 NZE price; pathways taken to diverge after 2025 "
                "(equal to the STEPS value)",
            )
            continue
        exact = year in pts
        rows.add(
            model="IEA WEO 2023 NZE",
            scenario="nze",
            region=region,
            variable=CARBON,
            year=year,
            value=_lin(pts, year),
            source=SRC_IEA_CO2_NZE,
            confidence="unverified" if exact else "derived",
            notes=(
                f"IEA NZE group '{label}'"
                + (" (World: middle group used as assumption)" if region == "World" else "")
                + ("" if exact else "; linear between the published 2030/2040/2050 values")
                + "; USD 2022, treated as nominal US$"
            ),
        )


def _carbon_prices(rows: _Rows) -> None:
    for region in REGIONS:
        steps = _add_steps(rows, region)
        _add_nze(rows, region, _NZE_GROUP[region], steps[0])
    for region in STEPS_CO2_GROUPS:
        _add_steps(rows, region)
    for group, region in NZE_CO2_GROUPS.items():
        _add_nze(rows, region, group, None)


# Electricity price (US$/MWh) for large non-household consumers: the 2024 level of the shared
# table climrisk/data/electricity_prices.csv (also read by the physical side), and index paths.
def _electricity_levels() -> dict[str, float]:
    table = pd.read_csv(ELECTRICITY_PRICES, keep_default_na=False)
    return dict(zip(table["region"], table["price_usd_per_mwh"].astype(float), strict=True))


_ELEC_INDEX = {
    "steps": (1.00, 1.02, 1.04, 1.05, 1.06, 1.07),
    "nze": (1.00, 1.05, 1.05, 1.00, 0.95, 0.90),
}
_ELEC_NOTE = {
    "steps": "index 1.00/1.02/1.04/1.05/1.06/1.07 (slow real rise with network investment)",
    "nze": "index 1.00/1.05/1.05/1.00/0.95/0.90 (network and storage build-out first, then low "
    "marginal-cost renewables)",
}


def _electricity_prices(rows: _Rows) -> None:
    levels = _electricity_levels()
    for region in REGIONS:
        for scenario in SCENARIOS:
            for year, index in zip(YEARS, _ELEC_INDEX[scenario], strict=True):
                rows.add(
                    model="climrisk assumption",
                    scenario=scenario,
                    region=region,
                    variable=ELEC_PRICE,
                    year=year,
                    value=levels[region] * index,
                    source=SRC_ASSUMPTION,
                    confidence="assumption",
                    notes=(
                        f"2025 level {levels[region]:g} US$/MWh from climrisk/data/"
                        "electricity_prices.csv (2024 tariffs for large non-household "
                        "consumers; illustrative) x "
                        f"{_ELEC_NOTE[scenario]} (assumption); "
                        "excludes explicit carbon-cost pass-through (counted by the carbon-price "
                        "driver)"
                    ),
                )


_PREMIUM_LEVEL = {
    "China": None,  # from the NEA GEC price, below
    "European Union": 3.0,
    "United States": 3.0,
    "Japan": 3.0,
    "Other advanced economies": 3.0,
    "Southeast Asia": 3.0,
    "India": 2.0,
    "Middle East": 3.0,
    "Africa": 3.0,
    "Brazil": 1.0,
    "Latin America": 2.0,
    "Rest of world": 3.0,
    "World": 3.0,
}
_PREMIUM_INDEX = {"steps": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0), "nze": (1.0, 2.0, 2.0, 1.5, 1.25, 1.0)}
_CNY_PER_USD = 7.2  # assumption: 2024-2025 average order of magnitude; same as settings' default FX


def _green_premium(rows: _Rows) -> None:
    gec_cny = 5.66  # CNY per certificate (1 MWh), NEA, August 2025 (china_policy_facts.csv)
    for region in REGIONS:
        level = _PREMIUM_LEVEL[region]
        if level is None:
            level = gec_cny / _CNY_PER_USD
            basis = (
                f"NEA green electricity certificate (GEC) average price Aug 2025 5.66 CNY per "
                f"certificate of 1 MWh (verified_secondary, {SRC_CN_POLICY}) / {_CNY_PER_USD} CNY "
                "per USD"
            )
        else:
            basis = (
                "order of magnitude of unbundled certificate prices (guarantees of origin, RECs, "
                "I-RECs) in 2024-2025 (recalled, illustrative)"
            )
        for scenario in SCENARIOS:
            for year, index in zip(YEARS, _PREMIUM_INDEX[scenario], strict=True):
                conf = "derived" if region == "China" and year == 2025 else "assumption"
                rows.add(
                    model="climrisk assumption",
                    scenario=scenario,
                    region=region,
                    variable=PREMIUM,
                    year=year,
                    value=level * index,
                    source=SRC_ASSUMPTION if conf == "assumption" else SRC_CN_POLICY,
                    confidence=conf,
                    notes=(
                        f"2025: {basis}; x index {index:g} "
                        + (
                            "(STEPS: flat)"
                            if scenario == "steps"
                            else "(NZE: certificate demand outpaces supply to the mid-2030s, "
                            "then eases as renewables dominate)"
                        )
                    ),
                )


_PUE: dict[str, dict[str, tuple[tuple[float, ...], str, str]]] = {
    "China": {
        "steps": (
            (1.30, 1.25, 1.20, 1.20, 1.20, 1.20),
            "verified_secondary/assumption",
            "2025: new large and hyperscale data centres PUE < 1.3 (NDRC/CAC/MIIT/NEA Dec 2021, "
            "verified_secondary); 2030: 1.25, the national hub node target extended nationally as "
            "the 2024 action plan's 'international advanced level' by 2030 (assumption); 2035+: "
            "1.20, GB 40879-2021 grade 1 (threshold unverified)",
        ),
        "nze": (
            (1.30, 1.20, 1.15, 1.15, 1.15, 1.15),
            "verified_secondary/assumption",
            "2025: PUE < 1.3 for new large data centres (verified_secondary); 2030: 1.20, GB "
            "40879-2021 "
            "grade 1 (unverified) and the western hub cap (unverified); 2035+: 1.15 best practice "
            "(assumption)",
        ),
    },
    "European Union": {
        "steps": (
            (1.50, 1.30, 1.30, 1.30, 1.30, 1.30),
            "assumption",
            "best-practice trajectory anchored on Germany's Energy Efficiency Act 2023 (existing "
            "data centres PUE <= 1.5 from 2027 and <= 1.3 from 2030; recalled, unverified)",
        ),
        "nze": (
            (1.50, 1.30, 1.20, 1.20, 1.20, 1.20),
            "assumption",
            "as STEPS to 2030, then 1.2, the German limit for new data centres from 2026 "
            "(recalled, "
            "unverified), for the whole stock",
        ),
    },
}
_PUE_DEFAULT = {
    "steps": (
        (1.50, 1.40, 1.35, 1.30, 1.30, 1.30),
        "assumption",
        "best-practice trajectory (no regulatory limit): from below the 2023 industry average PUE "
        "1.58 (Uptime Institute Global Data Center Survey 2023) towards 1.3",
    ),
    "nze": (
        (1.50, 1.30, 1.25, 1.20, 1.20, 1.20),
        "assumption",
        "best-practice trajectory (no regulatory limit) reaching today's hyperscale practice "
        "(~1.2) "
        "by 2040",
    ),
}


def _pue_limits(rows: _Rows) -> None:
    for region in REGIONS:
        for scenario in SCENARIOS:
            values, conf, note = _PUE.get(region, _PUE_DEFAULT)[scenario]
            for year, value in zip(YEARS, values, strict=True):
                confidence = conf
                if conf == "verified_secondary/assumption":
                    confidence = "verified_secondary" if year == 2025 else "assumption"
                rows.add(
                    model="climrisk assumption" if confidence == "assumption" else "policy",
                    scenario=scenario,
                    region=region,
                    variable=PUE_LIMIT,
                    year=year,
                    value=value,
                    source=SRC_CN_POLICY if region == "China" else SRC_ASSUMPTION,
                    confidence=confidence,
                    notes=note,
                )


# IEA Energy and AI region used for each pathway region's data-centre demand.
_DC_REGION = {
    "China": "China",
    "United States": "United States",
    "European Union": "Europe",
    "Japan": "Asia Pacific excl. China",
    "Southeast Asia": "Asia Pacific excl. China",
    "India": "Asia Pacific excl. China",
    "Other advanced economies": "World",
    "Middle East": "Rest of World",
    "Africa": "Rest of World",
    "Brazil": "Rest of World",
    "Latin America": "Rest of World",
    "Rest of world": "Rest of World",
    "World": "World",
}


def _dc_demand(rows: _Rows) -> None:
    ref = pd.read_csv(SOURCES / "climrisk_reference" / "iea_weo_pathways.csv")
    ref = ref[ref["variable"] == "data_centre_electricity_consumption"]
    table: dict[str, dict[int, float]] = {}
    for rec in ref.itertuples(index=False):
        table.setdefault(str(rec.region), {})[int(rec.year)] = float(rec.value)
    world_growth_2035 = table["World"][2035] / table["World"][2030]
    for region in REGIONS:
        iea_region = _DC_REGION[region]
        pts = table[iea_region]
        proxy = iea_region.lower() != region.lower()
        for scenario in SCENARIOS:
            for year in YEARS:
                if year == 2030:
                    value, conf = pts[2030], "verified_secondary"
                    note = f"IEA Energy and AI Base Case, {iea_region} 2030"
                elif year == 2025:
                    value, conf = _lin({2024: pts[2024], 2030: pts[2030]}, 2025), "derived"
                    note = (
                        f"linear between {iea_region} 2024 ({pts[2024]:g}) and 2030 ({pts[2030]:g})"
                    )
                elif 2035 in pts:
                    value = pts[2035]
                    conf = "verified_secondary" if year == 2035 else "assumption"
                    note = f"IEA Energy and AI Base Case, {iea_region} 2035" + (
                        ""
                        if year == 2035
                        else "; held at the 2035 level (no IEA projection "
                        "beyond 2035 in the reference set)"
                    )
                else:
                    value = pts[2030] * world_growth_2035
                    conf = "derived" if year == 2035 else "assumption"
                    note = (
                        f"{iea_region} 2030 x World growth 2030-2035 ({world_growth_2035:.4f}, "
                        "945 to "
                        "1,200 TWh)"
                        + (
                            ""
                            if year == 2035
                            else "; held at the 2035 level (no IEA "
                            "projection beyond 2035 in the reference set)"
                        )
                    )
                if proxy:
                    note += (
                        f"; proxy: the IEA region '{iea_region}' (climrisk uses only the growth "
                        "of this "
                        "series, not its level)"
                    )
                    conf = "proxy" if conf != "assumption" else conf
                note += (
                    "; Energy and AI has one Base Case, used for both STEPS and NZE (assumption)"
                )
                rows.add(
                    model="IEA Energy and AI 2025",
                    scenario=scenario,
                    region=region,
                    variable=DC_DEMAND,
                    year=year,
                    value=value,
                    source=SRC_ENERGY_AI,
                    confidence=conf,
                    notes=note,
                )


def build_table() -> pd.DataFrame:
    """Return the default pathway table (sorted, deterministic)."""
    rows = _Rows()
    _intensity_and_share(rows)
    _carbon_prices(rows)
    _electricity_prices(rows)
    _green_premium(rows)
    _pue_limits(rows)
    _dc_demand(rows)
    table = pd.DataFrame(rows.rows)
    order = {v: i for i, v in enumerate(UNITS)}
    table = (
        table.assign(
            _s=table["scenario"].map({s: i for i, s in enumerate(SCENARIOS)}),
            _r=table["region"].map({r: i for i, r in enumerate(ALL_REGIONS)}),
            _v=table["variable"].map(order),
        )
        .sort_values(["_s", "_r", "_v", "year"])
        .drop(columns=["_s", "_r", "_v"])
    )
    _check(table)
    return table.reset_index(drop=True)


ALL_REGIONS: tuple[str, ...] = (*REGIONS, *STEPS_CO2_GROUPS, *NZE_CO2_GROUPS.values())


def _check(table: pd.DataFrame) -> None:
    """Consistency checks: complete grid, NZE at least as ambitious as STEPS where it must be."""
    groups = len(STEPS_CO2_GROUPS) * len(YEARS) + len(NZE_CO2_GROUPS) * len(NZE_GROUP_YEARS)
    expected = len(SCENARIOS) * len(REGIONS) * len(UNITS) * len(YEARS) + groups
    if len(table) != expected or table.duplicated(["scenario", "region", "variable", "year"]).any():
        raise RuntimeError(f"default table has {len(table)} rows, expected {expected} unique")
    wide = table[table["region"].isin(REGIONS)].pivot_table(
        index=["region", "variable", "year"], columns="scenario", values="value"
    )
    for variable, sign in ((INTENSITY, -1), (CARBON, 1), (RE_SHARE, 1)):
        part = wide.xs(variable, level="variable")
        if ((part["nze"] - part["steps"]) * sign < -1e-9).any():
            raise RuntimeError(f"NZE less ambitious than STEPS for {variable}")
    share = table.loc[table["variable"] == RE_SHARE, "value"]
    if not share.between(0, 1).all():
        raise RuntimeError("renewables share outside [0, 1]")


# ---------------------------------------------------------------------------------------------
# Country tables
# ---------------------------------------------------------------------------------------------
_EU27 = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
}
# OECD members outside the EU, United States and Japan (IEA WEO 2023, Annex C regional definitions:
# advanced economies = OECD + Bulgaria, Croatia, Cyprus, Malta, Romania).
_OTHER_ADVANCED = {
    "AU",
    "CA",
    "CL",
    "CO",
    "CR",
    "IS",
    "IL",
    "KR",
    "MX",
    "NZ",
    "NO",
    "CH",
    "TR",
    "GB",
    # territories whose grids and policies follow an advanced economy
    "GI",
    "IM",
    "JE",
    "GG",
    "FO",
    "GL",
    "LI",
    "MC",
    "SM",
    "VA",
    "AD",
    "PR",
    "GU",
    "VI",
    "AS",
    "MP",
    "UM",
    "NF",
    "CX",
    "CC",
    "HM",
    "TK",
    "NU",
    "CK",
    "BM",
    "KY",
    "VG",
    "TC",
    "MS",
    "AI",
    "FK",
    "SH",
    "GS",
    "PN",
    "IO",
    "AQ",
    "BV",
    "SJ",
}
_CHINA = {"CN", "HK", "MO"}  # IEA's China region includes Hong Kong (WEO Annex C)
_SEA = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"}
_MIDDLE_EAST = {"BH", "IR", "IQ", "JO", "KW", "LB", "OM", "QA", "SA", "SY", "AE", "YE", "PS"}
_AFRICA = {
    "DZ",
    "AO",
    "BJ",
    "BW",
    "BF",
    "BI",
    "CV",
    "CM",
    "CF",
    "TD",
    "KM",
    "CG",
    "CD",
    "CI",
    "DJ",
    "EG",
    "GQ",
    "ER",
    "SZ",
    "ET",
    "GA",
    "GM",
    "GH",
    "GN",
    "GW",
    "KE",
    "LS",
    "LR",
    "LY",
    "MG",
    "MW",
    "ML",
    "MR",
    "MU",
    "MA",
    "MZ",
    "NA",
    "NE",
    "NG",
    "RW",
    "ST",
    "SN",
    "SC",
    "SL",
    "SO",
    "ZA",
    "SS",
    "SD",
    "TZ",
    "TG",
    "TN",
    "UG",
    "EH",
    "ZM",
    "ZW",
    "RE",
    "YT",
    "TF",
}
_LATAM = {
    "AR",
    "BO",
    "EC",
    "GY",
    "PY",
    "PE",
    "SR",
    "UY",
    "VE",
    "BZ",
    "SV",
    "GT",
    "HN",
    "NI",
    "PA",
    "CU",
    "DO",
    "HT",
    "JM",
    "TT",
    "BS",
    "BB",
    "AG",
    "DM",
    "GD",
    "KN",
    "LC",
    "VC",
    "AW",
    "CW",
    "SX",
    "BQ",
    "BL",
    "MF",
    "GP",
    "MQ",
    "GF",
    "PM",
}
# French, Danish and Dutch overseas territories follow their region's grid, not the EU's.


def _region_of(alpha2: str) -> str:
    if alpha2 in _CHINA:
        return "China"
    if alpha2 in _EU27:
        return "European Union"
    if alpha2 == "US":
        return "United States"
    if alpha2 == "JP":
        return "Japan"
    if alpha2 == "IN":
        return "India"
    if alpha2 == "BR":
        return "Brazil"
    for members, region in (
        (_OTHER_ADVANCED, "Other advanced economies"),
        (_SEA, "Southeast Asia"),
        (_MIDDLE_EAST, "Middle East"),
        (_AFRICA, "Africa"),
        (_LATAM, "Latin America"),
    ):
        if alpha2 in members:
            return region
    return "Rest of world"


def build_country_regions() -> list[dict[str, str]]:
    """Every ISO 3166-1 alpha-2 country with its pathway region."""
    return [
        {"country": c.alpha_2, "name": c.name, "region": _region_of(c.alpha_2)}
        for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)
    ]


def build_country_intensity() -> list[dict[str, object]]:
    """Ember grid intensity per ISO alpha-2 country (latest year in the source)."""
    ember = _read_ember()
    out = []
    for key, rec in ember.items():
        code = str(rec.get("country_code") or "")
        if len(code) != 3:
            continue
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            continue
        out.append(
            {
                "country": country.alpha_2,
                "year": int(rec["year"]),
                "intensity_g_co2_per_kwh": round(float(rec["emissions_intensity_gco2_per_kwh"]), 2),
                "source": f"Ember via co2.js ({key}), CC BY-SA 4.0",
            }
        )
    return sorted(out, key=lambda r: str(r["country"]))


_SELECTED_EMDE = {"CN", "HK", "MO", "IN", "ID", "BR", "ZA"}
_STEPS_JURISDICTION = {"KR": "Korea", "CL": "Chile and Colombia", "CO": "Chile and Colombia"}


def _carbon_groups_of(alpha2: str) -> tuple[str, str]:
    """STEPS and NZE carbon-price region of a country (STEPS '' = its pathway region)."""
    region = _region_of(alpha2)
    if alpha2 in _STEPS_JURISDICTION:
        steps = _STEPS_JURISDICTION[alpha2]
    elif region in ("China", "European Union"):
        steps = region
    else:
        steps = ""
    if alpha2 in _SELECTED_EMDE:
        nze = NZE_CO2_GROUPS["selected_emde"]
    elif region in ("European Union", "United States", "Japan", "Other advanced economies"):
        nze = NZE_CO2_GROUPS["advanced"]
    else:
        nze = NZE_CO2_GROUPS["other_emde"]
    return steps, nze


def build_carbon_price_groups() -> list[dict[str, str]]:
    """Every ISO alpha-2 country with its IEA WEO carbon-price group per pathway.

    STEPS: the jurisdictions with a WEO STEPS price (China incl. Hong Kong and Macao as in the
    IEA's China region, European Union, Korea, Canada, Chile and Colombia); empty means the
    country's pathway region. NZE: advanced economies (OECD + Bulgaria, Croatia, Cyprus, Malta,
    Romania), the selected emerging market and developing economies (China, India, Indonesia,
    Brazil, South Africa), and the other emerging market and developing economies.
    """
    out = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        steps, nze = _carbon_groups_of(c.alpha_2)
        out.append({"country": c.alpha_2, "name": c.name, "steps": steps, "nze": nze})
    return out


def _write_csv(path: Path, rows: list[dict[str, object]] | pd.DataFrame) -> None:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    frame.to_csv(
        path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8"
    )


def build(out_dir: Path = HERE) -> None:
    """Write the four tables into ``out_dir``."""
    _write_csv(out_dir / "iea_steps_nze_default.csv", build_table())
    _write_csv(out_dir / "country_regions.csv", build_country_regions())  # type: ignore[arg-type]
    _write_csv(out_dir / "country_grid_intensity.csv", build_country_intensity())
    _write_csv(out_dir / "carbon_price_groups.csv", build_carbon_price_groups())  # type: ignore[arg-type]


if __name__ == "__main__":
    build()
