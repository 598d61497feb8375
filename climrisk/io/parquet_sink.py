"""Stream result rows to one Parquet file, a row group per table, as chunks finish."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["ParquetSink"]

# Values handed to the column writers at a time (pyarrow's default, 1,024, costs ~10 % more).
_WRITE_BATCH = 64 * 1024


class ParquetSink:
    """Append tables with the same columns to a Parquet file (lz4, one row group each).

    Tables are written on one background thread (Arrow releases the GIL), so writing a chunk
    overlaps with computing the next; at most ``max_pending`` tables wait in memory. Text
    columns are dictionary-encoded and carry statistics; numeric ones do neither (dictionary
    attempts on floats cost time and rarely pay, and nobody filters on a loss column).
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
        """Append one Arrow table (text columns as dictionary<int32, string>)."""
        if self._writer is None:
            if self._schema is not None:
                raise RuntimeError(f"{self.path.name}: the sink is closed")
            self._schema = table.schema
            text = [
                f.name
                for f in table.schema
                if pa.types.is_dictionary(f.type) or pa.types.is_string(f.type)
            ]
            keys = [*text, *(f.name for f in table.schema if pa.types.is_integer(f.type))]
            self._writer = pq.ParquetWriter(
                self.path,
                self._schema,
                compression="lz4",
                use_dictionary=text,
                write_statistics=keys,
                write_batch_size=_WRITE_BATCH,
            )
        if table.schema != self._schema:
            table = table.cast(self._schema)
        self.rows += table.num_rows
        while len(self._pending) >= self._max_pending:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._writer.write_table, table))

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
