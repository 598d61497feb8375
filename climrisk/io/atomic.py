"""Write a run's outputs all or nothing: into a temporary folder beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_output_dir"]


def _apply_umask(folder: Path) -> None:
    """Give the staged outputs ordinary permissions (temp files and folders are owner-only)."""
    umask = os.umask(0)
    os.umask(umask)
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
