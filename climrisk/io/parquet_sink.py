"""Stream result rows to one Parquet file, a row group per table, as chunks finish."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
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
    columns are dictionary-encoded; numeric ones are not (dictionary attempts on floats cost
    time and rarely pay). Row-group statistics (min/max, for readers that skip row groups) are
    kept for integer columns and the text columns named in ``statistics`` (default: every
    text column); statistics of a dictionary column cost a pass over its distinct codes, so a
    large table keeps them for the columns people filter on.
    """

    def __init__(self, path: Path, max_pending: int = 2,
                 statistics: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        self._statistics = None if statistics is None else list(statistics)
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
            if self._statistics is not None:
                text_keys = [name for name in text if name in self._statistics]
            else:
                text_keys = text
            ints = [f.name for f in table.schema if pa.types.is_integer(f.type)]
            keys = [*text_keys, *ints]
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
