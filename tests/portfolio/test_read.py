"""Reading asset files: encodings, delimiters, formats, aliases, footprints."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from climrisk.errors import InputError
from climrisk.portfolio import read_portfolio
from tests.portfolio.conftest import GOOD_ROWS, HEADER


def test_reads_plain_utf8_csv(write_csv, good_csv_text):
    portfolio = read_portfolio(write_csv(good_csv_text))
    assets = portfolio.assets
    assert list(assets.index) == ["DC-1", "WH-1", "OF-1"]
    assert assets.loc["DC-1", "asset_type"] == "data_center"
    assert assets.loc["WH-1", "latitude"] == pytest.approx(22.3193)
    assert assets.crs.to_epsg() == 4326
    assert portfolio.currency == "USD"
    assert assets["value"].sum() == pytest.approx(700_000_000)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_with_chinese_names(write_csv, encoding):
    text = "asset_id,name,asset_type,latitude,longitude\nA1,杭州倉庫,倉庫,30.2741,120.1551\n"
    portfolio = read_portfolio(write_csv(text, encoding=encoding))
    assert portfolio.assets.loc["A1", "name"] == "杭州倉庫"
    assert portfolio.assets.loc["A1", "asset_type"] == "warehouse"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_delimiters_and_line_endings(write_csv, good_csv_text, delimiter, newline):
    text = good_csv_text.replace(",", delimiter).replace("\n", newline)
    portfolio = read_portfolio(write_csv(text))
    assert len(portfolio) == 3
    assert portfolio.assets.loc["OF-1", "longitude"] == pytest.approx(103.8198)


def test_header_aliases_case_insensitive(write_csv):
    text = "ID,Type,LAT,Lng,BuildingTIV\nX1,DC,31.23,121.47,1000\n"
    assets = read_portfolio(write_csv(text)).assets
    assert assets.loc["X1", "asset_type"] == "data_center"
    assert assets.loc["X1", "value"] == 1000


def test_oed_columns(write_csv):
    text = "LocNumber,OccupancyType,Latitude,Longitude,BuildingTIV\nL1,warehouse,51.5,0.1,5\n"
    text = text.replace("OccupancyType", "type")
    assets = read_portfolio(write_csv(text)).assets
    assert assets.loc["L1", "value"] == 5


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("data centre", "data_center"),
        ("DC", "data_center"),
        ("數據中心", "data_center"),
        ("数据中心", "data_center"),
        ("park", "campus"),
        ("Industrial Park", "campus"),
        ("園區", "campus"),
        ("园区", "campus"),
        ("logistics hub", "warehouse"),
        ("Distribution Center", "warehouse"),
        ("仓库", "warehouse"),
        ("Retail", "retail"),
        ("office", "office"),
        ("other", "other"),
    ],
)
def test_asset_type_aliases(write_csv, alias, expected):
    text = f'asset_id,asset_type,latitude,longitude\nA,"{alias}",30,120\n'
    assert read_portfolio(write_csv(text)).assets.loc["A", "asset_type"] == expected


def test_longitudes_above_180_are_normalised(write_csv):
    text = "asset_id,asset_type,latitude,longitude\nA,office,40.7,286.0\nB,office,10,360\n"
    assets = read_portfolio(write_csv(text)).assets
    assert assets.loc["A", "longitude"] == pytest.approx(-74.0)
    assert assets.loc["B", "longitude"] == pytest.approx(0.0)
    assert shapely.get_x(assets.loc["A", "geometry"]) == pytest.approx(-74.0)


def test_footprint_polygon_kept_and_point_derived(write_csv):
    wkt = "POLYGON((120.00 30.00, 120.01 30.00, 120.01 30.01, 120.00 30.01, 120.00 30.00))"
    text = f'asset_id,asset_type,geometry\nC1,campus,"{wkt}"\n'
    assets = read_portfolio(write_csv(text)).assets
    assert bool(assets.loc["C1", "has_footprint"])
    assert assets.loc["C1", "geometry"].geom_type == "Polygon"
    assert assets.loc["C1", "latitude"] == pytest.approx(30.005, abs=0.006)
    assert assets.loc["C1", "longitude"] == pytest.approx(120.005, abs=0.006)


def test_multipolygon_footprint(write_csv):
    wkt = (
        "MULTIPOLYGON(((10 50, 10.01 50, 10.01 50.01, 10 50.01, 10 50)),"
        "((10.02 50, 10.03 50, 10.03 50.01, 10.02 50.01, 10.02 50)))"
    )
    text = f'asset_id,asset_type,latitude,longitude,geometry\nM,campus,50.005,10.015,"{wkt}"\n'
    assets = read_portfolio(write_csv(text)).assets
    assert assets.loc["M", "geometry"].geom_type == "MultiPolygon"
    assert assets.loc["M", "latitude"] == pytest.approx(50.005)


def test_country_alpha3_normalised_and_derived(write_csv):
    text = (
        "asset_id,asset_type,latitude,longitude,country\n"
        "A,office,52.52,13.405,deu\n"
        "B,office,48.8566,2.3522,\n"
    )
    portfolio = read_portfolio(write_csv(text))
    assert portfolio.assets.loc["A", "country"] == "DE"
    assert portfolio.assets.loc["B", "country"] == "FR"
    assert bool(portfolio.assets.loc["B", "country_derived"])
    assert any(a.column == "country" for a in portfolio.assumptions)


def test_defaults_applied_and_recorded(write_csv):
    text = (
        "asset_id,asset_type,latitude,longitude,it_load_mw\n"
        "DC,data_center,40,116,10\n"
        "WH,warehouse,40,116,\n"
    )
    portfolio = read_portfolio(write_csv(text))
    assets = portfolio.assets
    assert assets.loc["DC", "pue"] == pytest.approx(1.58)
    assert assets.loc["DC", "cooling"] == "air"
    assert assets.loc["DC", "annual_energy_mwh"] == pytest.approx(10 * 1.58 * 8760 * 0.6)
    # no protection standard given: the FLOPROS default applies per hazard, in the engine
    assert np.isnan(assets.loc["DC", "flood_protection_rp"])
    assert np.isnan(assets.loc["WH", "flood_protection_rp"])
    protection = {a.asset_type: a.value for a in portfolio.assumptions
                  if a.column == "flood_protection_rp"}
    assert protection == {
        "data_center": "CN: riverine 100 y, coastal 100 y, pluvial 100 y",
        "warehouse": "CN: riverine 29.4 y, coastal 28.7 y, pluvial none",
    }
    assert assets.loc["DC", "business_unit"] == "cloud"
    assert assets.loc["WH", "business_unit"] == "logistics"
    columns = {(a.column, a.asset_type) for a in portfolio.assumptions}
    assert ("pue", "data_center") in columns
    assert ("annual_energy_mwh", "data_center") in columns
    assert ("pue", "warehouse") not in columns


def test_given_values_are_not_overwritten_by_defaults(write_csv):
    text = "asset_id,asset_type,latitude,longitude,pue,cooling\nDC,DC,40,116,1.2,evaporative\n"
    portfolio = read_portfolio(write_csv(text))
    assert portfolio.assets.loc["DC", "pue"] == pytest.approx(1.2)
    assert portfolio.assets.loc["DC", "cooling"] == "evaporative"
    assert not any(a.column == "pue" for a in portfolio.assumptions)


def test_parquet_geojson_geopackage_same_result(tmp_path, write_csv, good_csv_text):
    from_csv = read_portfolio(write_csv(good_csv_text)).assets
    frame = pd.read_csv(write_csv(good_csv_text, name="again.csv"))
    frame.to_parquet(tmp_path / "assets.parquet")
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "assets.geojson", driver="GeoJSON")
    gdf.to_file(tmp_path / "assets.gpkg", driver="GPKG")
    for name in ("assets.parquet", "assets.geojson", "assets.gpkg"):
        assets = read_portfolio(tmp_path / name).assets
        assert list(assets.index) == list(from_csv.index), name
        np.testing.assert_allclose(assets["latitude"], from_csv["latitude"], err_msg=name)
        np.testing.assert_allclose(assets["value"], from_csv["value"], err_msg=name)
        assert list(assets["asset_type"]) == list(from_csv["asset_type"]), name


def test_geojson_polygon_is_a_footprint(tmp_path):
    polygon = shapely.box(114.0, 22.3, 114.01, 22.31)
    gdf = gpd.GeoDataFrame(
        {"asset_id": ["HK1"], "asset_type": ["campus"]}, geometry=[polygon], crs="EPSG:4326"
    )
    gdf.to_file(tmp_path / "sites.geojson", driver="GeoJSON")
    assets = read_portfolio(tmp_path / "sites.geojson").assets
    assert bool(assets.loc["HK1", "has_footprint"])
    assert assets.loc["HK1", "latitude"] == pytest.approx(22.305, abs=0.006)


def test_blank_lines_are_skipped(write_csv):
    text = HEADER + "\n\n" + "\n\n".join(GOOD_ROWS) + "\n\n"
    assert len(read_portfolio(write_csv(text))) == 3


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_portfolio(tmp_path / "nope.csv")


def test_namibia_code_is_not_a_missing_value(write_csv):
    text = "asset_id,asset_type,latitude,longitude,country\nW,warehouse,-22.56,17.08,NA\n"
    assert read_portfolio(write_csv(text)).assets.loc["W", "country"] == "NA"
