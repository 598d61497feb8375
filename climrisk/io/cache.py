"""Cache of sampled hazard values, keyed by what determines them.

The key is a SHA-256 over the hazard files' own SHA-256, the chunk's asset coordinates and
footprints, and the sampling settings; re-running with new damage curves, prices or thresholds
reuses the samples, while any change to a hazard file or a location misses the cache.
Entries are written by climrisk itself into the user's own cache folder (default
``.climrisk-cache/`` in the working folder; ``--no-cache`` bypasses it).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

__all__ = ["DEFAULT_CACHE_DIR", "SampleCache"]

DEFAULT_CACHE_DIR = Path(".climrisk-cache")
_FORMAT = b"climrisk-sample-cache-1"


class SampleCache:
    """Sampled hazard values per chunk of assets, stored as files in one folder."""

    def __init__(self, folder: Path, layers_digest: str) -> None:
        self.folder = Path(folder)
        self.layers_digest = layers_digest
        self.hits = 0
        self.misses = 0
        self.clean_stale()

    def describe(self, *, counted: bool = True) -> dict[str, Any]:
        """What the run did with the cache, for the manifest and ``run.log`` (not the report).

        ``counted=False``: the chunks ran in other processes (``--scheduler processes`` or a
        Dask cluster), which use the folder only when they can reach it and whose hits and
        misses are not seen here.
        """
        if counted:
            return {"folder": str(self.folder), "used": True, "hits": self.hits,
                    "misses": self.misses}
        return {
            "folder": str(self.folder.resolve()),
            "used": "by the worker processes only where they can reach this folder",
            "hits": None,
            "misses": None,
        }

    def key(self, chunk: pd.DataFrame, settings: tuple[Any, ...]) -> str:
        """The cache key of one chunk of assets under the given sampling settings."""
        digest = hashlib.sha256(_FORMAT)
        digest.update(self.layers_digest.encode())
        digest.update(repr(settings).encode())
        digest.update(np.ascontiguousarray(chunk["longitude"].to_numpy(np.float64)).tobytes())
        digest.update(np.ascontiguousarray(chunk["latitude"].to_numpy(np.float64)).tobytes())
        if "has_footprint" in chunk.columns and chunk["has_footprint"].any():
            footprints = chunk.geometry.to_numpy()[chunk["has_footprint"].to_numpy(bool)]
            for wkb in shapely.to_wkb(footprints):
                digest.update(wkb)
        return digest.hexdigest()

    def load(self, key: str) -> Any | None:
        """The cached sample, or ``None`` on a miss (or an unreadable entry)."""
        path = self.folder / f"{key}.pkl"
        if not path.is_file():
            self.misses += 1
            return None
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)  # noqa: S301 (written by climrisk into its own cache)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def store(self, key: str, value: Any) -> None:
        """Store a sample atomically (write a temporary file, then rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            with temporary.open("wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(self.folder / f"{key}.pkl")
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def clean_stale(self) -> int:
        """Remove temporary files of processes that no longer run (killed while writing)."""
        removed = 0
        if not self.folder.is_dir():
            return removed
        for path in self.folder.glob(".*.tmp"):
            pid = path.name.rsplit(".", 2)[-2] if path.name.count(".") >= 3 else ""
            if pid.isdigit() and not _pid_alive(int(pid)):
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
