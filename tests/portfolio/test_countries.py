"""Tests for country boundaries, ISO code handling and the country at a location."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from climrisk.data.boundaries import boundaries_path
from climrisk.errors import ClimriskError
from climrisk.portfolio import countries
from climrisk.portfolio.countries import (
    COUNTRY_SNAP_DISTANCE_KM,
    countries_at,
    country_alpha3,
    load_boundaries,
    normalise_country_codes,
    suggest_country,
)
from tools.boundaries import build

# City centres (lon, lat) [degree], rounded from public gazetteers.
CITIES = {
    "Beijing": (116.4074, 39.9042, "CN"),
    "Hong Kong": (114.1694, 22.3193, "HK"),
    "Singapore": (103.8198, 1.3521, "SG"),
    "Kuala Lumpur": (101.6869, 3.1390, "MY"),
    "Jakarta": (106.8456, -6.2088, "ID"),
    "Manila": (120.9842, 14.5995, "PH"),
    "Bangkok": (100.5018, 13.7563, "TH"),
    "Karachi": (67.0011, 24.8607, "PK"),
    "Dhaka": (90.4125, 23.8103, "BD"),
    "Istanbul": (28.9784, 41.0082, "TR"),
    "Riyadh": (46.6753, 24.7136, "SA"),
    "Dubai": (55.2708, 25.2048, "AE"),
    "Frankfurt": (8.6821, 50.1109, "DE"),
    "Brussels": (4.3517, 50.8503, "BE"),
    "Amsterdam": (4.9041, 52.3676, "NL"),
    "Ashburn VA": (-77.4874, 39.0438, "US"),
    "Mexico City": (-99.1332, 19.4326, "MX"),
    "Sao Paulo": (-46.6333, -23.5505, "BR"),
    "Paris": (2.3522, 48.8566, "FR"),
    "Oslo": (10.7522, 59.9139, "NO"),
    "Taipei": (121.5654, 25.0330, "TW"),
    "Macao": (113.5439, 22.1987, "MO"),
    "Shenzhen": (114.0579, 22.5431, "CN"),
    "Pristina": (21.1655, 42.6629, "XK"),
}

# Points at sea, outside every polygon, a few km off the coast (lon, lat, country).
OFFSHORE = {
    "Victoria Harbour": (114.17, 22.29, "HK"),
    "Singapore Strait": (103.86, 1.24, "SG"),
    "North Sea off Hook of Holland": (3.9, 52.05, "NL"),
    "off Jebel Ali": (55.0, 25.05, "AE"),
    "Table Bay": (18.2, -33.9, "ZA"),
}


# --- the data file --------------------------------------------------------------------------


def test_boundaries_file_shape_and_provenance():
    frame = load_boundaries()
    assert list(frame.columns) == [
        "iso_a2", "iso_a3", "name", "name_zh_hans", "name_zh_hant", "geometry"
    ]  # fmt: skip
    assert frame.crs.to_epsg() == 4326
    assert frame["iso_a2"].is_unique
    assert frame["iso_a3"].is_unique
    assert not frame["iso_a2"].str.contains("-99").any()
    assert not frame["iso_a3"].str.contains("-99").any()
    assert frame["iso_a2"].str.fullmatch("[A-Z]{2}").all()
    assert frame["iso_a3"].str.fullmatch("[A-Z]{3}").all()
    assert {"HK", "MO", "TW", "SG", "FR", "NO", "XK", "BH", "MT", "MC"} <= set(frame["iso_a2"])
    assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert shapely.is_valid(frame.geometry.to_numpy()).all()
    assert frame.attrs["source"]["natural_earth_version"] == "5.1.1"
    assert "public domain" in frame.attrs["source"]["licence"]
    with boundaries_path().open("rb") as handle:
        size = len(handle.read())
    assert size < 5_000_000


def test_boundaries_codes_are_consistent():
    frame = load_boundaries()
    assert (country_alpha3(frame["iso_a2"]) == frame["iso_a3"]).all()
    named = frame.set_index("iso_a2")["name"]
    assert named["CN"] == "China"
    assert named["HK"] == "Hong Kong"
    assert named["TW"] == "Taiwan"


def test_load_boundaries_returns_a_copy():
    first = load_boundaries()
    first.loc[:, "name"] = "changed"
    first.attrs["source"]["licence"] = "changed"
    again = load_boundaries()
    assert (again["name"] != "changed").all()
    assert again.attrs["source"]["licence"] != "changed"


# --- countries_at ---------------------------------------------------------------------------


@pytest.mark.parametrize("city", list(CITIES))
def test_city_country(city):
    lon, lat, expected = CITIES[city]
    assert countries_at(np.array([lon]), np.array([lat]))[0] == expected


def test_cities_vectorised_and_without_snapping():
    lon = np.array([v[0] for v in CITIES.values()])
    lat = np.array([v[1] for v in CITIES.values()])
    expected = [v[2] for v in CITIES.values()]
    assert countries_at(lon, lat).tolist() == expected
    assert countries_at(lon, lat, snap_km=0).tolist() == expected


@pytest.mark.parametrize("place", list(OFFSHORE))
def test_offshore_point_snaps_to_its_country(place):
    lon, lat, expected = OFFSHORE[place]
    assert countries_at(np.array([lon]), np.array([lat]), snap_km=0)[0] is None
    assert countries_at(np.array([lon]), np.array([lat]))[0] == expected


@pytest.mark.parametrize(
    ("lon", "lat"), [(-140.0, 0.0), (-30.0, 30.0), (80.0, -30.0), (-150.0, 40.0), (0.0, 90.0)]
)
def test_mid_ocean_is_none(lon, lat):
    assert countries_at(np.array([lon]), np.array([lat]))[0] is None


def _distance_km(lon: float, lat: float, geometry: shapely.Geometry) -> float:
    """Distance [km] from a point to a geometry in an azimuthal equidistant projection."""
    local = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=km", always_xy=True
    )
    near = shapely.clip_by_rect(geometry, lon - 2, lat - 2, lon + 2, lat + 2)
    projected = shapely.transform(near, lambda xy: np.column_stack(local.transform(*xy.T)))
    return float(shapely.distance(shapely.Point(0, 0), projected))


def test_snap_distance_is_in_kilometres():
    lon, lat, code = OFFSHORE["North Sea off Hook of Holland"]
    frame = load_boundaries().set_index("iso_a2")
    true_km = _distance_km(lon, lat, frame.geometry["NL"])
    assert 3.0 < true_km < COUNTRY_SNAP_DISTANCE_KM
    x, y = np.array([lon]), np.array([lat])
    # 0.56 km densification + sphere vs ellipsoid stay inside a 1 km margin.
    assert countries_at(x, y, snap_km=true_km + 1.0)[0] == code
    assert countries_at(x, y, snap_km=true_km - 1.0)[0] is None


def test_snap_picks_the_nearest_country():
    # Between Dover (GB) and Calais (FR) in the Strait of Dover, 10 km off the French coast.
    lon, lat = 1.65, 51.05
    frame = load_boundaries().set_index("iso_a2")
    d_fr = _distance_km(lon, lat, frame.geometry["FR"])
    d_gb = _distance_km(lon, lat, frame.geometry["GB"])
    assert d_fr + 2.0 < d_gb < COUNTRY_SNAP_DISTANCE_KM
    assert countries_at(np.array([lon]), np.array([lat]))[0] == "FR"


def test_bad_coordinates_give_none_and_longitude_wraps():
    lon = np.array([np.nan, 116.4074, 116.4074 + 360.0, 116.4074 - 360.0, np.inf, 2.35])
    lat = np.array([39.9, np.nan, 39.9042, 39.9042, 10.0, 95.0])
    assert countries_at(lon, lat).tolist() == [None, None, "CN", "CN", None, None]


def test_missing_values_in_pandas_and_object_input():
    lon = pd.Series([116.4074, None, 2.3522], dtype="Float64")
    lat = pd.Series([39.9042, 10.0, 48.8566], dtype="Float64")
    assert countries_at(lon, lat).tolist() == ["CN", None, "FR"]
    lon_o = np.array([116.4074, None, pd.NA], dtype=object)
    lat_o = np.array([39.9042, 1.0, 1.0], dtype=object)
    assert countries_at(lon_o, lat_o).tolist() == ["CN", None, None]
    assert countries_at(lon.to_numpy(), lat.to_numpy()).tolist() == ["CN", None, "FR"]


def test_shape_is_kept():
    lon = np.array([[116.4074, 2.3522], [-140.0, 121.5654]])
    lat = np.array([[39.9042, 48.8566], [0.0, 25.0330]])
    out = countries_at(lon, lat)
    assert out.shape == (2, 2)
    assert out.dtype == object
    assert out.tolist() == [["CN", "FR"], [None, "TW"]]
    assert countries_at(np.array([]), np.array([])).shape == (0,)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="shape"):
        countries_at(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="snap_km"):
        countries_at(np.zeros(1), np.zeros(1), snap_km=-1.0)


def test_chunks_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(7)
    lon = rng.uniform(-180, 180, 2_000)
    lat = rng.uniform(-90, 90, 2_000)
    whole = countries_at(lon, lat)
    monkeypatch.setattr(countries, "_CHUNK", 97)
    assert countries_at(lon, lat).tolist() == whole.tolist()


def test_random_points_agree_with_plain_point_in_polygon():
    rng = np.random.default_rng(3)
    lon = rng.uniform(-20, 60, 3_000)
    lat = rng.uniform(-35, 70, 3_000)
    frame = load_boundaries()
    got = countries_at(lon, lat, snap_km=0)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = points.sjoin(frame[["iso_a2", "geometry"]], predicate="within", how="left")
    expected = joined.groupby(level=0)["iso_a2"].first().reindex(range(lon.size))
    expected = [None if pd.isna(v) else v for v in expected]
    assert got.tolist() == expected


finite_lon = st.floats(-180.0, 180.0, allow_nan=False, allow_infinity=False)
finite_lat = st.floats(-90.0, 90.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite_lon, finite_lat), max_size=40), st.floats(0.0, 500.0))
def test_property_one_entry_per_point(points, snap_km):
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    out = countries_at(lon, lat, snap_km=snap_km)
    assert out.shape == lon.shape
    codes = set(load_boundaries()["iso_a2"])
    assert all(v is None or v in codes for v in out)
    # Snapping only fills points left without a country; it never changes a match.
    inside = countries_at(lon, lat, snap_km=0.0)
    assert all(a is None or a == b for a, b in zip(inside, out, strict=True))


# --- codes ----------------------------------------------------------------------------------


def test_normalise_country_codes():
    raw = pd.Series(
        ["cn", " CHN ", "hk", "UK", "gbr", "XX", "", None, "China", "NA", "twn", "xk", "el"],
        index=range(10, 23),
        name="country",
        dtype="string",
    )
    alpha2, invalid = normalise_country_codes(raw)
    assert alpha2.dtype == "string"
    assert invalid.dtype == bool
    assert alpha2.index.equals(raw.index)
    assert invalid.index.equals(raw.index)
    assert alpha2.tolist() == [
        "CN", "CN", "HK", "GB", "GB", pd.NA, pd.NA, pd.NA, pd.NA, "NA", "TW", "XK", "GR"
    ]  # fmt: skip
    assert invalid.tolist() == [
        False, False, False, False, False, True, False, False, True, False, False, False, False
    ]  # fmt: skip


def test_normalise_object_and_numeric_values():
    raw = pd.Series(["de", np.nan, 276, "  "], dtype=object)
    alpha2, invalid = normalise_country_codes(raw)
    assert alpha2.tolist() == ["DE", pd.NA, pd.NA, pd.NA]
    assert invalid.tolist() == [False, False, True, False]


def test_normalise_many_rows_few_values():
    raw = pd.Series(np.tile(["sg", "HKG", "bad", "us "], 250_000), dtype="string")
    alpha2, invalid = normalise_country_codes(raw)
    assert alpha2.iloc[:4].tolist() == ["SG", "HK", pd.NA, "US"]
    assert int(invalid.sum()) == 250_000
    assert alpha2.isna().sum() == 250_000


def test_country_alpha3():
    codes = pd.Series(["CN", "HK", "XK", None, "ZZ", "TW"], dtype="string", index=list("abcdef"))
    out = country_alpha3(codes)
    assert out.dtype == "string"
    assert out.index.equals(codes.index)
    assert out.tolist() == ["CHN", "HKG", "XKX", pd.NA, pd.NA, "TWN"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CHN ", "CN"),
        ("cn", "CN"),
        ("China", "CN"),
        ("Chna", "CN"),
        ("germany", "DE"),
        ("Germny", "DE"),
        ("GER", "DE"),
        ("UAE", "AE"),
        ("Viet Nam", "VN"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Hong Kong", "HK"),
        ("香港", "HK"),
        ("臺灣", "TW"),
        ("Côte d'Ivoire", "CI"),
        ("cote divoire", "CI"),
        ("United States of America", "US"),
        ("Holland", "NL"),
    ],
)
def test_suggest_country(text, expected):
    assert suggest_country(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "QQ", "QQQ", "zzzzzzzz", "12345"])
def test_suggest_country_none(text):
    assert suggest_country(text) is None


# --- the builder ----------------------------------------------------------------------------


# ADM0_A3, ISO_A2_EH, ISO_A3_EH, NAME_EN, box
_BUILDER_ROWS = [
    ("FRA", "FR", "FRA", "France", (0, 40, 5, 45)),
    ("CLP", "FR", "FRA", "Clipperton Island", (-110, 10, -109.9, 10.1)),
    ("KOS", "XK", "-99", "Kosovo", (20, 42, 21, 43)),
    ("ESB", "-99", "-99", "Dhekelia Cantonment", (33.7, 35.0, 33.8, 35.1)),
    ("BRT", "-99", "-99", "Bir Tawil", (33.2, 21.7, 34, 22)),
    ("CHN", "CN", "CHN", "People's Republic of China", (100, 30, 110, 40)),
]


def test_build_fixes_codes_drops_and_dissolves(natural_earth_like):
    out = build.build_boundaries(natural_earth_like(_BUILDER_ROWS))
    assert out["iso_a2"].tolist() == ["CN", "FR", "GB", "XK"]
    assert out["iso_a3"].tolist() == ["CHN", "FRA", "GBR", "XKX"]
    by_code = out.set_index("iso_a2")
    assert by_code.loc["FR", "name"] == "France"  # the largest unit names the country
    assert by_code.loc["CN", "name"] == "China"  # short-name override
    assert by_code.geometry["FR"].geom_type == "MultiPolygon"
    assert by_code.geometry["FR"].area == pytest.approx(25.0 + 0.01, rel=1e-6)
    # Coordinates sit on the 2**-16 degree grid.
    xy = shapely.get_coordinates(out.geometry.to_numpy())
    np.testing.assert_array_equal(xy, np.round(xy / build.GRID_SIZE_DEG) * build.GRID_SIZE_DEG)


def test_build_rejects_unknown_missing_code(natural_earth_like):
    frame = natural_earth_like(_BUILDER_ROWS)
    frame.loc[0, "ADM0_A3"] = "ZZZ"
    frame.loc[0, "ISO_A2_EH"] = "-99"
    with pytest.raises(ClimriskError, match="France"):
        build.build_boundaries(frame)


def test_build_rejects_non_iso_code(natural_earth_like):
    frame = natural_earth_like(_BUILDER_ROWS)
    frame.loc[5, "ISO_A3_EH"] = "CHX"
    with pytest.raises(ClimriskError, match="CN/CHX"):
        build.build_boundaries(frame)


def test_build_command_end_to_end(tmp_path, capsys, natural_earth_like):
    shp = tmp_path / "ne_10m_admin_0_countries_test.shp"
    natural_earth_like(_BUILDER_ROWS).to_file(shp, encoding="utf-8")
    (tmp_path / "ne_10m_admin_0_countries_test.VERSION.txt").write_text("5.1.1\n")
    target = tmp_path / "out" / "countries.parquet"
    assert build.main([str(shp), "--output", str(target)]) == 0
    assert "4 countries" in capsys.readouterr().out
    back = gpd.read_parquet(target)
    assert back["iso_a2"].tolist() == ["CN", "FR", "GB", "XK"]
    assert back.crs.to_epsg() == 4326
    source = json.loads(pq.read_schema(target).metadata[b"climrisk:source"])
    assert source["natural_earth_version"] == "5.1.1"
    assert source["source_file"] == shp.name
    assert len(source["source_sha256"]) == 64


def test_build_missing_source(tmp_path):
    with pytest.raises(ClimriskError, match="not found"):
        build.read_natural_earth(tmp_path / "nothing.shp")
