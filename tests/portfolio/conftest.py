from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

HEADER = "asset_id,asset_type,latitude,longitude,country,value,currency"
GOOD_ROWS = [
    "DC-1,data_center,39.9042,116.4074,CN,500000000,USD",
    "WH-1,warehouse,22.3193,114.1694,HK,80000000,USD",
    "OF-1,office,1.3521,103.8198,SG,120000000,USD",
]


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text (or bytes) to a CSV file in tmp_path and return its path."""

    def _write(content: str | bytes, name: str = "assets.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


@pytest.fixture
def good_csv_text() -> str:
    return "\n".join([HEADER, *GOOD_ROWS]) + "\n"


@pytest.fixture
def natural_earth_like():
    """Build a tiny frame with the Natural Earth columns the boundaries builder reads.

    Rows are ``(ADM0_A3, ISO_A2_EH, ISO_A3_EH, NAME_EN, box)``.
    """

    def _frame(rows: list[tuple]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {
                "ADM0_A3": [r[0] for r in rows],
                "ADMIN": [r[3] for r in rows],
                "ISO_A2_EH": [r[1] for r in rows],
                "ISO_A3_EH": [r[2] for r in rows],
                "NAME_EN": [r[3] for r in rows],
                "NAME_ZH": ["中文"] * len(rows),
                "NAME_ZHT": ["中文"] * len(rows),
            },
            geometry=[shapely.box(*r[4]) for r in rows],
            crs="EPSG:4326",
        )

    return _frame
