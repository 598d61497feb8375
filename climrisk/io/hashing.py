"""The one SHA-256 helper: the hex digest of a file, or of every file of a folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_sha256"]


def file_sha256(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 of a file (or of every file in a folder such as a Zarr store, in sorted order).

    Files are read in blocks of ``chunk_size`` bytes (default 1 MiB); for one file the digest
    is the usual ``sha256sum`` of its bytes.
    """
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with file.open("rb") as handle:
            while chunk := handle.read(chunk_size):
                digest.update(chunk)
    return digest.hexdigest()
