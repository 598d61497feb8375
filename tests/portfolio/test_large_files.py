"""The fast paths for long files give what the general paths give, and keep precise errors.

Numbers are parsed by Arrow when every cell allows it and by pandas otherwise; text columns are
checked once per distinct value; CSV files with ordinary line breaks are handed to the parser
without being split into lines in Python; countries are looked up without a shapely point per
asset. Each test below pins one of these to the general path or to a known answer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from climrisk.errors import InputErrors
from climrisk.portfolio import countries, read, read_portfolio, validate
from climrisk.portfolio.countries import countries_at, country_codes_at

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample_portfolio.csv"


def _long_file(n: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """A clean portfolio of ``n`` offices and data centres on land in China (as text)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "asset_id": [f"S{i:05d}" for i in range(n)],
            "asset_type": rng.choice(["office", "data_center", "DC", "Warehouse "], n),
            "latitude": rng.uniform(28.0, 36.0, n).round(4).astype(str),
            "longitude": rng.uniform(108.0, 116.0, n).round(4).astype(str),
            "value": rng.uniform(1e6, 1e8, n).round(0).astype(str),
            "renewable_share": rng.uniform(0, 1, n).round(2).astype(str),
            "pue": np.where(rng.random(n) < 0.5, "", "1.4"),
            "currency": "USD",
        }
    )


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read_portfolio(path)
    return [str(issue) for issue in caught.value.issues]


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", "12,5", "'12,5' is not a number"),
        ("value", "1.0e", "'1.0e' is not a number"),
        ("value", "-nan", "'-nan' is not a number"),
        ("value", "Infinity", "Infinity is not a finite number"),
        ("value", "-3.50", "-3.50 is outside [0, 1e+15]"),
        ("renewable_share", "1.50", "1.50 is outside [0, 1]"),
        ("pue", "+0.90", "+0.90 is outside [1, 5]"),
        ("latitude", "95.00", "95.00 is outside [-90, 90]"),
        ("longitude", "east", "'east' is not a number"),
    ],
)
def test_one_bad_cell_among_ten_thousand_names_its_row(tmp_path, column, value, message):
    frame = _long_file()
    frame.loc[7_776, column] = value  # data row 7,777
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    assert _problems(path) == [f"error: long.csv, row 7777, column {column}: {message}"]


def test_several_bad_cells_in_several_columns(tmp_path):
    frame = _long_file()
    frame.loc[[9, 4_000], "value"] = ["n/a?", "1e999"]
    frame.loc[[9, 9_999], "pue"] = ["high", " 9 "]
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    assert _problems(path) == [
        "error: long.csv, row 10, column pue: 'high' is not a number",
        "error: long.csv, row 10, column value: 'n/a?' is not a number",
        "error: long.csv, row 4001, column value: 1e999 is not a finite number",
        "error: long.csv, row 10000, column pue:  9  is outside [1, 5]",
    ]


def test_missing_spellings_and_signs_in_a_long_column(tmp_path):
    frame = _long_file()
    frame.loc[[1, 2, 3, 4, 5, 6], "value"] = [" NA ", "n/A", "NaN", "null", "+5", "++7"]
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    value = read_portfolio(path).assets["value"].to_numpy()
    assert np.isnan(value[1:5]).all()
    assert value[5] == 5.0
    assert value[6] == 7.0  # one leading '+' is dropped, then pandas reads "+7"


def _number_strings() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=20)
    plain = st.builds(
        lambda sign, whole, frac, exp: f"{sign}{whole}{frac}{exp}",
        st.sampled_from(["", "-", "+", "++", "+-", " ", "\t"]),
        digits,
        st.one_of(st.just(""), st.just("."), digits.map(lambda d: "." + d)),
        st.one_of(st.just(""), st.builds("e{}{}".format, st.sampled_from(["", "+", "-"]), digits)),
    )
    special = st.sampled_from(
        ["", " ", "NA", "n/a", "NaN", "-nan", "inf", "-Infinity", "none", "-", "#N/A", "-0", "1,5"]
    )
    return st.one_of(plain, special, st.text(max_size=4))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), _number_strings()), min_size=1, max_size=30))
def test_arrow_and_pandas_parse_numbers_alike(cells):
    arrow_values, arrow_bad, arrow_missing = validate._numbers(pd.Series(cells, dtype="str"))
    text_values, text_bad, text_missing = validate._numbers(pd.Series(cells, dtype=object))
    # Bit for bit: the same float, the same sign of zero, NaN in the same places.
    assert arrow_values.view(np.int64).tolist() == text_values.view(np.int64).tolist()
    assert arrow_bad.tolist() == text_bad.tolist()
    assert arrow_missing.tolist() == text_missing.tolist()


@pytest.mark.parametrize(
    ("cells", "negative"),
    [
        (["-0", "5"], False),  # all integers: pandas reads -0 as the integer 0
        (["-0", "5", ""], False),
        (["-0", "5.5"], True),  # a fraction in the column: read as floats, -0.0
        (["-0.0", "5"], True),
    ],
)
def test_negative_zero_follows_pandas(cells, negative):
    values, _, _ = validate._numbers(pd.Series(cells, dtype="str"))
    assert values[0] == 0.0
    assert bool(np.signbit(values[0])) is negative


# --- text columns, ids ---------------------------------------------------------------------------


_SPELLINGS = st.sampled_from(["a", " a", "A ", "", "NA", "x"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), _SPELLINGS), max_size=40))
def test_distinct_values_spread_back_to_every_cell(cells):
    series = pd.Series(cells, dtype="str", index=np.arange(len(cells)) * 3)
    distinct, codes = validate._distinct(series)
    spread = validate._spread(validate._text(distinct), codes, series.index)
    pd.testing.assert_series_equal(spread, validate._text(series), check_names=False)


def test_asset_type_spellings_in_a_long_column(tmp_path):
    frame = _long_file()
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    kinds = read_portfolio(path).assets["asset_type"]
    expected = frame["asset_type"].map(
        {"office": "office", "data_center": "data_center", "DC": "data_center"}
    )
    expected = expected.fillna("warehouse").to_numpy()
    assert kinds.dtype == "string"
    assert kinds.tolist() == expected.tolist()


def test_duplicate_ids_in_a_long_file(tmp_path):
    frame = _long_file()
    frame.loc[[3, 8_000, 9_998], "asset_id"] = "DUP"
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    message = "duplicate asset_id 'DUP' (rows 4, 8001, 9999)"
    assert _problems(path) == [
        f"error: long.csv, row {row}, column asset_id: {message}" for row in (4, 8001, 9999)
    ]


def test_assumptions_are_listed_in_a_fixed_order(write_csv):
    text = (
        "asset_id,asset_type,latitude,longitude\n"
        "A,retail,10,20\nB,office,10,20\nC,office,10,20\nD,retail,10,20\nE,warehouse,30,120\n"
    )
    assumptions = read_portfolio(write_csv(text)).assumptions
    by_column = {
        column: [(a.asset_type, a.count) for a in assumptions if a.column == column]
        for column in ("business_unit", "ground_floor_elevation_m")
    }
    # Per asset type: most assets first, ties in the order the types first appear ...
    assert by_column["business_unit"] == [("retail", 2), ("office", 2), ("warehouse", 1)]
    # ... but defaults in the order of the defaults table.
    assert by_column["ground_floor_elevation_m"] == [("warehouse", 1), ("office", 2), ("retail", 2)]


# --- CSV reading ---------------------------------------------------------------------------------

_CSV_TEXTS = {
    "plain": "asset_id,asset_type,latitude,longitude\nA,office,10,20\nB,office,11,21\n",
    "crlf": "asset_id,asset_type,latitude,longitude\r\nA,office,10,20\r\nB,office,11,21\r\n",
    "bom_and_blank_lines": (
        "\ufeff\n  \n\nasset_id,asset_type,latitude,longitude\n\nA,office,10,20\n\n"
    ),
    "no_final_newline": "asset_id;asset_type;latitude;longitude\nA;office;10;20",
    "quoted_newlines": (
        'asset_id,name,asset_type,latitude,longitude\r\nA,"two\r\nlines",office,10,20\n'
        'B,"one\nmore",office,11,21\n'
    ),
    "ragged": "asset_id,asset_type,latitude,longitude\nA,office,10,20\nB,office\nC,office,1,2,3\n",
    "quote_open_at_end": 'asset_id,asset_type,latitude,longitude\nA,office,1,2\nB,"office,1,2\n\n',
    "chinese": "asset_id,name,asset_type,latitude,longitude\nA1,杭州倉庫,倉庫,30.27,120.16\n",
}


@pytest.mark.parametrize("name", list(_CSV_TEXTS))
def test_csv_fast_path_reads_what_the_general_path_reads(write_csv, monkeypatch, name):
    path = write_csv(_CSV_TEXTS[name])

    def read_both():
        try:
            frame, rows = read.read_asset_table(path)
        except InputErrors as errors:
            return [str(issue) for issue in errors.issues]
        return frame, rows

    fast = read_both()
    monkeypatch.setattr(read, "_newline_breaks_only", lambda raw: False)
    general = read_both()
    if isinstance(general, list):
        assert fast == general
    else:
        pd.testing.assert_frame_equal(fast[0], general[0])
        assert fast[1].tolist() == general[1].tolist()


@pytest.mark.parametrize(
    ("text", "breaks_only_at_newlines"),
    [
        (b"a,b\nc,d\r\n", True),
        (b"a,b\rc,d\n", False),  # a lone CR is a line break to str.splitlines
        (b"a,b\x0bc,d\n", False),
        (b"a,b\x1ec,d\n", False),
        ("a,b\u2028c,d\n".encode(), False),
        ("a,b\u0085c,d\n".encode(), False),
        ("a,名\nc,d\n".encode(), True),
    ],
)
def test_line_breaks_other_than_newline_take_the_general_path(text, breaks_only_at_newlines):
    assert read._newline_breaks_only(text) is breaks_only_at_newlines
    assert (len(text.decode().splitlines()) == text.count(b"\n")) is breaks_only_at_newlines


# --- countries ---------------------------------------------------------------------------------


def _inside_by_strtree(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Point in polygon the plain way: candidate parts from a shapely STRtree of the parts."""
    index = countries._index()
    found = np.full(lon.shape, -1, dtype=np.intp)
    point_i, part_i = shapely.STRtree(index.parts).query(shapely.points(lon, lat))
    for point, part in sorted(zip(point_i, part_i, strict=True), key=lambda pair: pair[1]):
        if shapely.contains_xy(index.parts[part], lon[point], lat[point]):
            found[point] = index.part_country[part]
    return found


def test_point_in_polygon_matches_a_spatial_index():
    rng = np.random.default_rng(11)
    lon = np.r_[rng.uniform(-180, 180, 4_000), rng.integers(-180, 181, 1_000).astype(float)]
    lat = np.r_[rng.uniform(-90, 90, 4_000), rng.integers(-90, 91, 1_000).astype(float)]
    bounds = shapely.bounds(countries._index().parts)  # on the edges of the bounding boxes
    lon = np.r_[lon, bounds[:, 0], bounds[:, 2], bounds[:, 0]]
    lat = np.r_[lat, bounds[:, 1], bounds[:, 3], bounds[:, 3]]
    assert countries._inside(countries._index(), lon, lat).tolist() == (
        _inside_by_strtree(lon, lat).tolist()
    )


def test_country_codes_at_is_countries_at_as_a_string_array():
    rng = np.random.default_rng(5)
    lon = np.r_[rng.uniform(-180, 180, 3_000), np.nan, 400.0]
    lat = np.r_[rng.uniform(-80, 80, 3_000), 10.0, 40.0]
    codes = country_codes_at(lon, lat)
    assert codes.dtype == "string"
    assert codes.to_numpy(dtype=object, na_value=None).tolist() == countries_at(lon, lat).tolist()
    with pytest.raises(ValueError, match="1-d"):
        country_codes_at(np.zeros((2, 2)), np.zeros((2, 2)))


def test_sample_portfolio_countries_are_found_from_coordinates():
    sample = pd.read_csv(SAMPLE, keep_default_na=False)
    given = sample[(sample["country"] != "") & (sample["latitude"] != "")]
    found = countries_at(
        given["longitude"].astype(float).to_numpy(), given["latitude"].astype(float).to_numpy()
    )
    assert len(given) >= 99
    assert found.tolist() == given["country"].tolist()


def test_derived_countries_in_a_long_file(tmp_path):
    frame = _long_file(n=5_000, seed=3)
    rng = np.random.default_rng(3)
    frame["latitude"] = rng.uniform(-40, 60, len(frame)).round(3).astype(str)
    frame["longitude"] = rng.uniform(-20, 140, len(frame)).round(3).astype(str)
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    assets = read_portfolio(path).assets
    expected = countries_at(frame["longitude"].astype(float), frame["latitude"].astype(float))
    assert assets["country"].to_numpy(dtype=object, na_value=None).tolist() == expected.tolist()
    assert assets["country_derived"].all()
