"""The embedded data: the builder is deterministic and the country map is complete."""

from __future__ import annotations

import importlib.util
import sys

import pandas as pd
import pycountry

from climrisk.transition import read_country_regions, read_pathways
from climrisk.transition.pathway import DATA_DIR
from climrisk.transition.regions import read_country_grid_intensity


def _builder():
    sys.dont_write_bytecode, before = True, sys.dont_write_bytecode  # keep the data folder clean
    try:
        return _load_builder()
    finally:
        sys.dont_write_bytecode = before


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_default_table", DATA_DIR / "build_default_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_reproduces_shipped_tables(tmp_path):
    _builder().build(tmp_path)
    for name in ("iea_steps_nze_default.csv", "country_regions.csv", "country_grid_intensity.csv"):
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
