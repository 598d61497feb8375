"""The output folder of a run: checked, locked, and cleared of what killed runs left beside it.

A run replaces its output folder as a whole (:func:`climrisk.io.atomic.atomic_output_dir`), so
the folder must never be one that holds the user's own files: only a missing or empty folder, or
one holding an earlier climrisk result (recognised by its ``manifest.json``), is accepted.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from climrisk.errors import ClimriskError, InputError

__all__ = ["check_output_dir", "clean_stale_staging", "is_result_folder", "output_lock"]


def is_result_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a climrisk result: its manifest, or ``combined/manifest.json``."""
    for manifest in (folder / "manifest.json", folder / "combined" / "manifest.json"):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "climrisk_manifest" in data:
            return True
    return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_dir(target: Path, inputs: Iterable[Path | None] = ()) -> None:
    """Refuse an output folder a run must not replace (before any work is done).

    Raises
    ------
    climrisk.errors.InputError
        When ``target`` is the working folder or one above it, a file, a folder holding
        anything but an earlier climrisk result, or a folder holding one of the run's inputs.
    """
    target = Path(target)
    shown = str(target)
    if not target.name or str(target).strip() in ("", "."):
        raise InputError(shown or "--out", "is not an output folder; name a folder of its own",
                         column="--out", kind="option")
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    if _inside(cwd, resolved) or resolved == Path.home().resolve():
        raise InputError(
            shown,
            "is the working folder, your home folder or a folder above them; a run replaces its "
            "output folder as a whole: name a new folder such as reports/NAME",
            column="--out",
            kind="option",
        )
    for item in inputs:
        if item is not None and _inside(Path(item).resolve(), resolved):
            raise InputError(
                shown,
                f"holds the input {Path(item).name}; a run replaces its output folder as a whole: "
                "name a new folder",
                column="--out",
                kind="option",
            )
    if target.exists() and not target.is_dir():
        raise InputError(shown, "is a file, not a folder", column="--out", kind="option")
    if target.is_dir():
        try:
            empty = not any(target.iterdir())
        except OSError as exc:
            raise InputError(shown, f"cannot read the folder: {exc.strerror or exc}") from None
        if not empty and not is_result_folder(target):
            raise InputError(
                shown,
                "holds files that are not a climrisk result (no manifest.json); a run replaces "
                "its output folder as a whole: name an empty or new folder",
                column="--out",
                kind="option",
            )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(target: Path) -> list[Path]:
    """Remove what killed runs left beside ``target``; call only while holding its lock.

    Staging folders (``.NAME.*.tmp``) are removed. A moved-aside earlier result
    (``.NAME.old-PID``) of a dead process is put back when ``target`` is missing (the run was
    killed between the two renames), else removed.

    Returns
    -------
    list of Path
        What was removed or restored.
    """
    target = Path(target)
    parent = target.parent
    handled: list[Path] = []
    if not parent.is_dir():
        return handled
    for path in sorted(parent.glob(f".{target.name}.*.tmp")):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            handled.append(path)
    for path in sorted(parent.glob(f".{target.name}.old-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
            continue
        if not target.exists() and is_result_folder(path):
            path.rename(target)
        else:
            shutil.rmtree(path, ignore_errors=True)
        handled.append(path)
    return handled


@contextlib.contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` for one run (a second run to it fails at once).

    The lock is the file ``.NAME.lock`` beside the folder, removed when the run ends; stale
    staging of killed runs is cleaned once the lock is held.
    """
    import fcntl

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.parent / f".{target.name}.lock"
    while True:
        handle = lock.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ClimriskError(
                    f"{target}: another climrisk run is writing this folder; wait for it to "
                    "finish or choose another --out"
                ) from None
            raise
        try:  # the file may have been removed by the run that held it: lock the current one
            same = os.stat(lock).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        clean_stale_staging(target)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        handle.close()
