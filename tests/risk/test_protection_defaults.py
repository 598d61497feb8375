"""FLOPROS protection defaults where the asset file gives no standard."""

import numpy as np
import pandas as pd
import pytest

from climrisk.data.protection import (
    DATA_CENTRE_DESIGN_RP,
    default_protection,
    flopros_table,
    protection_assumptions,
)
from climrisk.risk.chunk import AssetChunk


def test_table_has_the_published_national_values():
    table = flopros_table()
    assert len(table) >= 200
    # Scussolini et al. (2016) merged layer, population-weighted national means
    assert table.loc["NL", "riverine_rp"] == pytest.approx(4881.6)
    assert table.loc["CN", "riverine_rp"] == pytest.approx(29.4)
    assert table.loc["TH", "coastal_rp"] == pytest.approx(11.4)
    assert (table.fillna(0.0) >= 0).all().all()  # blank: no value in the source
    assert "NA" in table.index  # Namibia, not a missing value


def test_riverine_and_coastal_separately_and_none_for_pluvial():
    country = ["NL", "TH", None, "ZZ", "BO"]
    kinds = ["office"] * 5
    assert default_protection(country, kinds, "riverine_flood") == pytest.approx(
        [4881.6, 22.9, 1.0, 1.0, 6.7])
    # Bolivia's coastal standard is 0 (none known): no protection
    assert default_protection(country, kinds, "coastal_flood") == pytest.approx(
        [1253.5, 11.4, 1.0, 1.0, 1.0])
    assert default_protection(country, kinds, "pluvial_flood") == pytest.approx([1.0] * 5)
    assert default_protection(country, kinds, "tropical_cyclone") == pytest.approx([1.0] * 5)


def test_data_centres_keep_their_design_standard_where_higher():
    country = ["TH", "NL"]
    kinds = ["data_center", "data_center"]
    assert default_protection(country, kinds, "riverine_flood") == pytest.approx(
        [DATA_CENTRE_DESIGN_RP, 4881.6])
    assert default_protection(country, kinds, "pluvial_flood") == pytest.approx(
        [DATA_CENTRE_DESIGN_RP] * 2)


def test_the_chunk_uses_the_file_value_first_then_the_default():
    assets = pd.DataFrame(
        {"asset_type": ["office", "office", "data_center"], "country": ["TH", "TH", "TH"],
         "flood_protection_rp": [50.0, np.nan, np.nan], "value": [1.0, 1.0, 1.0],
         "annual_revenue": [1.0, 1.0, 1.0]},
        index=pd.Index(["a", "b", "c"], name="asset_id"),
    )
    chunk = AssetChunk(assets)
    assert chunk.protection("riverine_flood") == pytest.approx([50.0, 22.9, 100.0])
    assert chunk.protection("coastal_flood") == pytest.approx([50.0, 11.4, 100.0])
    assert chunk.protection("pluvial_flood") == pytest.approx([50.0, 1.0, 100.0])


def test_assumptions_name_country_type_and_count():
    assets = pd.DataFrame(
        {"asset_type": ["office", "office", "warehouse", "office"],
         "country": ["TH", "TH", None, "US"],
         "flood_protection_rp": [np.nan, np.nan, np.nan, 100.0]},
    )
    got = {(kind, value): count for _, kind, value, count, _ in protection_assumptions(assets)}
    assert got == {
        ("office", "TH: riverine 22.9 y, coastal 11.4 y, pluvial none"): 2,
        ("warehouse", "no country: riverine none, coastal none, pluvial none"): 1,
    }
