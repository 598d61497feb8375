"""Every validation rule: one test per bad form, each naming file, row and column."""

from __future__ import annotations

import pytest

from climrisk.errors import InputErrors
from climrisk.portfolio import read_portfolio

BASE = "asset_id,asset_type,latitude,longitude"


def problems(path) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read_portfolio(path)
    return [str(issue) for issue in caught.value.issues]


def test_latitude_out_of_range_exact_text(write_csv):
    text = (
        BASE
        + "\n"
        + "\n".join(f"A{i},office,10,20" for i in range(1, 7))
        + "\nA7,office,123.4,120\n"
    )
    assert problems(write_csv(text)) == [
        "error: assets.csv, row 7, column latitude: 123.4 is outside [-90, 90]"
    ]


def test_swapped_coordinates_get_a_hint(write_csv):
    text = BASE + "\nA,office,116.4,39.9\n"
    (message,) = problems(write_csv(text))
    assert "row 1, column latitude" in message
    assert "look swapped" in message


def test_longitude_out_of_range(write_csv):
    (message,) = problems(write_csv(BASE + "\nA,office,10,400\n"))
    assert message.endswith("column longitude: 400 is outside [-180, 360]")


def test_not_a_number_and_not_finite(write_csv):
    text = BASE + ",value\nA,office,abc,20,1\nB,office,10,20,inf\n"
    found = problems(write_csv(text))
    assert "error: assets.csv, row 1, column latitude: 'abc' is not a number" in found
    assert any("row 2, column value" in m and "not a finite number" in m for m in found)


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("value", "-5", "-5 is outside [0, 1e+15]"),
        ("renewable_share", "1.5", "1.5 is outside [0, 1]"),
        ("pue", "0.9", "0.9 is outside [1, 5]"),
        ("flood_protection_rp", "0.5", "0.5 is outside [1, 100000]"),
        ("annual_revenue", "-1", "-1 is outside [0, 1e+15]"),
        ("it_load_mw", "-3", "-3 is outside [0, 5000]"),
    ],
)
def test_numeric_ranges(write_csv, column, value, fragment):
    text = f"{BASE},{column}\nA,data_center,10,20,{value}\n"
    (message,) = problems(write_csv(text))
    assert message == f"error: assets.csv, row 1, column {column}: {fragment}"


def test_unknown_asset_type_suggests_closest(write_csv):
    (message,) = problems(write_csv(BASE + "\nA,warehous,10,20\n"))
    assert "row 1, column asset_type" in message
    assert "did you mean 'warehouse'" in message


def test_unknown_cooling_suggests_closest(write_csv):
    (message,) = problems(write_csv(BASE + ",cooling\nA,data_center,10,20,evaporativ\n"))
    assert "column cooling" in message and "did you mean 'evaporative'" in message


def test_duplicate_and_blank_ids(write_csv):
    text = BASE + "\nA,office,10,20\nB,office,10,20\nA,office,10,20\n,office,10,20\n"
    found = problems(write_csv(text))
    assert "error: assets.csv, row 1, column asset_id: duplicate asset_id 'A' (rows 1, 3)" in found
    assert "error: assets.csv, row 3, column asset_id: duplicate asset_id 'A' (rows 1, 3)" in found
    assert any("row 4, column asset_id: asset_id is blank" in m for m in found)


def test_invalid_country_with_suggestion(write_csv):
    (message,) = problems(write_csv(BASE + ",country\nA,office,39.9,116.4,CHX\n"))
    assert "row 1, column country" in message
    assert "not an ISO 3166-1" in message


def test_invalid_currency_and_mixed_currencies(write_csv):
    text = (
        BASE
        + ",currency\nA,office,10,20,USD\nB,office,10,20,USD\n"
        + "C,office,10,20,EUR\nD,office,10,20,XYZ\n"
    )
    found = problems(write_csv(text))
    assert any("row 3, column currency" in m and "one currency per portfolio" in m for m in found)
    assert any("row 4, column currency: 'XYZ' is not an ISO 4217" in m for m in found)


def test_mixed_currencies_allowed_with_fx(write_csv):
    text = BASE + ",currency\nA,office,10,20,USD\nB,office,10,20,EUR\n"
    portfolio = read_portfolio(write_csv(text), allow_multiple_currencies=True)
    assert len(portfolio) == 2


def test_bad_wkt_and_wrong_geometry_type(write_csv):
    text = (
        BASE + ",geometry\n"
        'A,campus,10,20,"POLYGON((1 2, 3"\n'
        'B,campus,10,20,"LINESTRING(20 10, 20.1 10.1)"\n'
    )
    found = problems(write_csv(text))
    assert any("row 1, column geometry" in m and "not valid WKT" in m for m in found)
    assert any("row 2, column geometry" in m and "POLYGON or MULTIPOLYGON" in m for m in found)


def test_self_intersecting_polygon(write_csv):
    bowtie = "POLYGON((20 10, 20.01 10.01, 20.01 10, 20 10.01, 20 10))"
    (message,) = problems(write_csv(f'{BASE},geometry\nA,campus,10.005,20.005,"{bowtie}"\n'))
    assert "row 1, column geometry: invalid polygon" in message


def test_footprint_far_from_point_hints_coordinate_order(write_csv):
    # WKT written as "lat lon": the polygon lands far away from the point.
    swapped = "POLYGON((30 120, 30.01 120, 30.01 120.01, 30 120.01, 30 120))"
    found = problems(write_csv(f'{BASE},geometry\nA,campus,30,120,"{swapped}"\n'))
    assert any("row 1, column geometry" in m for m in found)


def test_missing_required_columns(write_csv):
    (message,) = problems(write_csv("asset_id,latitude,longitude\nA,10,20\n"))
    assert message.startswith("error: assets.csv: required column 'asset_type' is missing")


def test_missing_location_columns(write_csv):
    (message,) = problems(write_csv("asset_id,asset_type\nA,office\n"))
    assert "latitude, longitude missing" in message


def test_blank_location_without_footprint(write_csv):
    (message,) = problems(write_csv(BASE + "\nA,office,,\n"))
    assert message.startswith("error: assets.csv, row 1, column latitude: latitude is blank")


def test_ragged_rows_reported_with_other_problems(write_csv):
    text = BASE + "\nA,office,10,20\nB,office,10\nC,office,10,20,99\nD,office,999,20\n"
    found = problems(write_csv(text))
    assert "error: assets.csv, row 2: has 3 fields but the header has 4" in found
    assert any(m.startswith("error: assets.csv, row 3: has 5 fields") for m in found)
    assert "error: assets.csv, row 4, column latitude: 999 is outside [-90, 90]" in found


def test_empty_and_header_only_files(write_csv):
    assert problems_single(write_csv("")) == "error: assets.csv: the file is empty"
    assert problems_single(write_csv(BASE + "\n")) == (
        "error: assets.csv: the file has a header but no data rows"
    )


def test_binary_content(write_csv):
    assert "binary content" in problems_single(write_csv(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"))


def test_utf16_named(write_csv):
    message = problems_single(write_csv("asset_id,asset_type\nA,office\n", encoding="utf-16"))
    assert "UTF-16" in message


def test_single_column_text(write_csv):
    assert "single column" in problems_single(write_csv("hello world\nthis is not a csv\n"))


def test_every_problem_reported_not_only_the_first(write_csv):
    rows = "\n".join(f"A{i},office,{100 + i},20" for i in range(1, 121))
    found = problems(write_csv(BASE + "\n" + rows + "\n"))
    assert len(found) == 120


def problems_single(path) -> str:
    from climrisk.errors import InputError

    with pytest.raises(InputError) as caught:
        read_portfolio(path)
    (issue,) = caught.value.issues
    return str(issue)
