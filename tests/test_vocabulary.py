"""The one vocabulary: every module derives from it, the checks catch broken rows, plugins work."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from climrisk import vocabulary
from climrisk.vocabulary import (
    VOCABULARY,
    Vocabulary,
    VocabularyError,
    check_vocabulary,
    load_vocabulary,
)

REPO = Path(__file__).resolve().parents[1]
LOCALES = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in (REPO / "climrisk" / "report" / "locales").glob("*.json")
}


def test_builtin_vocabulary_passes_its_checks_with_every_locale():
    assert set(LOCALES) == {"en", "zh-Hans", "zh-Hant"}
    check_vocabulary(VOCABULARY, locales=LOCALES)
    assert len(VOCABULARY.hazards) == 10
    assert len(VOCABULARY.indicators) == 12


def test_every_module_derives_its_hazards_from_the_table():
    from climrisk.engine import ALL_HAZARDS
    from climrisk.hazard import indicators
    from climrisk.report import results
    from climrisk.risk import physical, scoring
    from climrisk.vulnerability import base, models
    from climrisk.web import tables

    hazards = VOCABULARY.hazards
    keys = list(VOCABULARY.by_key)
    assert indicators.HAZARDS == base.HAZARDS == results.HAZARD_ORDER == hazards
    assert tables._HAZARDS == ALL_HAZARDS == tuple(physical.HAZARD_CATEGORY) == hazards
    assert list(indicators.STANDARD_INDICATORS) == list(base.INDICATORS) == keys
    assert list(scoring.DEFAULT_HAZARD_BOUNDARIES) == keys
    assert results._HAZARD_CATEGORY == physical.HAZARD_CATEGORY
    assert set(physical.FLOOD_HAZARDS) == set(models._FLOODS) == {
        "riverine_flood", "pluvial_flood", "coastal_flood"
    }
    for key, row in VOCABULARY.by_key.items():
        bounds = scoring.DEFAULT_HAZARD_BOUNDARIES[key]
        assert bounds.values == row.score_boundaries and bounds.units == row.units
        assert indicators.STANDARD_INDICATORS[key]["units"] == base.INDICATORS[key].units
        assert indicators.STANDARD_INDICATORS[key]["return_periods"] == row.return_periods
    assert physical.PRIMARY_INDICATOR["extreme_heat"] == "days_above_35c"
    assert physical.PRIMARY_INDICATOR["extreme_cold"] == "days_below_minus_10c"


def test_every_standard_layer_has_a_model():
    from climrisk.vulnerability import models_for_layer

    for hazard, indicator in VOCABULARY.by_key:
        assert models_for_layer(hazard, indicator), (hazard, indicator)


def test_asset_types_and_their_defaults_derive_from_the_table():
    from climrisk.portfolio import schema, validate
    from climrisk.report import results
    from climrisk.transition import settings
    from climrisk.vulnerability import _common

    names = VOCABULARY.asset_type_names
    assert names == ("data_center", "campus", "warehouse", "office", "retail", "other")
    assert schema.ASSET_TYPES == results.ASSET_TYPE_ORDER == names
    assert validate._DEFAULT_BUSINESS_UNIT == settings.DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE
    assert settings.DEFAULT_BUSINESS_UNIT_BY_ASSET_TYPE == {
        "data_center": "cloud", "warehouse": "logistics", "retail": "retail",
        "office": "corporate", "campus": "corporate", "other": "corporate",
    }
    assert set(VOCABULARY.business_unit_by_asset_type.values()) <= set(schema.BUSINESS_UNITS)
    assert _common.BUILDINGS == ("campus", "warehouse", "office", "retail", "other")
    for default in schema.DEFAULTS:
        assert default.column in schema.COLUMNS_BY_NAME and default.asset_type in names
    # the expansion keeps the order in which assumptions are reported
    assert [(d.column, d.asset_type) for d in schema.DEFAULTS[:6]] == [
        ("pue", "data_center"), ("cooling", "data_center"), ("renewable_share", "data_center"),
        ("ground_floor_elevation_m", "data_center"), ("ground_floor_elevation_m", "campus"),
        ("ground_floor_elevation_m", "warehouse"),
    ]
    # flood protection is no table default: FLOPROS gives it per location, hazard by hazard
    assert not any(d.column == "flood_protection_rp" for d in schema.DEFAULTS)
    assert {d.asset_type for d in schema.DEFAULTS if d.column == "gross_margin"} == set(names)


def _with(index: int, **changes) -> Vocabulary:
    rows = list(VOCABULARY.indicators)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return dataclasses.replace(VOCABULARY, indicators=tuple(rows))


@pytest.mark.parametrize(
    ("changed", "text"),
    [
        (_with(1, primary=True), "exactly one indicator must be primary"),
        (_with(0, primary=False), "exactly one indicator must be primary"),
        (_with(4, return_periods=None), "ascending return periods"),
        (_with(4, return_periods=(10.0, 5.0)), "ascending return periods"),
        (_with(0, return_periods=(2.0, 5.0)), "a chronic index has none"),
        (_with(0, score_boundaries=(5, 20, 20, 90)), "four strictly ascending"),
        (_with(0, score_boundaries=(5, 20, 45)), "four strictly ascending"),
        (_with(0, kind="acute"), "key 'kind'"),
        (_with(0, category="physical"), "key 'category'"),
        (_with(1, category="chronic"), "key 'category': differs"),
        (_with(0, units="parsecs per fortnight squared-ish"), "key 'units'"),
        (_with(0, upper=50.0), "key 'upper'"),
        (_with(0, hazard="Extreme-Heat"), "key 'hazard'"),
        (_with(0, label_key="hazards"), "key 'label_key'"),
        (_with(8, uses_floor_depth=True), "only for return-period depth layers"),
        (_with(1, indicator="days_above_35c"), "listed twice"),
    ],
)
def test_check_vocabulary_catches_each_broken_rule(changed, text):
    with pytest.raises(VocabularyError, match=text):
        check_vocabulary(changed)


def test_a_label_missing_in_one_locale_is_named():
    locales = json.loads(json.dumps(LOCALES))
    del locales["zh-Hant"]["hazards"]["wildfire"]
    with pytest.raises(VocabularyError, match=r"hazards\.wildfire' missing in locale zh-Hant"):
        check_vocabulary(VOCABULARY, locales=locales)


def test_duplicate_asset_type_and_default_are_caught():
    types = (*VOCABULARY.asset_types, VOCABULARY.asset_types[0])
    with pytest.raises(VocabularyError, match="asset_type data_center: listed twice"):
        check_vocabulary(dataclasses.replace(VOCABULARY, asset_types=types))
    defaults = (*VOCABULARY.defaults, VOCABULARY.defaults[0])
    with pytest.raises(VocabularyError, match="default pue for data_center: given twice"):
        check_vocabulary(dataclasses.replace(VOCABULARY, defaults=defaults))


def _copy_tables(tmp_path: Path) -> Path:
    for name in ("indicators.toml", "asset_types.toml"):
        source = REPO / "climrisk" / "data" / "vocabulary" / name
        (tmp_path / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_loader_reads_the_package_tables_exactly():
    again = load_vocabulary(plugins=False)
    assert again.indicators == tuple(
        i for i in VOCABULARY.indicators if i.origin == "climrisk"
    )
    heat = again.by_key[("extreme_heat", "days_above_35c")]
    assert heat.score_boundaries == (5, 20, 45, 90)
    assert all(isinstance(v, int) for v in heat.score_boundaries)  # kept as written
    assert again.by_key[("landslide", "annual_probability")].score_boundaries == (
        1e-4, 1e-3, 3e-3, 1e-2
    )


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ('upper = 366.0\n', 'upper = 366.0\ncolour = "red"\n', "key 'colour': unknown key"),
        ('primary = true\n', 'primary = "yes"\n', "key 'primary': 'yes' is not of type bool"),
        ('units = "day/year"\n', "", "key 'units': missing"),
        ("score_boundaries = [5, 20, 45, 90]", 'score_boundaries = [5, 20, "x", 90]',
         "key 'score_boundaries': 'x' is not a number"),
    ],
)
def test_loader_names_file_row_and_key(tmp_path, old, new, text):
    folder = _copy_tables(tmp_path)
    path = folder / "indicators.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(VocabularyError, match="indicators.toml, indicator 1, " + text):
        load_vocabulary(folder, plugins=False)


def test_loader_rejects_an_unknown_asset_type_in_a_default(tmp_path):
    folder = _copy_tables(tmp_path)
    path = folder / "asset_types.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('asset_types = ["data_center"]',
                                                 'asset_types = ["datacentre"]', 1),
        encoding="utf-8",
    )
    with pytest.raises(VocabularyError, match="default 1, key 'asset_types': unknown asset type"):
        load_vocabulary(folder, plugins=False)


# -- plugins -----------------------------------------------------------------------------------

_PLUGIN = '''
"""A hail hazard, a hospital asset type and a hail model, as a third party would ship them."""

import numpy as np

INDICATORS = {"indicator": [{
    "hazard": "hail", "indicator": "hail_days", "units": "day/year", "kind": "chronic_index",
    "category": "acute", "primary": True, "uses_floor_depth": False, "upper": 60.0,
    "score_boundaries": [1, 2, 4, 8], "score_source": "illustrative classes",
    "label_key": "hazards.hail", "long_name": "days per year with hail of 2 cm or more",
}]}


def asset_types():
    return {
        "asset_type": [{"name": "hospital", "label_key": "asset_types.hospital",
                        "business_unit": "corporate", "building": True}],
        "default": [{"column": "cooling", "asset_types": ["hospital"], "value": "air",
                     "source": "illustrative"}],
    }


class HailModel:
    name = "illustrative_hail_loss"
    hazard = "hail"
    indicator = "hail_days"
    units = "day/year"
    asset_types = ("hospital", "office")
    channels = ("damage_ratio",)
    references = ("illustrative: 1 % of value per hail day, saturating",)
    description = "Annual loss ratio 1 - exp(-0.01 x hail days) (illustrative)."

    def evaluate(self, intensity, assets, prices=None):
        x = np.array(intensity, dtype=float)
        return {"damage_ratio": 1.0 - np.exp(-0.01 * x)}
'''

_ENTRY_POINTS = """
[climrisk.indicators]
hail = demo_hail:INDICATORS

[climrisk.asset_types]
hospital = demo_hail:asset_types

[climrisk.vulnerability_models]
hail.hail_days.hospital = demo_hail:HailModel
hail.hail_days.office = demo_hail:HailModel
"""

_SCRIPT = '''
import json, sys
from pathlib import Path

import numpy as np
import pandas as pd

from climrisk import vocabulary
from climrisk.config import RunConfig
from climrisk.engine import assess
from climrisk.hazard import indicators
from climrisk.portfolio import read_portfolio, schema
from climrisk.risk import physical, scoring
from climrisk.testing.synthetic import synthetic_layer, write_layer
from climrisk.vulnerability import RiverineFloodModel, check_vulnerability_model, model_for

folder, csv = Path(sys.argv[1]), Path(sys.argv[2])
vocabulary.check_vocabulary()
check_vulnerability_model(model_for("hail", "hail_days", "hospital"))
grid = np.arange(1.0, 13.0).reshape(3, 4)
write_layer(synthetic_layer("hail", "hail_days", values=grid), folder)
write_layer(synthetic_layer("extreme_heat", "days_above_40c", values=grid, units="day/year"),
            folder)
result = assess(read_portfolio(csv), RunConfig(hazards=folder, pdf=False,
                pathway_scenarios=("steps",)), keep_results=True)
rows = result.asset_results
hail = rows[rows["hazard"] == "hail"]
print(json.dumps({
    "hazards": list(indicators.HAZARDS),
    "category": physical.HAZARD_CATEGORY["hail"],
    "boundaries": list(scoring.DEFAULT_HAZARD_BOUNDARIES[("hail", "hail_days")].values),
    "asset_types": list(schema.ASSET_TYPES),
    "flood_model_types": list(RiverineFloodModel.asset_types),
    "status": sorted(map(list, set(zip(hail["asset_type"].astype(str),
                                       hail["status"].astype(str))))),
    "ead": float(hail["ead"].sum()),
    "missing": result.manifest.missing,
    "matrix_hazards": sorted(set(result.physical_matrix["hazard"].astype(str))),
}))
'''


def _install_plugin(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    info = site / "demo_hail-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-hail\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(_ENTRY_POINTS)
    (site / "demo_hail.py").write_text(textwrap.dedent(_PLUGIN))
    return site


def test_a_plugin_adds_a_hazard_an_asset_type_and_a_model(tmp_path):
    site = _install_plugin(tmp_path)
    folder = tmp_path / "hazards"
    csv = tmp_path / "assets.csv"
    csv.write_text(
        "asset_id,name,asset_type,latitude,longitude,country,value\n"
        "H1,General Hospital,hospital,11.2,101.3,TH,1000000\n"
        "O1,Head office,office,11.6,102.7,TH,2000000\n"
        "W1,Depot,warehouse,10.7,100.2,TH,3000000\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(folder), str(csv)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["hazards"][-1] == "hail" and len(out["hazards"]) == 11
    assert out["category"] == "acute" and out["boundaries"] == [1, 2, 4, 8]
    assert out["asset_types"][-1] == "hospital"
    # the built-in models cover the built-in types only: a new type is "no model", not zeros
    assert "hospital" not in out["flood_model_types"]
    assert out["status"] == [["hospital", "ok"], ["office", "ok"], ["warehouse", "no_model"]]
    assert out["ead"] > 0
    assert {"hazard": "extreme_heat", "indicator": "days_above_40c",
            "reason": "no model"} in out["missing"]
    assert "hail" in out["matrix_hazards"]


def test_a_broken_plugin_warns_and_is_left_out(tmp_path, monkeypatch):
    site = _install_plugin(tmp_path)
    (site / "demo_hail.py").write_text("INDICATORS = 42\n\ndef asset_types():\n    return {}\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.warns(RuntimeWarning, match="plugin 'hail' in climrisk.indicators failed"):
        loaded = load_vocabulary()
    assert "hail" not in loaded.hazards
    assert loaded.asset_type_names == vocabulary.ASSET_TYPES
