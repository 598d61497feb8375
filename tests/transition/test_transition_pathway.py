"""Pathway files: reading, validation errors, units, interpolation, wide/long equivalence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from climrisk.errors import InputError
from climrisk.transition import VARIABLES, normalise_scenario, read_pathways
from climrisk.transition.pathway import CARBON_PRICE, GRID_INTENSITY, RENEWABLE_SHARE

DEFAULT_REGIONS = {
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
}


def _write(tmp_path, text, name="p.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _issues(exc: pytest.ExceptionInfo) -> list:
    return list(exc.value.issues)


# -- the default table -------------------------------------------------------------------------
def test_default_table_is_complete():
    p = read_pathways()
    assert p.scenarios() == ["steps", "nze"]
    assert set(p.variables()) == set(VARIABLES)
    groups = {
        "Korea",
        "Chile and Colombia",
        "Advanced economies",
        "Selected emerging market and developing economies",
        "Other emerging market and developing economies",
    }
    assert set(p.regions()) == DEFAULT_REGIONS | groups
    assert p.years() == [2025, 2030, 2035, 2040, 2045, 2050]
    grid = p.data[p.data["region"].isin(DEFAULT_REGIONS)]
    counts = grid.groupby(["pathway", "region", "variable"]).size()
    assert len(counts) == 2 * len(DEFAULT_REGIONS) * len(VARIABLES)
    assert (counts == 6).all()
    # the carbon-price group regions carry carbon prices only
    assert set(p.data.loc[p.data["region"].isin(groups), "variable"]) == {CARBON_PRICE}
    assert (p.data["source"].str.len() > 0).all()
    assert set(p.data["confidence"]) <= {
        "verified",
        "verified_secondary",
        "unverified",
        "derived",
        "proxy",
        "assumption",
    }


def test_default_table_nze_at_least_as_ambitious_as_steps():
    data = read_pathways().data
    d = data[data["region"].isin(DEFAULT_REGIONS)].pivot_table(
        index=["region", "variable", "year"], columns="pathway", values="value"
    )
    assert (d.xs(CARBON_PRICE, level="variable").eval("nze >= steps")).all()
    assert (d.xs(GRID_INTENSITY, level="variable").eval("nze <= steps")).all()
    assert (d.xs(RENEWABLE_SHARE, level="variable").eval("nze >= steps")).all()


def test_interpolation_between_points_and_clamped():
    p = read_pathways()
    pts = p.data.query(
        "pathway == 'nze' and region == 'European Union' and variable == @CARBON_PRICE"
    )
    v = dict(zip(pts["year"], pts["value"], strict=True))
    got, fell = p.lookup("nze", CARBON_PRICE, 2027, ["European Union"])
    assert_allclose(got, v[2025] + (v[2030] - v[2025]) * 2 / 5)
    assert not fell.any()
    assert_allclose(
        p.lookup("nze", CARBON_PRICE, 2031, ["European Union"])[0],
        v[2030] + (v[2035] - v[2030]) / 5,
    )
    # clamped at the ends
    assert_allclose(p.lookup("nze", CARBON_PRICE, 2010, ["European Union"])[0], v[2025])
    assert_allclose(p.lookup("nze", CARBON_PRICE, 2100, ["European Union"])[0], v[2050])
    # exact at the points
    assert_allclose(p.lookup("nze", CARBON_PRICE, 2040, ["european union"])[0], v[2040])


def test_lookup_falls_back_to_world_and_at_returns_all_series():
    p = read_pathways()
    values, fell = p.lookup("steps", CARBON_PRICE, 2030, np.array(["Atlantis", "China"]))
    world = p.lookup("steps", CARBON_PRICE, 2030, ["World"])[0][0]
    assert fell.tolist() == [True, False]
    assert values[0] == world
    at = p.at([2027, 2031])
    assert len(at) == 2 * len(p.data) / 6
    assert set(at["year"]) == {2027.0, 2031.0}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Stated Policies Scenario", "steps"),
        ("STEPS", "steps"),
        ("NZE", "nze"),
        ("Net Zero Emissions by 2050 Scenario", "nze"),
        ("Announced Pledges Scenario", "aps"),
        ("Net Zero 2050", "net_zero_2050"),
    ],
)
def test_scenario_names(name, expected):
    assert normalise_scenario(name) == expected


# -- a user's own file -------------------------------------------------------------------------
def test_user_file_units_converted(tmp_path, user_pathway_text):
    p = read_pathways(_write(tmp_path, user_pathway_text))
    assert p.scenarios() == ["steps", "nze"]
    assert p.regions() == ["World"]
    steps = p.data.query("pathway == 'steps' and variable == @GRID_INTENSITY")
    assert_allclose(steps.sort_values("year")["value"], [500, 400, 300, 200, 100, 50])
    assert (p.data["unit"] == p.data["variable"].map(lambda v: VARIABLES[v].unit)).all()
    assert (p.data["confidence"] == "user").all()


def test_wide_and_long_are_equivalent(tmp_path, user_pathway_text):
    wide = read_pathways(_write(tmp_path, user_pathway_text, "wide.csv"))
    frame = pd.read_csv(tmp_path / "wide.csv")
    long = frame.melt(
        id_vars=["Model", "Scenario", "Region", "Variable", "Unit"],
        var_name="YEAR",
        value_name="Value",
    )
    long_path = tmp_path / "long.csv"
    long.to_csv(long_path, index=False, sep=";")
    got = read_pathways(long_path)
    key = ["pathway", "region", "variable", "year"]
    a = wide.data.sort_values(key).reset_index(drop=True)
    b = got.data.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[[*key, "value", "unit"]], b[[*key, "value", "unit"]])


def test_xlsx_wide_equals_csv(tmp_path, user_pathway_text):
    csv_path = _write(tmp_path, user_pathway_text)
    xlsx = tmp_path / "p.xlsx"
    frame = pd.read_csv(csv_path)
    frame.columns = [int(c) if c.isdigit() else c for c in frame.columns]
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="readme", index=False)
        frame.to_excel(writer, sheet_name="data", index=False)
    a = read_pathways(csv_path).data
    b = read_pathways(xlsx).data
    assert_allclose(a["value"], b["value"])
    assert a["variable"].tolist() == b["variable"].tolist()


def test_blank_cells_in_wide_file_are_not_points(tmp_path, wide):
    text = wide(
        [
            "M,steps,World,Price|Carbon,US$/t CO2,10,,30,,50,60",
            "M,steps,World,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
        ]
    )
    p = read_pathways(_write(tmp_path, text))
    assert_allclose(p.lookup("steps", CARBON_PRICE, 2030, ["World"])[0], 20.0)


# -- validation errors -------------------------------------------------------------------------
def test_unknown_variable_is_reported_with_row_and_suggestion(tmp_path, user_pathway_text):
    text = user_pathway_text + "M,NZE,World,Price|Carbn,US$/t CO2,1,2,3,4,5,6\n"
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    (issue,) = _issues(exc)
    assert issue.row == 5
    assert issue.column == "Variable"
    assert "unknown variable 'Price|Carbn'" in issue.message
    assert "did you mean 'Price|Carbon'" in issue.message
    assert str(exc.value).startswith("error: p.csv, row 5, column Variable:")
    # the option to skip unknown variables
    assert read_pathways(tmp_path / "p.csv", ignore_unknown_variables=True).scenarios() == [
        "steps",
        "nze",
    ]


def test_unit_mismatch(tmp_path, wide):
    text = wide(
        [
            "M,steps,World,Price|Carbon,EUR/t CO2,10,20,30,40,50,60",
            "M,steps,World,Emissions Intensity|Electricity,%,1,1,1,1,1,1",
        ]
    )
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    issues = _issues(exc)
    assert [(i.row, i.column) for i in issues] == [(1, "Unit"), (2, "Unit")]
    assert (
        "unit 'EUR/t CO2' does not match 'Price|Carbon', expected 'US$/t CO2'" in issues[0].message
    )


def test_non_numeric_value(tmp_path, user_pathway_text):
    text = user_pathway_text.replace("10,20,30", "10,n/a,30")
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    (issue,) = _issues(exc)
    assert (issue.row, issue.column, issue.value) == (1, "2030", "n/a")
    assert "is not a number" in issue.message


def test_missing_year(tmp_path, wide):
    text = wide(
        [
            "M,steps,World,Price|Carbon,US$/t CO2,10,20,30,40,50,",
            "M,steps,World,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
        ]
    )
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    (issue,) = _issues(exc)
    assert issue.row == 1
    assert "missing year" in issue.message and "ends in 2045" in issue.message


def test_gap_between_years(tmp_path, wide):
    text = wide(
        [
            "M,steps,World,Price|Carbon,US$/t CO2,10,,,,50,60",
            "M,steps,World,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
        ]
    )
    with pytest.raises(InputError, match="no point between 2025 and 2045"):
        read_pathways(_write(tmp_path, text))


def test_missing_required_variable_and_region(tmp_path, wide):
    text = wide(
        [
            "M,steps,China,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
            "M,steps,India,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
            "M,steps,China,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
            "M,nze,World,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
        ]
    )
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    messages = [i.message for i in _issues(exc)]
    assert any("region 'India' has no 'Emissions Intensity|Electricity'" in m for m in messages)
    assert any(
        "scenario 'nze' has no 'Emissions Intensity|Electricity' rows" in m for m in messages
    )


def test_out_of_range_and_duplicates(tmp_path, wide):
    text = wide(
        [
            "M,steps,World,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
            "M,steps,World,Price|Carbon,US$/t CO2,10,20,30,40,50,60",
            "M,steps,World,Emissions Intensity|Electricity,g CO2/kWh,500,400,300,200,100,50",
            "M,steps,World,Secondary Energy|Electricity|Share|Renewables,%,30,40,50,60,70,170",
        ]
    )
    with pytest.raises(InputError) as exc:
        read_pathways(_write(tmp_path, text))
    messages = [i.message for i in _issues(exc)]
    assert any("outside [0.0, 1.0]" in m for m in messages)
    assert any(m.startswith("duplicate point") for m in messages)


def test_missing_columns_and_unsupported_type(tmp_path):
    with pytest.raises(InputError, match="missing column"):
        read_pathways(
            _write(tmp_path, "scenario,region,variable,2025\nsteps,World,Price|Carbon,1\n")
        )
    with pytest.raises(InputError, match="unsupported pathway file type"):
        read_pathways(_write(tmp_path, "x", "p.json"))
    with pytest.raises(InputError, match="file not found"):
        read_pathways(tmp_path / "nope.csv")
