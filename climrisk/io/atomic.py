"""The one atomic writer: into a temporary file or folder beside the target, then rename.

:func:`atomic_file` for one file (a report, a hazard layer, a cache entry) and
:func:`atomic_output_dir` for a run's outputs; either way a failure never leaves a half-written
target, and the result has ordinary permissions (the process umask), not the owner-only ones of
temporary files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_file", "atomic_output_dir"]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextlib.contextmanager
def atomic_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file is created (empty) in ``target``'s folder, so the final rename stays on
    one file system and is atomic; on any failure it is removed and ``target`` is untouched.

    Examples
    --------
    >>> with atomic_file(path) as tmp:  # doctest: +SKIP
    ...     dataset.to_netcdf(tmp)
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
        staging.chmod(0o666 & ~_umask())
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def _apply_umask(folder: Path) -> None:
    """Give the staged outputs ordinary permissions (temp files and folders are owner-only)."""
    umask = _umask()
    folder.chmod(0o777 & ~umask)
    for path in folder.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


@contextlib.contextmanager
def atomic_output_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces ``target``, on failure it vanishes.

    The temporary folder is created in ``target``'s parent so the final rename stays on one file
    system. An existing ``target`` is moved aside first and removed only after the new folder is
    in place, so a failure never leaves a half-written result.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _apply_umask(staging)
    backup: Path | None = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        if backup.exists():
            shutil.rmtree(backup)
        target.rename(backup)
    try:
        staging.rename(target)
    except BaseException:
        if backup is not None:
            backup.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
