from __future__ import annotations

from pathlib import Path

import pytest

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
