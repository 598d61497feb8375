"""The Parquet sink: rows round-trip, one row group per table, statistics where asked."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from climrisk.io.parquet_sink import ParquetSink
from climrisk.risk.physical import RESULT_FILTER_COLUMNS, RESULT_SCHEMA


def _table(hazard: str, n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.table({
        "asset_id": pa.DictionaryArray.from_arrays(
            pa.array(rng.integers(0, 3, n, dtype=np.int32)), pa.array(["a", "b", "c"])
        ).cast(text),
        "hazard": pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([hazard])
        ),
        "score": pa.array(rng.integers(1, 6, n, dtype=np.int8)),
        "ead": pa.array(rng.uniform(0, 1e6, n)),
    })


@pytest.mark.parametrize("statistics", [None, ("hazard",)])
def test_rows_round_trip_with_statistics_where_asked(tmp_path, statistics):
    path = tmp_path / "rows.parquet"
    sink = ParquetSink(path, max_pending=1, statistics=statistics)
    tables = [_table(h, 1000 + i, i) for i, h in enumerate(["flood", "heat", "wind"])]
    for table in tables:
        sink.write_arrow(table)
    sink.close()
    assert sink.rows == sum(t.num_rows for t in tables)
    back = pq.read_table(path)
    expected = pa.concat_tables(tables)
    for name in expected.column_names:
        assert back.column(name).to_pylist() == expected.column(name).to_pylist()
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == len(tables)
    names = expected.column_names
    for g, table in enumerate(tables):
        group = meta.row_group(g)
        stats = {names[c]: group.column(c).statistics for c in range(len(names))}
        assert stats["hazard"].has_min_max
        assert stats["hazard"].min == stats["hazard"].max == table["hazard"][0].as_py()
        assert stats["score"].has_min_max  # integers always carry them
        assert stats["ead"] is None or not stats["ead"].has_min_max  # floats never
        with_id = statistics is None or "asset_id" in statistics
        assert (stats["asset_id"] is not None and stats["asset_id"].has_min_max) == with_id
        assert "RLE_DICTIONARY" in group.column(names.index("asset_id")).encodings


def test_result_schema_text_is_never_null_and_filter_columns_are_text():
    for field in RESULT_SCHEMA:
        if pa.types.is_dictionary(field.type):
            assert not field.nullable
    assert set(RESULT_FILTER_COLUMNS) <= {
        f.name for f in RESULT_SCHEMA if pa.types.is_dictionary(f.type)
    }
