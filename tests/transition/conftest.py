"""Fixtures for the transition tests: tiny synthetic portfolios and pathway files."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from climrisk.portfolio.model import Portfolio

_COLUMNS = {
    "asset_type": "other",
    "country": None,
    "business_unit": None,
    "value": np.nan,
    "annual_revenue": np.nan,
    "currency": None,
    "cooling": None,
    "it_load_mw": np.nan,
    "pue": np.nan,
    "annual_energy_mwh": np.nan,
    "renewable_share": np.nan,
    "water_withdrawal_m3": np.nan,
    "scope1_tco2e": np.nan,
    "scope2_tco2e": np.nan,
}


def build_portfolio(rows: list[dict], currency: str | None = "USD") -> Portfolio:
    """A Portfolio from dicts with any of the canonical columns (others get defaults)."""
    records = []
    for i, row in enumerate(rows):
        rec = {**_COLUMNS, "asset_id": f"a{i}", "latitude": 0.0, "longitude": 0.0}
        rec.update(row)
        records.append(rec)
    df = pd.DataFrame.from_records(records).set_index("asset_id")
    df["has_footprint"] = False
    for col in ("asset_type", "country", "business_unit", "currency", "cooling"):
        df[col] = df[col].astype(object)
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326"
    )
    return Portfolio(assets=gdf, source=Path("assets.csv"), assumptions=(), currency=currency)


@pytest.fixture
def make_portfolio():
    return build_portfolio


@pytest.fixture
def small_portfolio() -> Portfolio:
    """Two data centres (cloud), a warehouse (logistics) and an office (corporate)."""
    return build_portfolio(
        [
            {
                "asset_type": "data_center",
                "country": "CN",
                "value": 5e8,
                "annual_revenue": 2e8,
                "it_load_mw": 20.0,
                "pue": 1.45,
                "renewable_share": 0.3,
                "scope1_tco2e": 100.0,
            },
            {
                "asset_type": "data_center",
                "country": "US",
                "business_unit": "cloud",
                "value": 3e8,
                "annual_revenue": 1e8,
                "it_load_mw": 10.0,
                "pue": 1.25,
                "renewable_share": 0.5,
                "scope1_tco2e": 50.0,
            },
            {
                "asset_type": "warehouse",
                "country": "DE",
                "value": 5e7,
                "annual_revenue": 3e7,
                "annual_energy_mwh": 5000.0,
                "renewable_share": 0.0,
                "scope1_tco2e": 300.0,
            },
            {
                "asset_type": "office",
                "country": "SG",
                "value": 2e7,
                "annual_revenue": 1e7,
                "annual_energy_mwh": 800.0,
                "scope2_tco2e": 350.0,
            },
        ]
    )


WIDE_HEADER = "Model,Scenario,Region,Variable,Unit,2025,2030,2035,2040,2045,2050"


def wide_csv(rows: list[str]) -> str:
    """A wide IAMC CSV text from data lines (header added)."""
    return "\n".join([WIDE_HEADER, *rows]) + "\n"


@pytest.fixture
def user_pathway_text() -> str:
    """A small user IAMC file: World only, two scenarios, carbon price and grid intensity."""
    return wide_csv(
        [
            "M,Stated Policies Scenario,World,Price|Carbon,US$2010/t CO2,10,20,30,40,50,60",
            "M,Stated Policies Scenario,World,Emissions Intensity|Electricity,t CO2/MWh,"
            "0.5,0.4,0.3,0.2,0.1,0.05",
            "M,NZE,World,Price|Carbon,USD/tCO2,20,100,150,200,250,300",
            "M,NZE,World,Emissions Intensity|Electricity,g CO2/kWh,450,300,150,50,10,0",
        ]
    )


@pytest.fixture
def wide():
    return wide_csv
