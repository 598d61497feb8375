"""The embedded data: the builder is deterministic and the country map is complete."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pycountry

from climrisk.transition import read_country_regions, read_pathways
from climrisk.transition.pathway import DATA_DIR
from climrisk.transition.regions import read_carbon_price_groups, read_country_grid_intensity

BUILDER = Path(__file__).resolve().parents[2] / "tools" / "build_pathways.py"


def _builder():
    sys.dont_write_bytecode, before = True, sys.dont_write_bytecode  # keep the data folder clean
    try:
        return _load_builder()
    finally:
        sys.dont_write_bytecode = before


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_pathways", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_reproduces_shipped_tables(tmp_path):
    _builder().build(tmp_path)
    for name in (
        "iea_steps_nze_default.csv",
        "country_regions.csv",
        "country_grid_intensity.csv",
        "carbon_price_groups.csv",
    ):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_country_map_covers_every_iso_country():
    mapping = read_country_regions()
    assert set(mapping) == {c.alpha_2 for c in pycountry.countries}
    assert set(mapping.values()) <= set(read_pathways().regions())
    assert mapping["HK"] == "China"
    assert mapping["FR"] == "European Union"
    assert mapping["NA"] == "Africa"  # Namibia, not a missing value


def test_country_map_overrides(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("country,region\nHKG,Other advanced economies\n", encoding="utf-8")
    mapping = read_country_regions(path, {"sg": "Japan"})
    assert mapping["HK"] == "Other advanced economies"
    assert mapping["SG"] == "Japan"
    assert mapping["CN"] == "China"


def test_sources_and_licences_present():
    text = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for needle in (
        "CC BY-SA 4.0",
        "IEA (2023), World Energy Outlook 2023, Free Dataset (Annex A)",
        "Transition Pathway Initiative",
        "Apache-2.0",
    ):
        assert needle in text
    table = pd.read_csv(DATA_DIR / "iea_steps_nze_default.csv")
    assert table["source"].notna().all() and table["confidence"].notna().all()
    assert read_country_grid_intensity()["FR"] < read_country_grid_intensity()["PL"]


def test_carbon_price_groups_follow_the_weo():
    groups = read_carbon_price_groups()
    selected = "Selected emerging market and developing economies"
    for country in ("CN", "IN", "ID", "BR", "ZA"):
        assert groups["nze"][country] == selected, country
    for country in ("MY", "TH", "VN", "PH", "SG", "SA", "AE", "PK", "BD"):
        assert groups["nze"][country] == "Other emerging market and developing economies"
    for country in ("US", "DE", "JP", "GB", "KR", "TR", "MX"):
        assert groups["nze"][country] == "Advanced economies", country
    assert groups["steps"]["KR"] == "Korea" and groups["steps"]["FR"] == "European Union"
    assert "US" not in groups["steps"]  # no WEO STEPS price: the region's own row applies
    regions = set(read_pathways().regions())
    assert set(groups["nze"].values()) | set(groups["steps"].values()) <= regions


def test_builder_is_outside_the_package():
    assert BUILDER.exists()
    assert not (DATA_DIR / "build_default_table.py").exists()


def test_shared_electricity_price_table():
    from climrisk.data.electricity import (
        electricity_price_for_countries,
        electricity_price_usd_per_mwh,
        read_electricity_prices,
    )

    table = read_electricity_prices()
    assert table["source"].str.len().gt(0).all() and table["confidence"].str.len().gt(0).all()
    assert electricity_price_usd_per_mwh(["China", "Nowhere"]).tolist() == [90.0, 110.0]
    assert electricity_price_for_countries(["DE", "USA", None]).tolist() == [150.0, 85.0, 110.0]
    # the default pathway table starts from the shared level
    p = read_pathways()
    v, _ = p.lookup("steps", "Price|Secondary Energy|Electricity", 2025.0, ["European Union"])
    assert v[0] == 150.0
