"""Stream result rows to one Parquet file, a row group per table, as chunks finish."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["ParquetSink"]


class ParquetSink:
    """Append tables with the same columns to a Parquet file (zstd, one row group each).

    Arrow tables are written on one background thread (Arrow releases the GIL), so writing a
    chunk overlaps with computing the next; at most ``max_pending`` tables wait in memory.
    Text columns are dictionary-encoded, numeric ones are not (dictionary attempts on floats
    cost time and rarely pay).
    """

    def __init__(self, path: Path, max_pending: int = 2) -> None:
        self.path = Path(path)
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet-sink")
        self._pending: deque[Future[None]] = deque()
        self._max_pending = max_pending
        self.rows = 0

    def write_arrow(self, table: pa.Table) -> None:
        """Append one Arrow table (categorical columns as dictionary<int32, string>)."""
        if self._writer is None:
            if self._schema is not None:
                raise RuntimeError(f"{self.path.name}: the sink is closed")
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.path, self._schema, compression="zstd")
        self._writer.write_table(
            table.cast(self._schema) if table.schema != self._schema else table
        )
        self.rows += table.num_rows

    def close(self) -> None:
        """Wait for pending writes and finish the file."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
