"""A small but realistic results folder (the shapes ``climrisk assess`` writes), engine-free.

Twelve assets of a fictional cloud / logistics group, all ten hazards, two climate scenarios,
three horizons, and transition rows for the eight categories on two pathways. Numbers are
deterministic (seeded) and illustrative only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HAZARDS = {
    # hazard: (category, indicator, units, scale of intensity, annual loss ratio at intensity 1)
    "extreme_heat": ("acute", "days_above_35c", "day/year", 40.0, 0.0008),
    "extreme_cold": ("acute", "days_below_minus_10c", "day/year", 25.0, 0.0002),
    "riverine_flood": ("acute", "flood_depth (100-year return period)", "m", 0.8, 0.0015),
    "pluvial_flood": ("acute", "flood_depth (100-year return period)", "m", 0.4, 0.0010),
    "coastal_flood": ("acute", "flood_depth (100-year return period)", "m", 0.6, 0.0012),
    "tropical_cyclone": ("acute", "max_wind_speed (100-year return period)", "m/s", 35.0, 0.0020),
    "landslide": ("acute", "annual_probability", "1/year", 0.002, 0.0003),
    "wildfire": ("acute", "days_fwi_above_30", "day/year", 12.0, 0.0002),
    "water_stress": ("chronic", "water_stress_ratio", "1", 0.35, 0.0006),
    "drought": ("chronic", "consecutive_dry_days", "day", 45.0, 0.0003),
}
BOUNDARIES = {
    "extreme_heat": (5, 20, 45, 90),
    "extreme_cold": (5, 20, 45, 90),
    "riverine_flood": (0.05, 0.5, 1.0, 2.0),
    "pluvial_flood": (0.05, 0.3, 0.5, 1.0),
    "coastal_flood": (0.05, 0.5, 1.0, 2.0),
    "tropical_cyclone": (25.7, 33.0, 43.0, 58.0),
    "landslide": (1e-4, 1e-3, 3e-3, 1e-2),
    "wildfire": (5, 15, 30, 60),
    "water_stress": (0.1, 0.2, 0.4, 0.8),
    "drought": (20, 40, 60, 100),
}
ASSETS = [
    # asset_id, name, type, lat, lon, country, business unit, value, revenue
    ("DC-CN-001", "Zhangbei North Data Centre", "data_center", 41.15, 114.73, "CN", "cloud",
     480e6, 240e6),
    ("DC-CN-002", "乌兰察布集宁数据中心", "data_center", 40.99, 113.09, "CN", "cloud", 960e6,
     480e6),
    ("DC-CN-003", "Hangzhou Renhe Data Centre", "data_center", 30.43, 120.05, "CN", "cloud",
     620e6, 300e6),
    ("DC-CN-004", "Shenzhen Qianhai Data Centre", "data_center", 22.53, 113.90, "CN", "cloud",
     540e6, 260e6),
    ("DC-HK-001", "將軍澳數據中心", "data_center", 22.28, 114.26, "HK", "cloud", 380e6,
     190e6),
    ("DC-SG-001", "Singapore Jurong Data Centre", "data_center", 1.33, 103.72, "SG", "cloud",
     410e6, 200e6),
    ("DC-US-001", "Ashburn Virginia Data Centre", "data_center", 39.04, -77.49, "US", "cloud",
     350e6, 170e6),
    ("CP-CN-001", "Hangzhou Xixi Campus", "campus", 30.28, 120.03, "CN", "corporate", 900e6,
     0.0),
    ("WH-CN-001", "Guangzhou Baiyun Logistics Hub", "warehouse", 23.39, 113.30, "CN",
     "logistics", 120e6, 90e6),
    ("WH-CN-002", "Shanghai Lingang Warehouse", "warehouse", 30.90, 121.93, "CN", "logistics",
     95e6, 70e6),
    ("WH-MY-001", "Kuala Lumpur Fulfilment Centre", "warehouse", 3.03, 101.45, "MY",
     "ecommerce", 60e6, 45e6),
    ("OF-NL-001", "Amsterdam Zuidas Office", "office", 52.34, 4.87, "NL", "ecommerce", 85e6,
     0.0),
]
SCENARIOS = ("ssp126", "ssp370")
HORIZONS = {"short": 2027, "mid": 2031, "long": 2050}
PATHWAYS = ("steps", "nze")
CREATED = "2026-11-24T09:30:00+00:00"
TRANSITION_DRIVERS = [
    # kind, category, driver, metric, units, business units, base impact, growth nze, channel
    ("risk", "policy_and_legal", "carbon_price", "priced_emissions", "t CO2e/yr",
     ("cloud", "logistics"), 2.0e6, 3.0, "opex_up"),
    ("risk", "policy_and_legal", "compliance_cost", "assets", "count", ("cloud", "logistics"),
     0.3e6, 1.3, "opex_up"),
    ("risk", "technology", "pue_retrofit", "pue_gap", "PUE", ("cloud",), 1.5e6, 2.0,
     "capex_up"),
    ("risk", "technology", "stranded_asset_impairment", "value_at_risk", "USD", ("cloud",),
     0.4e6, 2.5, "asset_value_down"),
    ("risk", "market", "electricity_price", "electricity_price_change", "%",
     ("cloud", "logistics"), 1.8e6, 1.5, "opex_up"),
    ("risk", "market", "green_power_premium", "clean_power_procured", "MWh/yr", ("cloud",),
     0.9e6, 1.8, "opex_up"),
    ("risk", "reputation", "emissions_gap", "excess_emissions", "t CO2e/yr",
     ("cloud", "logistics"), 0.2e6, 2.2, "financing_cost_up"),
    ("opportunity", "resource_efficiency", "pue_improvement", "energy_saved", "MWh/yr",
     ("cloud",), 1.1e6, 1.6, "opex_down"),
    ("opportunity", "energy_source", "ppa_and_onsite_solar", "ppa_energy", "MWh/yr",
     ("cloud", "logistics"), 0.7e6, 1.9, "opex_down"),
    ("opportunity", "products_and_services", "low_carbon_cloud_demand", "additional_revenue",
     "USD", ("cloud",), 3.0e6, 2.4, "revenue_up"),
    ("opportunity", "markets", "new_markets", "additional_revenue", "USD", ("ecommerce",),
     0.5e6, 1.7, "revenue_up"),
]
TRANSITION_CHANNELS = ("opex_up", "capex_up", "revenue_down", "revenue_up", "opex_down",
                       "asset_value_down", "financing_cost_up")


def _classify(values: np.ndarray, bounds: tuple[float, ...]) -> np.ndarray:
    return 1 + (values[:, None] >= np.asarray(bounds)[None, :]).sum(axis=1)


def _asset_results(rng: np.random.Generator, assets: list[tuple] = ASSETS) -> pd.DataFrame:
    rows = []
    factor = {("ssp126", "short"): 1.0, ("ssp126", "mid"): 1.08, ("ssp126", "long"): 1.2,
              ("ssp370", "short"): 1.02, ("ssp370", "mid"): 1.15, ("ssp370", "long"): 1.6}
    exposure = rng.uniform(0.0, 1.0, size=(len(assets), len(HAZARDS))) ** 2 * 1.4
    exposure[rng.uniform(size=exposure.shape) < 0.4] = 0.0  # many sites are not exposed
    exposure[:, 0] = np.maximum(exposure[:, 0], 0.3)  # every site sees some heat
    tropical = np.array([abs(a[3]) < 23.5 for a in assets])
    exposure[tropical, 1] = 0.0  # no frost in the tropics
    for a, (asset_id, _name, asset_type, _lat, _lon, country, unit, value, _rev) in enumerate(
        assets
    ):
        for h, (hazard, (_cat, indicator, units, scale, loss)) in enumerate(HAZARDS.items()):
            for scenario in SCENARIOS:
                for horizon, year in HORIZONS.items():
                    f = factor[(scenario, horizon)]
                    intensity = exposure[a, h] * scale * f
                    baseline = exposure[a, h] * scale
                    ratio = exposure[a, h] * loss * f * 0.4
                    acute = hazard not in ("water_stress", "drought", "extreme_heat",
                                           "extreme_cold")
                    ead = value * ratio if acute else 0.0
                    bi = value * ratio * 0.3 if hazard in ("extreme_heat", "tropical_cyclone",
                                                           "riverine_flood") else 0.0
                    opex = value * ratio * 0.5 if not acute else 0.0
                    spread = hazard in ("extreme_heat", "riverine_flood", "water_stress")
                    status = "ok"
                    if asset_id == "OF-NL-001" and hazard == "landslide":
                        status = "no_data"
                    elif asset_id == "WH-MY-001" and hazard == "drought":
                        status = "no_model"
                    rows.append({
                        "asset_id": asset_id, "asset_type": asset_type, "hazard": hazard,
                        "scenario": scenario, "horizon": horizon, "year": year,
                        "indicator": indicator, "units": units,
                        "intensity": intensity, "baseline_intensity": baseline,
                        "damage_ratio": ratio if acute else np.nan,
                        "ead": ead, "bi_loss": bi, "opex_delta": opex,
                        "intensity_low": intensity * 0.8 if spread else np.nan,
                        "intensity_high": intensity * 1.25 if spread else np.nan,
                        "damage_ratio_low": ratio * 0.7 if spread and acute else np.nan,
                        "damage_ratio_high": ratio * 1.4 if spread and acute else np.nan,
                        "ead_low": ead * 0.7 if spread else np.nan,
                        "ead_high": ead * 1.4 if spread else np.nan,
                        "bi_loss_low": bi * 0.7 if spread else np.nan,
                        "bi_loss_high": bi * 1.4 if spread else np.nan,
                        "opex_delta_low": opex * 0.7 if spread else np.nan,
                        "opex_delta_high": opex * 1.4 if spread else np.nan,
                        "loss_100yr": ead * 40 if acute else 0.0,
                        "capex": value * ratio * 0.1 if hazard in ("extreme_heat",
                                                                   "water_stress") else 0.0,
                        "downtime_days": exposure[a, h] * f if bi else 0.0,
                        "status": status,
                        "business_unit": unit, "country": country, "value": value,
                    })
    frame = pd.DataFrame(rows)
    hazard_score = np.zeros(len(frame))
    for hazard, bounds in BOUNDARIES.items():
        mask = (frame["hazard"] == hazard).to_numpy()
        hazard_score[mask] = _classify(frame.loc[mask, "intensity"].to_numpy(), bounds)
    share = (frame["ead"] + frame["bi_loss"] + frame["opex_delta"]) / frame["value"]
    financial = _classify(share.to_numpy(), (0.0005, 0.002, 0.005, 0.01))
    score = np.maximum(hazard_score, financial).astype(float)
    no_data = (frame["status"] == "no_data").to_numpy()
    score[no_data] = np.nan
    for column in ("ead", "bi_loss", "opex_delta", "damage_ratio"):
        frame.loc[no_data, column] = np.nan
    frame["score"] = pd.array(np.where(np.isnan(score), None, score), dtype="Int8")
    labels = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}
    frame["score_label"] = [
        "no data" if nd else labels[int(s)] for s, nd in zip(np.nan_to_num(score), no_data,
                                                                  strict=True)
    ]
    frame["hazard_score"] = pd.array(np.where(no_data, None, hazard_score), dtype="Int8")
    frame["financial_score"] = pd.array(np.where(no_data, None, financial), dtype="Int8")
    columns = [
        "asset_id", "asset_type", "hazard", "scenario", "horizon", "year", "indicator", "units",
        "intensity", "baseline_intensity", "damage_ratio", "ead", "bi_loss", "opex_delta",
        "score", "score_label", "intensity_low", "intensity_high", "damage_ratio_low",
        "damage_ratio_high", "ead_low", "ead_high", "bi_loss_low", "bi_loss_high",
        "opex_delta_low", "opex_delta_high", "loss_100yr", "capex", "downtime_days",
        "hazard_score", "financial_score", "status", "business_unit", "country", "value",
    ]
    return frame[columns]


def _physical_matrix(results: pd.DataFrame) -> pd.DataFrame:
    score = results["score"].astype("float64")
    value = results["value"].astype(float)
    work = results.assign(
        category=results["hazard"].map({h: v[0] for h, v in HAZARDS.items()}),
        has_data=score.notna(), high=score >= 3, value_high=value.where(score >= 3, 0.0),
        vxs=(value * score).fillna(0.0), value_scored=value.where(score.notna(), 0.0),
        s=score,
    )
    keys = ["category", "hazard", "asset_type", "scenario", "horizon", "year"]
    out = work.groupby(keys, sort=True).agg(
        asset_count=("has_data", "size"), assets_with_data=("has_data", "sum"),
        assets_score_ge3=("high", "sum"), value=("value", "sum"),
        value_high=("value_high", "sum"), vxs=("vxs", "sum"),
        value_scored=("value_scored", "sum"), max_score=("s", "max"),
        opex_up=("opex_delta", "sum"), capex_up=("capex", "sum"),
        revenue_down=("bi_loss", "sum"), asset_value_down=("ead", "sum"),
        loss_100yr=("loss_100yr", "sum"),
    ).reset_index()
    out["value_share_score_ge3"] = out["value_high"] / out["value_scored"]
    out["value_weighted_score"] = out["vxs"] / out["value_scored"]
    out["material"] = (out["value_share_score_ge3"] >= 0.1) | (out["value_weighted_score"] >= 3)
    columns = [
        "category", "hazard", "asset_type", "scenario", "horizon", "year", "asset_count",
        "assets_with_data", "assets_score_ge3", "value", "value_share_score_ge3",
        "value_weighted_score", "max_score", "material", "opex_up", "capex_up", "revenue_down",
        "asset_value_down", "loss_100yr",
    ]
    return out[columns]


def _transition_matrix() -> pd.DataFrame:
    rows = []
    growth_year = {"short": 0.0, "mid": 0.45, "long": 1.0}
    for kind, category, driver, metric, units, units_bu, base, nze, channel in TRANSITION_DRIVERS:
        for unit in units_bu:
            share = 0.7 if unit == "cloud" else 0.3
            for pathway in PATHWAYS:
                for horizon, year in HORIZONS.items():
                    g = 1.0 + (nze - 1.0 if pathway == "nze" else 0.3) * growth_year[horizon]
                    impact = base * share * g
                    score = 1 + int(impact >= 0.5e6) + int(impact >= 1.0e6) + int(impact >= 2e6)
                    row = {
                        "kind": kind, "category": category, "driver": driver,
                        "business_unit": unit, "scenario": pathway, "horizon": horizon,
                        "year": year, "metric": metric, "metric_value": impact / 100.0,
                        "metric_units": units, "financial_impact": impact, "score": score,
                        "material": score >= 3,
                    }
                    for name in TRANSITION_CHANNELS:
                        row[name] = impact if name == channel else 0.0
                    rows.append(row)
    return pd.DataFrame(rows)


def _adaptation() -> pd.DataFrame:
    """``adaptation.csv`` rows for two sites (illustrative, in the shape the engine writes)."""
    from climrisk.adaptation import ADAPTATION_COLUMNS, load_catalogue

    catalogue = load_catalogue()
    rows = []
    for asset, kind, measures in (
        ("WH-CN-002", "warehouse", (("flood_protection", 100, 1.9e6, 12.0e6, 0.4e6),
                                    ("wet_floodproofing", 0.3, 0.5e6, 1.1e6, 1.6e6))),
        ("DC-HK-001", "data_center", (("cyclone_hardening", 1.1, 3.8e6, 2.9e6, 1.2e6),
                                      ("elevate_equipment", 1.0, 3.0e6, 1.5e6, 1.5e6))),
    ):
        for scenario, grow in (("ssp126", 1.0), ("ssp370", 1.1)):
            for rank, (measure, parameter, capex, benefit, after) in enumerate(measures, 1):
                m = catalogue[measure]
                opex = capex * m.opex_share
                cost = capex + opex * 16.0
                rows.append({
                    "asset_id": asset, "asset_type": kind, "measure": measure,
                    "effect": m.effect, "parameter": parameter, "scenario": scenario,
                    "rank": rank, "capex": capex, "opex_per_year": opex,
                    "appraisal_start": 2027, "appraisal_end": 2050, "discount_rate": 0.035,
                    "pv_cost": cost, "pv_benefit": benefit * grow,
                    "npv": benefit * grow - cost, "bcr": benefit * grow / cost,
                    "loss_before_long": 2.0e6 * grow, "loss_after_long": after * grow,
                    "residual_share": after / 2.0e6, "effect_source": m.effect_source,
                    "cost_source": m.cost_source,
                })
    return pd.DataFrame(rows, columns=list(ADAPTATION_COLUMNS))


def _manifest(portfolio: Path) -> dict:
    sha = hashlib.sha256(portfolio.read_bytes()).hexdigest()
    layers = []
    for hazard, (_cat, indicator, units, _s, _l) in HAZARDS.items():
        layers.append({
            "hazard": hazard, "indicator": indicator.split(" (")[0], "units": units,
            "file": f"{hazard}.nc", "sha256": hashlib.sha256(hazard.encode()).hexdigest(),
            "source": "climrisk reference pack (CMIP6-derived deltas on a coarse grid)",
            "license": "CC BY 4.0",
            "references": "Illustrative reference layer; see hazard_data/SOURCES.md",
            "illustrative": hazard != "water_stress",
        })
    return {
        "climrisk_manifest": 1,
        "created": CREATED,
        "inputs": [{"role": "portfolio", "path": str(portfolio), "sha256": sha}],
        "hazard_layers": layers,
        "pathways": {"sources": [{
            "name": "climrisk default transition pathways (IEA STEPS / NZE, 2025-2050)",
            "file": "iea_steps_nze.csv", "licence": "CC BY-SA 4.0",
            "sha256": "ab" * 32,
            "sources": [
                {"name": "IEA (2023), World Energy Outlook 2023, Free Dataset (Annex A)",
                 "licence": "IEA terms (free dataset, attribution)",
                 "used_for": "STEPS grid-intensity trajectory and renewables share"},
                {"name": "Ember, Yearly Electricity Data", "licence": "CC BY-SA 4.0",
                 "used_for": "2024 grid-intensity levels"},
            ],
        }]},
        "configuration": {
            "portfolios": [str(portfolio)], "scenarios": list(SCENARIOS),
            "pathway_scenarios": list(PATHWAYS), "lang": "en", "pdf": True,
            "company": "Harbour Cloud Group", "report_currency": "USD",
            "horizons": dict(HORIZONS), "scoring": {},
        },
        "assumptions": [
            {"column": "ground_floor_elevation_m", "asset_type": "warehouse", "value": "0.3",
             "count": 2, "source": "typical raised slab for logistics buildings (judgement)"},
            {"column": "flood_protection_rp", "asset_type": "data_center", "value": "100",
             "count": 3, "source": "GB 50174-2017 class A design flood"},
            {"name": "transition.carbon_price_coverage", "value": 0.8,
             "meaning": "share of Scope 1 and 2 emissions under a carbon price",
             "source": "climrisk assumption"},
        ],
        "scoring": [
            {"hazard": h, "indicator": HAZARDS[h][1].split(" (")[0], "units": HAZARDS[h][2],
             "boundaries": list(b), "source": "climrisk classes"}
            for h, b in BOUNDARIES.items()
        ] + [{"hazard": "financial", "indicator": "annual impact / value", "units": "1",
              "boundaries": [0.0005, 0.002, 0.005, 0.01], "source": "climrisk classes"}],
        "missing": [],
        "warnings": ["hazard layer wildfire.nc: coarse resolution (1 degree)"],
        "software": {"python": "3.11.9", "climrisk": "0.1.0", "reportlab": "5.1.0"},
        "timings_s": {"total": 3.2},
        "outputs": ["asset_results.parquet", "physical_matrix.csv", "transition_matrix.csv",
                    "report.pdf", "manifest.json"],
    }


def write_portfolio(path: Path, assets: list[tuple] = ASSETS) -> Path:
    """Write the fixture's asset file (CSV) and return its path."""
    frame = pd.DataFrame(assets, columns=["asset_id", "name", "asset_type", "latitude",
                                          "longitude", "country", "business_unit", "value",
                                          "annual_revenue"])
    frame["currency"] = "USD"
    frame.to_csv(path, index=False)
    return path


def build_results_folder(folder: Path, *, coordinates: str = "portfolio",
                         assets: list[tuple] = ASSETS) -> Path:
    """Write a complete results folder into ``folder`` and return it.

    Parameters
    ----------
    coordinates
        ``portfolio``: the asset file named in the manifest carries the coordinates;
        ``columns``: ``latitude``/``longitude`` columns in ``asset_results``; ``none``: neither.
    assets
        ``(asset_id, name, asset_type, lat, lon, country, business_unit, value, revenue)``
        rows (default: the twelve fixture assets).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261124)
    portfolio = write_portfolio(folder.parent / f"{folder.name}_assets.csv", assets)
    results = _asset_results(rng, assets)
    if coordinates == "columns":
        coords = {a[0]: (a[3], a[4]) for a in assets}
        results["latitude"] = results["asset_id"].map(lambda i: coords[i][0])
        results["longitude"] = results["asset_id"].map(lambda i: coords[i][1])
    results.to_parquet(folder / "asset_results.parquet", index=False)
    _physical_matrix(results).to_csv(folder / "physical_matrix.csv", index=False,
                                     float_format="%.6g")
    _transition_matrix().to_csv(folder / "transition_matrix.csv", index=False,
                                float_format="%.6g")
    if {a[0] for a in assets} >= {"WH-CN-002", "DC-HK-001"}:
        _adaptation().to_csv(folder / "adaptation.csv", index=False, float_format="%.6g")
    manifest = _manifest(portfolio)
    if coordinates == "none":
        manifest["inputs"] = [{"role": "portfolio", "path": str(folder / "gone.csv"),
                               "sha256": "0" * 64}]
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
    return folder


@pytest.fixture
def make_results() -> object:
    """Factory: ``make_results(folder, coordinates="portfolio"|"columns"|"none")``."""
    return build_results_folder


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder shared by the report tests (read-only: copy before changing it)."""
    return build_results_folder(tmp_path_factory.mktemp("report") / "run")


@pytest.fixture(scope="session")
def rendered(results_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report rendered once per language: ``{lang: pdf path}``."""
    from climrisk.report.pdf import render_pdf

    out_dir = tmp_path_factory.mktemp("pdfs")
    return {
        lang: render_pdf(results_dir, lang=lang, out=out_dir / f"report-{lang}.pdf")
        for lang in ("en", "zh-Hant", "zh-Hans")
    }
