"""The threaded CSV writer: same file as a plain pandas write, formulas quoted, empty cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from climrisk.report import tables
from climrisk.report.tables import _parquet_rows, write_csv_fast


def _table(n: int) -> pa.Table:
    rng = np.random.default_rng(3)
    ids = np.array([f"A{i}" for i in range(n // 3 + 1)] + ["=HYPERLINK(1)", "-5", "@x"])
    codes = rng.integers(0, ids.size, n).astype(np.int32)
    values = rng.normal(0, 1e6, n)
    values[rng.random(n) < 0.3] = np.nan
    score = pa.array(rng.integers(0, 6, n).astype(np.int8), mask=rng.random(n) < 0.2)
    return pa.table({
        "asset_id": pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(ids)),
        "ead": pa.array(values),
        "intensity": pa.array(values.astype(np.float32)),
        "score": score,
    })


def test_rows_in_order_across_slices_and_threads(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "_CSV_SLICE_ROWS", 997)  # many slices, odd boundaries
    table = _table(10_000)
    path = tmp_path / "out.csv"
    pq.write_table(table, tmp_path / "rows.parquet", row_group_size=2_500)
    write_csv_fast(_parquet_rows(tmp_path / "rows.parquet"), path)
    got = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"asset_id": str})
    want = table.to_pandas()
    assert len(got) == len(want) and got.columns.tolist() == want.columns.tolist()
    ids = want["asset_id"].astype(str)
    quoted = ids.where(~ids.isin(["=HYPERLINK(1)", "@x"]), "'" + ids)
    assert got["asset_id"].tolist() == quoted.tolist()  # "-5" is a number, left alone
    np.testing.assert_allclose(got["ead"], want["ead"], rtol=1e-15, equal_nan=True)
    assert got["score"].isna().tolist() == want["score"].isna().tolist()
    text = path.read_text()
    assert "nan" not in text.lower().replace('"', "")
    assert text.count('"asset_id"') == 1  # one header


def test_empty_parquet_gives_the_header(tmp_path):
    pq.write_table(_table(0), tmp_path / "rows.parquet")
    write_csv_fast(_parquet_rows(tmp_path / "rows.parquet"), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().strip() == '"asset_id","ead","intensity","score"'


def test_dataframe_input_matches_table_input(tmp_path):
    table = _table(500)
    write_csv_fast(table, tmp_path / "a.csv")
    frame = table.to_pandas()
    write_csv_fast(frame, tmp_path / "b.csv")
    a = pd.read_csv(tmp_path / "a.csv", keep_default_na=False, na_values=[""])
    b = pd.read_csv(tmp_path / "b.csv", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(a, b)
