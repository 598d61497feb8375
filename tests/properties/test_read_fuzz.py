"""Arbitrary bytes or CSV text never make the reader raise anything but its own input error."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from climrisk.errors import InputError
from climrisk.portfolio import read_portfolio

HEADER = "asset_id,asset_type,latitude,longitude,value,country,geometry\n"
cell = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["data_center", "DC", "倉庫", "CN", "POLYGON((0 0, 1 0, 1 1, 0 0))", '"', ",", ""]
    ),
)
row = st.lists(cell, min_size=0, max_size=9).map(lambda cells: ",".join(cells))


def _read(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        try:
            read_portfolio(path)
        except InputError:
            pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(content):
    _read(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=6))
def test_arbitrary_csv_text(rows):
    _read((HEADER + "\n".join(rows)).encode("utf-8"))
